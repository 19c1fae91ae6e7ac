package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import vaultmcp.config.Secret;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.RecordedRequest;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultClient;

/**
 * Calls tools through the real pipeline (ToolTable.call: schema check, guard, handler) against a
 * FakeVault, with operations on. Checks every successful result against the tool's outputSchema,
 * and after every call that each request the fake received matches the tool's declared reach
 * (read independently by {@link DeclaredReach}). One instance = one server's tool table.
 */
final class ToolCalls {
    private final ToolTable table;
    private final FakeVault fake;
    private final Vault vault;
    private Approver approver = Approver.NONE;
    private java.util.function.Supplier<Trail> trails = Trail::none;

    ToolCalls(FakeVault fake) {
        this(fake, fake.rootToken(), null);
    }

    ToolCalls(FakeVault fake, String token, String namespace) {
        this(fake, token, namespace, new ToolTable(ToolTable.bundledManifest(), Tools.handlers(), true));
    }

    /** Calls through the tools {@code selection} offers, with the root token. */
    ToolCalls(FakeVault fake, Selection selection) {
        this(fake, fake.rootToken(), null, select(selection));
    }

    private ToolCalls(FakeVault fake, String token, String namespace, ToolTable table) {
        this.table = table;
        this.fake = fake;
        this.vault = new Vault(new VaultClient(URI.create(fake.address()), namespace, Duration.ofSeconds(10), null), new Secret(token));
    }

    private static ToolTable select(Selection selection) {
        try {
            return ToolTable.select(ToolTable.bundledManifest(), Tools.handlers(), selection);
        } catch (vaultmcp.config.ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** Where later calls are audited: a new Trail per call. */
    ToolCalls trails(java.util.function.Supplier<Trail> trails) {
        this.trails = trails;
        return this;
    }

    /** The approver later calls ask before their first write. */
    ToolCalls approver(Approver approver) {
        this.approver = approver;
        return this;
    }

    ToolTable table() {
        return table;
    }

    static JsonObject entry(String tool) {
        for (JsonElement e : ToolTable.bundledManifest()) {
            if (e.getAsJsonObject().get("name").getAsString().equals(tool)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no manifest entry " + tool);
    }

    ToolResult call(String tool, String arguments) {
        int before = fake.requests().size();
        ToolTable.Tool found = table.find(tool);
        assertNotNull(found, () -> tool + " is not offered");
        ToolResult result = table.call(found, JsonParser.parseString(arguments).getAsJsonObject(), vault, approver,
                trails.get());
        DeclaredReach reach = new DeclaredReach(entry(found.name()));
        List<RecordedRequest> sent = fake.requests();
        for (RecordedRequest request : sent.subList(Math.min(before, sent.size()), sent.size())) {
            String problem = reach.problem(request);
            assertNull(problem, () -> tool + ": " + problem);
        }
        return result;
    }

    /** A successful call's structuredContent, after checking it against outputSchema and the text copy. */
    JsonObject ok(String tool, String arguments) {
        ToolResult result = call(tool, arguments);
        assertFalse(result.isError(), () -> tool + " failed: " + text(result));
        assertEquals(result.structured(), JsonParser.parseString(text(result)), "text and structuredContent differ");
        List<String> problems = new ArrayList<>();
        conform(entry(table.find(tool).name()).getAsJsonObject("outputSchema"), result.structured(), "$", problems);
        assertTrue(problems.isEmpty(), () -> tool + " result does not match its outputSchema: " + problems);
        return result.structured();
    }

    /** A failed call's message. */
    String error(String tool, String arguments) {
        ToolResult result = call(tool, arguments);
        assertTrue(result.isError(), () -> tool + " should have failed but returned " + text(result));
        assertEquals(null, result.structured());
        return text(result);
    }

    static String text(ToolResult result) {
        return result.content().get(0).getAsJsonObject().get("text").getAsString();
    }

    /** The requests the fake received with this method whose path (after /v1/) is {@code path}. */
    List<RecordedRequest> sent(String method, String path) {
        return fake.requests().stream().filter(r -> r.method().equals(method) && r.path().equals("/v1/" + path)).toList();
    }

    /** The JSON body of the only such request. */
    JsonObject body(String method, String path) {
        List<RecordedRequest> found = sent(method, path);
        assertEquals(1, found.size(), () -> method + " " + path + " in " + fake.requests());
        return JsonParser.parseString(found.get(0).body()).getAsJsonObject();
    }

    /** The subset of JSON Schema the output schemas use (type, properties, required, enum, items); top-level fields must be declared. */
    private static void conform(JsonObject schema, JsonElement value, String where, List<String> problems) {
        String type = schema.has("type") ? schema.get("type").getAsString() : null;
        boolean fits = type == null || switch (type) {
            case "object" -> value.isJsonObject();
            case "array" -> value.isJsonArray();
            case "string" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
            case "boolean" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
            case "integer" -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                    && value.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
            default -> false;
        };
        if (!fits) {
            problems.add(where + " is not " + type);
            return;
        }
        if (schema.has("enum") && !schema.getAsJsonArray("enum").contains(value)) {
            problems.add(where + " is not one of " + schema.get("enum"));
        }
        if (value.isJsonObject()) {
            JsonObject object = value.getAsJsonObject();
            if (schema.has("required")) {
                schema.getAsJsonArray("required").forEach(r -> {
                    if (!object.has(r.getAsString())) {
                        problems.add(where + "." + r.getAsString() + " is missing");
                    }
                });
            }
            JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
            for (String name : object.keySet()) {
                if (properties.has(name)) {
                    conform(properties.getAsJsonObject(name), object.get(name), where + "." + name, problems);
                } else if (where.equals("$")) {
                    problems.add(where + "." + name + " is not declared");
                }
            }
        }
        if (value.isJsonArray() && schema.has("items")) {
            int i = 0;
            for (JsonElement item : value.getAsJsonArray()) {
                conform(schema.getAsJsonObject("items"), item, where + "[" + i++ + "]", problems);
            }
        }
    }
}
