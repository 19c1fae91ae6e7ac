package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One logical request after FakeVault's pipeline (sealed, token, ACL and routing checks) as an
 * engine sees it: the operation, the path inside the mount, the request data (JSON body, or the
 * query parameters of a read/list/delete), the mount and the caller's token.
 */
record Call(Op op, String path, JsonObject data, Mount mount, FakeAcl.Token token) {

    enum Op { READ, LIST, WRITE, DELETE, PATCH }

    /** 200 with the success envelope around {@code data}. */
    Reply ok(JsonElement data) {
        return ok(data, null);
    }

    Reply ok(JsonElement data, JsonArray warnings) {
        return Reply.json(200, Reply.envelope(data, warnings, null, mount.type(), 0), true);
    }

    /** A list answer: 404 {"errors":[]} when there are no keys, as Vault does. */
    Reply keys(Iterable<String> keys) {
        JsonArray list = new JsonArray();
        keys.forEach(list::add);
        if (list.isEmpty()) {
            return Reply.notFound();
        }
        JsonObject data = new JsonObject();
        data.add("keys", list);
        return ok(data);
    }

    String string(String field) {
        JsonElement e = data.get(field);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    String string(String field, String fallback) {
        String s = string(field);
        return s == null ? fallback : s;
    }
}
