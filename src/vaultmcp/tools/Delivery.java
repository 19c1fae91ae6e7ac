package vaultmcp.tools;

import com.google.gson.JsonObject;
import java.util.stream.Stream;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.json.StrictJson;

/**
 * How a call's secret values reach the model ({@code MCP_SECRET_VALUES}): as Vault gives them;
 * response-wrapped, so that the model sees only the wrapping token's accessor and TTL while the token
 * itself goes to a content block for the user; or redacted, each value replaced by a marker with its
 * length. {@code wrap_ttl} on a call turns wrapping on for that call, never off.
 */
record Delivery(Long wrapTtl, boolean redact) {
    static final Delivery PLAIN = new Delivery(null, false);

    /** The delivery for one call of a tool whose answer holds secrets. */
    static Delivery of(SecretValues mode, java.time.Duration defaultTtl, String wrapTtl) throws ToolException {
        if (wrapTtl != null) {
            try {
                return new Delivery(vaultmcp.config.Authority.wrapTtl(wrapTtl).toSeconds(), false);
            } catch (IllegalArgumentException e) {
                throw new ToolException("Invalid arguments: \"wrap_ttl\" " + e.getMessage()
                        + " (a duration such as \"5m\").");
            }
        }
        return switch (mode) {
            case WRAP -> new Delivery(defaultTtl.toSeconds(), false);
            case REDACT -> new Delivery(null, true);
            case PLAIN -> PLAIN;
        };
    }

    /**
     * The result of a wrapped answer: {@code located} plus the wrapping token's accessor, TTL, creation
     * time and path for the model; the token only in a block for the user.
     */
    static ToolResult wrapped(JsonObject located, JsonObject info) {
        JsonObject shown = new JsonObject();
        Stream.of("accessor", "ttl", "creation_time", "creation_path").filter(info::has)
                .forEach(field -> shown.add(field, info.get(field)));
        located.add("wrapped", shown);
        String token = Field.text(info.get("token"));
        return ToolResult.json(located).withUserOnly("Vault wrapped this answer: the secret is behind a single-use "
                + "wrapping token, valid for " + Field.number(info.get("ttl")) + " s. Unwrap it once with\n"
                + "  vault unwrap " + token + "\n(or POST /v1/sys/wrapping/unwrap with X-Vault-Token: " + token + ").");
    }

    /** {@code data} with every value replaced by a marker giving its length. */
    static JsonObject redacted(JsonObject data) {
        JsonObject out = new JsonObject();
        for (var entry : data.entrySet()) {
            String value = entry.getValue().isJsonPrimitive() ? entry.getValue().getAsString()
                    : StrictJson.write(entry.getValue());
            out.addProperty(entry.getKey(), "<redacted: " + value.length() + " characters>");
        }
        return out;
    }
}
