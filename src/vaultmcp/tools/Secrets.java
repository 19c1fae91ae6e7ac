package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import vaultmcp.config.Authority.SecretValues;

/**
 * The {@code secrets} field of a manifest entry: which arguments carry secret values (the audit
 * trail keeps only their HMAC) and whether the answer holds secret material (wrapped or redacted
 * as {@code MCP_SECRET_VALUES} says).
 */
record Secrets(List<String> arguments, boolean answer) {
    static Secrets of(String tool, JsonObject field, JsonObject schema) {
        if (field == null) {
            return new Secrets(List.of(), false);
        }
        List<String> arguments = new ArrayList<>();
        for (JsonElement name : field.getAsJsonArray("arguments")) {
            if (!schema.getAsJsonObject("properties").has(name.getAsString())) {
                throw new IllegalStateException("tool manifest: " + tool + ": secrets names an unknown argument "
                        + name);
            }
            arguments.add(name.getAsString());
        }
        return new Secrets(List.copyOf(arguments), field.get("answer").getAsBoolean());
    }

    /** The sentence a description of a tool with secret answers gets, saying the mode in force. */
    static String describe(SecretValues mode) {
        return switch (mode) {
            case PLAIN -> "Secret values come back as they are (MCP_SECRET_VALUES=plain); wrap_ttl wraps them instead.";
            case WRAP -> "Secret values are response-wrapped (MCP_SECRET_VALUES=wrap): the model sees the wrapping "
                    + "token's accessor and TTL, the user gets the token to unwrap once.";
            case REDACT -> "Secret values are redacted (MCP_SECRET_VALUES=redact): keys and metadata come back, each "
                    + "value replaced by its length; wrap_ttl wraps them for the user instead.";
        };
    }
}
