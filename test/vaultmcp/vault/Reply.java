package vaultmcp.vault;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * One answer of {@link FakeVault}: a status, headers and a body (null for none). The factories
 * produce the shapes a real Vault dev server uses (reference vault-api.md, section 2): the
 * success envelope, {@code {"errors":[...]}}, go-multierror texts and the raw KV v2 answers.
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    // Go's encoding/json escapes <, > and & like gson's default; nulls are kept.
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();

    static Reply json(int status, JsonElement body, boolean newline) {
        String text = GSON.toJson(body) + (newline ? "\n" : "");
        return new Reply(status, "application/json", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Reply noContent() {
        return new Reply(204, "application/json", null, Map.of());
    }

    /** {@code {"errors":[...]}} with the given messages (none: Vault's plain not-found). */
    static Reply errors(int status, String... messages) {
        JsonObject body = new JsonObject();
        JsonArray list = new JsonArray();
        for (String m : messages) {
            list.add(m);
        }
        body.add("errors", list);
        return json(status, body, true);
    }

    static Reply notFound() {
        return errors(404);
    }

    /** An error the core rendered through go-multierror: "1 error occurred:\n\t* x\n\n". */
    static Reply multi(int status, String... messages) {
        return errors(status, multierror(messages));
    }

    static String multierror(String... messages) {
        StringBuilder b = new StringBuilder();
        b.append(messages.length).append(messages.length == 1 ? " error occurred:\n" : " errors occurred:\n");
        for (String m : messages) {
            b.append("\t* ").append(m).append('\n');
        }
        return b.append('\n').toString();
    }

    static Reply unsupportedPath() {
        return multi(404, "unsupported path");
    }

    static Reply unsupportedOperation() {
        return multi(405, "unsupported operation");
    }

    /** The success envelope, fields in Vault's order. */
    static JsonObject envelope(JsonElement data, JsonArray warnings, JsonElement auth, String mountType, long leaseDuration) {
        JsonObject e = new JsonObject();
        e.addProperty("request_id", UUID.randomUUID().toString());
        e.addProperty("lease_id", "");
        e.addProperty("renewable", false);
        e.addProperty("lease_duration", leaseDuration);
        e.add("data", data == null ? JsonNull.INSTANCE : data);
        e.add("wrap_info", JsonNull.INSTANCE);
        e.add("warnings", warnings == null || warnings.isEmpty() ? JsonNull.INSTANCE : warnings);
        e.add("auth", auth == null ? JsonNull.INSTANCE : auth);
        e.addProperty("mount_type", mountType);
        return e;
    }

    static JsonArray strings(String... values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    String text() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
}
