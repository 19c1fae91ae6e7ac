package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vaultmcp.config.Secret;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.RecordedRequest;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultClient;
import vaultmcp.vault.VaultException;

/**
 * Calls tool handlers the way McpServer does (arguments checked against the manifest schema,
 * ToolException and VaultException turned into isError results) against a FakeVault, and checks
 * every successful result against the tool's outputSchema. One instance = one server's handlers.
 */
final class ToolCalls {
    private final Map<String, ToolHandler> handlers = Tools.handlers();
    private final FakeVault fake;
    private final Vault vault;

    ToolCalls(FakeVault fake) {
        this(fake, fake.rootToken(), null);
    }

    ToolCalls(FakeVault fake, String token, String namespace) {
        this.fake = fake;
        this.vault = new Vault(new VaultClient(URI.create(fake.address()), namespace, Duration.ofSeconds(10), null), new Secret(token));
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
        try {
            Args args = Args.check(entry(tool).getAsJsonObject("inputSchema"), JsonParser.parseString(arguments).getAsJsonObject());
            return handlers.get(tool).call(args, vault);
        } catch (ToolException | VaultException e) {
            return ToolResult.error(e.getMessage());
        }
    }

    /** A successful call's structuredContent, after checking it against outputSchema and the text copy. */
    JsonObject ok(String tool, String arguments) {
        ToolResult result = call(tool, arguments);
        assertFalse(result.isError(), () -> tool + " failed: " + text(result));
        assertEquals(result.structured(), JsonParser.parseString(text(result)), "text and structuredContent differ");
        List<String> problems = new ArrayList<>();
        conform(entry(tool).getAsJsonObject("outputSchema"), result.structured(), "$", problems);
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
