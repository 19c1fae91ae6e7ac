package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vaultmcp.config.ConfigException;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;

/**
 * The tools this server offers: the manifest ({@code tools.json}, the whole attack surface in one
 * file) joined with the handlers. Built once at start-up and never changed afterwards (no rug
 * pulls). Start-up fails when the manifest and the handlers disagree. Privileged entries are left
 * out entirely unless operations are enabled: not listed, and unknown to {@code tools/call}.
 */
public final class ToolTable {
    private static final Set<String> ENTRY_KEYS = Set.of("name", "title", "description", "toolset", "privileged",
            "vault", "approval", "secrets", "annotations", "inputSchema", "outputSchema");
    /** How descriptions and messages name a tool, so that the name gets MCP_TOOL_PREFIX: {@code {tool:list_mounts}}. */
    private static final Pattern REFERENCE = Pattern.compile("\\{tool:([a-z_]+)}");

    /** A tool as offered: its manifest name, its definition (as in tools/list, prefixed name), reach and handler. */
    public record Tool(String name, JsonObject definition, Reach reach, boolean privileged, boolean approval,
            List<String> secretArguments, boolean secretAnswer, ToolHandler handler) {}

    /** By the name clients see, in manifest order: built by the constructor, or by another thread. */
    private final CompletableFuture<Map<String, Tool>> tools;
    private final Selection selection;
    private final Mounts mounts = new Mounts(System::nanoTime);

    /** The default selection: the default toolsets, privileged tools only with {@code enableOperations}. */
    public ToolTable(JsonArray manifest, Map<String, ToolHandler> handlers, boolean enableOperations) {
        this(() -> manifest, () -> handlers, Selection.defaults(enableOperations), false);
    }

    private ToolTable(Supplier<JsonArray> manifest, Supplier<Map<String, ToolHandler>> handlers, Selection selection,
            boolean later) {
        this.selection = selection;
        this.tools = later ? CompletableFuture.supplyAsync(() -> build(manifest.get(), handlers.get()))
                : CompletableFuture.completedFuture(build(manifest.get(), handlers.get()));
    }

    private Map<String, Tool> build(JsonArray manifest, Map<String, ToolHandler> handlers) {
        JsonObject shared = Bundled.MANIFEST.getAsJsonObject("shared");
        Map<String, Tool> offered = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>();
        for (JsonElement element : manifest) {
            String name = element.getAsJsonObject().get("name").getAsString();
            check(seen.add(name), "duplicate manifest entry ", name);
        }
        for (JsonElement element : manifest) {
            JsonObject entry = element.getAsJsonObject();
            String name = entry.get("name").getAsString();
            check(name.matches("[a-z][a-z0-9_]{0,63}"), "bad tool name ", name);
            check(ENTRY_KEYS.containsAll(entry.keySet()), name, ": unknown manifest field");
            check(entry.has("description") && entry.has("title") && entry.has("privileged") && entry.has("inputSchema")
                    && entry.has("annotations") && entry.getAsJsonObject("annotations").has("readOnlyHint")
                    && entry.has("toolset") && entry.get("toolset").getAsString().matches("[a-z]+"),
                    name, ": needs title, description, toolset, privileged, annotations.readOnlyHint, inputSchema");
            boolean privileged = entry.get("privileged").getAsBoolean();
            check(privileged != entry.getAsJsonObject("annotations").get("readOnlyHint").getAsBoolean(),
                    name, ": privileged must be the opposite of readOnlyHint");
            check(handlers.containsKey(name), "manifest entry ", name, " has no handler");
            JsonObject schema = entry.getAsJsonObject("inputSchema");
            Args.checkSchema(name, schema);
            Reach reach = Reach.parse(name, entry.getAsJsonObject("vault"), schema);
            // Which arguments carry secret values (the audit trail keeps only their HMAC), and whether the answer
            // holds secret material (wrapped or redacted as MCP_SECRET_VALUES says).
            JsonObject secrets = entry.has("secrets") ? entry.getAsJsonObject("secrets") : new JsonObject();
            List<String> secretArguments = secrets.has("arguments") ? secrets.getAsJsonArray("arguments").asList()
                    .stream().map(JsonElement::getAsString).toList() : List.of();
            secretArguments.forEach(a -> check(schema.getAsJsonObject("properties").has(a), name,
                    ": secrets names an unknown argument \"", a, "\""));
            JsonObject definition = resolve(name, entry.deepCopy(), seen).getAsJsonObject();
            if (!selection.offers(name, entry.get("toolset").getAsString(), privileged)) {
                continue;
            }
            List.of("toolset", "privileged", "vault", "approval", "secrets").forEach(definition::remove);
            JsonObject properties = definition.getAsJsonObject("inputSchema").getAsJsonObject("properties");
            if (privileged) {
                properties.add("dry_run", shared.get("dry_run").deepCopy());
                JsonObject output = shared.getAsJsonObject("privileged_output").deepCopy();
                output.getAsJsonArray("anyOf").set(0, definition.remove("outputSchema"));
                definition.add("outputSchema", output);
            }
            boolean secretAnswer = secrets.has("answer") && secrets.get("answer").getAsBoolean();
            if (secretAnswer) {
                properties.add("wrap_ttl", shared.get("wrap_ttl").deepCopy());
                String mode = selection.values().name().toLowerCase(Locale.ROOT);
                definition.addProperty("description", definition.get("description").getAsString() + " "
                        + shared.getAsJsonObject("secret_values").get(mode).getAsString());
            }
            definition.addProperty("name", selection.prefix() + name);
            boolean approval = privileged && !(entry.has("approval") && !entry.get("approval").getAsBoolean());
            offered.put(selection.prefix() + name, new Tool(name, definition, reach, privileged, approval,
                    secretArguments, secretAnswer, handlers.get(name)));
        }
        for (String name : handlers.keySet()) {
            check(seen.contains(name), "handler ", name, " has no manifest entry");
        }
        return Collections.unmodifiableMap(offered);
    }

    /**
     * The tools {@code selection} offers. Names the operator gave that the manifest does not know,
     * or privileged tools named while operations are off, are a configuration error.
     */
    public static ToolTable select(JsonArray manifest, Map<String, ToolHandler> handlers, Selection selection)
            throws ConfigException {
        selection.check(manifest);
        return new ToolTable(() -> manifest, () -> handlers, selection, false);
    }

    /**
     * The bundled manifest's tools that {@code selection} offers, read and built (with the handlers) on
     * another thread: start-up goes on meanwhile (an initialize answer needs no tool) and the first use of
     * the table waits for it; a manifest that does not hold together throws a CompletionException then.
     * Tool names the operator gave are checked here, before start-up goes on.
     */
    public static ToolTable building(Supplier<Map<String, ToolHandler>> handlers, Selection selection)
            throws ConfigException {
        boolean named = selection.toolsets() != null || !selection.tools().isEmpty();
        selection.check(named ? Bundled.MANIFEST.getAsJsonArray("tools") : new JsonArray());
        return new ToolTable(() -> Bundled.MANIFEST.getAsJsonArray("tools"), handlers, selection, true);
    }

    /** {@code text} with every {@code {tool:name}} written as the name clients see (with MCP_TOOL_PREFIX). */
    public String resolve(String text) {
        return REFERENCE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(selection.prefix() + m.group(1)));
    }

    /** The strings of {@code tree} with every {@code {tool:name}} resolved; each must name a tool of {@code known}. */
    private JsonElement resolve(String entry, JsonElement tree, Set<String> known) {
        if (tree instanceof JsonObject object) {
            object.entrySet().forEach(member -> member.setValue(resolve(entry, member.getValue(), known)));
        } else if (tree instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, resolve(entry, array.get(i), known));
            }
        } else if (tree instanceof JsonPrimitive p && p.isString() && p.getAsString().contains("{tool:")) {
            Matcher reference = REFERENCE.matcher(p.getAsString());
            while (reference.find()) {
                check(known.contains(reference.group(1)), entry, ": description names an unknown tool ",
                        reference.group());
            }
            return new JsonPrimitive(resolve(p.getAsString()));
        }
        return tree;
    }

    /** The bundled manifest's tool entries (a copy). */
    public static JsonArray bundledManifest() {
        return Bundled.MANIFEST.getAsJsonArray("tools").deepCopy();
    }

    /** One of the schema fragments several tools share, or the approval form (tools.json "shared"; a copy). */
    public static JsonObject shared(String name) {
        return Bundled.MANIFEST.getAsJsonObject("shared").getAsJsonObject(name).deepCopy();
    }

    /** tools.json, read and parsed once, when first needed; never handed out but to {@link #select}. */
    private static final class Bundled {
        static final JsonObject MANIFEST = read();

        private static JsonObject read() {
            try (InputStream in = ToolTable.class.getResourceAsStream("tools.json")) {
                check(in != null, "tools.json is missing from the jar");
                return new StrictJson(32).parse(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (IOException | JsonException e) {
                throw new IllegalStateException("tool manifest: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs one call of {@code tool}: arguments checked against its schema, the guard opened on its declared reach
     * (privileged tools look mount types up afresh), the handler run. Invalid arguments and Vault's refusals become
     * isError results the model can act on; a request the tool does not declare ({@link Guard.Undeclared}) is a bug
     * and propagates. {@code approver} is asked before the first write of a privileged tool (unless its entry says
     * {@code approval: false}); {@code trail} records the call.
     */
    public ToolResult call(Tool tool, JsonObject arguments, Vault vault, Approver approver, Trail trail) {
        String name = selection.prefix() + tool.name();
        trail.tool(name, arguments, tool.secretArguments());
        ToolResult result = null;
        try {
            result = run(tool, name, arguments, vault, approver, trail);
            return result;
        } finally {
            trail.finish(result);
        }
    }

    /** Records in {@code trail} a call of the tool named {@code name} that was refused before it began. */
    public void refused(JsonElement name, Trail trail, String decision) {
        trail.decision(decision);
        trail.tool(name != null && name.isJsonPrimitive() ? name.getAsString() : "?", new JsonObject(), List.of());
        trail.finish(ToolResult.error("refused"));
    }

    private ToolResult run(Tool tool, String name, JsonObject arguments, Vault vault, Approver approver, Trail trail) {
        Args args;
        Delivery delivery;
        try {
            args = Args.check(tool.definition().getAsJsonObject("inputSchema"), arguments);
            delivery = tool.secretAnswer()
                    ? Delivery.of(selection.values(), selection.wrapTtl(), args.string("wrap_ttl")) : Delivery.PLAIN;
        } catch (ToolException e) {
            trail.decision("invalid arguments");
            return ToolResult.error(resolve(e.getMessage()));
        }
        try {
            Change change = new Change(name, args.bool("dry_run"), tool.approval() ? approver : Approver.NONE, trail);
            Guard guard = new Guard(name, tool.reach(), args, vault, mounts, tool.privileged(),
                    new Guard.Policy(selection.paths(), change, delivery, trail));
            return tool.handler().call(args, guard);
        } catch (Change.DryRun dryRun) {
            return ToolResult.json(dryRun.plan);
        } catch (ToolException | VaultException e) {
            return ToolResult.error(resolve(e.getMessage()));
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            // Thrown by gson's getAs* on a field of Vault's answer that has another shape than Vault documents.
            // From anywhere else it is our bug, and McpServer answers -32603.
            if (e.getStackTrace().length == 0 || !e.getStackTrace()[0].getClassName().startsWith("com.google.gson.")) {
                throw e;
            }
            return ToolResult.error("Vault's answer to " + name + " has an unexpected shape (a field of another "
                    + "type than Vault documents), so it was not used. Check that VAULT_ADDR is a Vault server.");
        }
    }

    /** The tool of that name if it is offered; hidden privileged tools are not found. */
    public Tool find(String name) {
        return tools.join().get(name);
    }

    /**
     * Definitions in manifest order, from {@code offset}, at most {@code limit}. They are the
     * table's own objects, not copies (tools/list is the hottest call): callers only serialise them.
     */
    public List<JsonObject> definitions(int offset, int limit) {
        return tools.join().values().stream().skip(offset).limit(limit).map(Tool::definition).toList();
    }

    public int size() {
        return tools.join().size();
    }

    /** SHA-256 of the canonical tools/list answer (all tools, one page), for clients to pin. */
    public String digest() {
        JsonObject list = new JsonObject();
        list.add("tools", Field.array(definitions(0, size())));
        return sha256(StrictJson.write(list));
    }

    /** The SHA-256 of {@code text} in UTF-8, in hex. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code problem}: the parts of the message, joined only on failure (start-up checks thousands). */
    private static void check(boolean condition, String... problem) {
        if (!condition) {
            throw new IllegalStateException("tool manifest: " + String.join("", problem));
        }
    }
}
