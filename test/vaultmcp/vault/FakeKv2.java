package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.Call.Op;

/**
 * KV version 2 (vault-api.md 3.5): versions with check-and-set, soft delete (a read then answers
 * 404 WITH the envelope and the version's metadata), undelete, destroy, metadata, pruning past
 * max_versions, and the invalid-path 404 with a warning for paths without data/ or metadata/.
 */
final class FakeKv2 implements Mount.Engine {
    private static final String INVALID_PATH = "Invalid path for a versioned K/V secrets engine. See the API docs for the "
            + "appropriate API endpoints to use. If using the Vault CLI, use 'vault kv %s' for this operation.";
    private static final String ROOT_PATH = "Non-listing operations on the root of a K/V v2 mount are not supported.";

    private static final class Version {
        final String created = now();
        String deletionTime = "";
        boolean destroyed;
        JsonObject data;
        JsonObject createdBy;
        JsonObject deletedBy;
    }

    private static final class Key {
        final String created = now();
        String updated = created;
        int current;
        int oldest;
        int maxVersions;
        boolean casRequired;
        String deleteAfter = "0s";
        JsonObject customMetadata;
        JsonObject lastUpdatedBy;
        final TreeMap<Integer, Version> versions = new TreeMap<>();
    }

    private final TreeMap<String, Key> keys = new TreeMap<>();
    private int maxVersions;
    private boolean casRequired;
    private String deleteAfter = "0s";

    FakeKv2() {}

    /** A mount upgraded from KV v1: each old entry becomes version 1. */
    FakeKv2(Map<String, JsonObject> v1) {
        v1.forEach((path, value) -> addVersion(keys.computeIfAbsent(path, p -> new Key()), value, null));
    }

    @Override
    public Reply handle(Call call) {
        String p = call.path();
        int slash = p.indexOf('/');
        String head = slash < 0 ? p : p.substring(0, slash);
        String rest = slash < 0 ? "" : p.substring(slash + 1);
        if (slash < 0 && List.of("data", "metadata", "delete", "undelete", "destroy").contains(head) && call.op() != Op.LIST) {
            return invalid(ROOT_PATH);
        }
        switch (head) {
            case "config" -> {
                return slash < 0 ? config(call) : invalid(call.op());
            }
            case "data" -> {
                if (rest.isEmpty() || rest.endsWith("/")) {
                    return invalid(call.op());
                }
                return switch (call.op()) {
                    case READ -> read(call, rest);
                    case WRITE -> write(call, rest);
                    case DELETE -> softDelete(call, rest);
                    case PATCH -> patch(call, rest);
                    case LIST -> invalid(Op.LIST);
                };
            }
            case "metadata" -> {
                return metadata(call, rest);
            }
            case "delete", "undelete", "destroy" -> {
                if (call.op() != Op.WRITE) {
                    return Reply.unsupportedOperation();
                }
                return versions(call, head, rest);
            }
            case "subkeys" -> {
                return call.op() == Op.READ && !rest.isEmpty() ? subkeys(call, rest) : invalid(call.op());
            }
            default -> {
                return invalid(call.op());
            }
        }
    }

    private static Reply invalid(Op op) {
        String verb = switch (op) {
            case READ -> "get";
            case WRITE -> "put";
            case LIST -> "list";
            case DELETE -> "delete";
            case PATCH -> "patch";
        };
        return invalid(String.format(INVALID_PATH, verb));
    }

    private static Reply invalid(String warning) {
        return Reply.json(404, Reply.envelope(null, Reply.strings(warning), null, "", 0), true);
    }

    private Reply config(Call call) {
        if (call.op() == Op.WRITE) {
            JsonObject d = call.data();
            if (d.has("max_versions")) {
                maxVersions = d.get("max_versions").getAsInt();
            }
            if (d.has("cas_required")) {
                casRequired = d.get("cas_required").getAsBoolean();
            }
            if (d.has("delete_version_after")) {
                deleteAfter = d.get("delete_version_after").getAsString();
            }
            return Reply.noContent();
        }
        if (call.op() != Op.READ) {
            return Reply.unsupportedOperation();
        }
        JsonObject d = new JsonObject();
        d.addProperty("cas_required", casRequired);
        d.addProperty("delete_version_after", deleteAfter);
        d.addProperty("max_versions", maxVersions);
        return call.ok(d);
    }

    private Reply read(Call call, String path) {
        Key key = keys.get(path);
        int wanted;
        try {
            String v = call.string("version", "0");
            wanted = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return Reply.multi(400, "error converting input " + call.string("version") + " for field \"version\"");
        }
        if (key == null || key.current == 0) {
            return Reply.notFound();
        }
        int number = wanted == 0 ? key.current : wanted;
        Version v = key.versions.get(number);
        if (v == null) {
            return Reply.notFound();
        }
        JsonObject body = new JsonObject();
        boolean gone = v.destroyed || !v.deletionTime.isEmpty();
        body.add("data", gone ? JsonNull.INSTANCE : v.data.deepCopy());
        body.add("metadata", versionMetadata(key, number, v));
        if (gone) {
            // A "raw" answer: 404 with the whole envelope, mount_type "", no trailing newline.
            return Reply.json(404, Reply.envelope(body, null, null, "", 0), false);
        }
        return call.ok(body);
    }

    private Reply write(Call call, String path) {
        if (!(call.data().get("data") instanceof JsonObject value)) {
            return Reply.errors(400, "no data provided");
        }
        Key key = keys.get(path);
        JsonElement cas = call.data().get("options") instanceof JsonObject o ? o.get("cas") : null;
        int current = key == null ? 0 : key.current;
        if (cas != null && !cas.isJsonNull()) {
            if (cas.getAsInt() != current) {
                return Reply.errors(400, "check-and-set parameter did not match the current version");
            }
        } else if (casRequired || key != null && key.casRequired) {
            return Reply.errors(400, "check-and-set parameter required for this call");
        }
        key = keys.computeIfAbsent(path, p -> new Key());
        int number = addVersion(key, value, call);
        return call.ok(versionMetadata(key, number, key.versions.get(number)));
    }

    private int addVersion(Key key, JsonObject value, Call call) {
        Version v = new Version();
        v.data = value.deepCopy();
        v.createdBy = actor(call, key.current == 0 ? "create" : "update");
        key.lastUpdatedBy = v.createdBy;
        key.current++;
        key.versions.put(key.current, v);
        key.updated = v.created;
        int max = key.maxVersions > 0 ? key.maxVersions : maxVersions > 0 ? maxVersions : 10;
        if (key.current - key.oldest >= max) {
            key.oldest = key.current - max + 1;
            key.versions.headMap(key.oldest).clear();
        }
        return key.current;
    }

    private Reply patch(Call call, String path) {
        Key key = keys.get(path);
        if (key == null || key.current == 0) {
            return new Reply(404, "application/json", null, Map.of());
        }
        Version latest = key.versions.get(key.current);
        if (latest.destroyed || !latest.deletionTime.isEmpty()) {
            JsonObject body = new JsonObject();
            body.add("data", JsonNull.INSTANCE);
            body.add("metadata", versionMetadata(key, key.current, latest));
            return Reply.json(404, Reply.envelope(body, null, null, "", 0), false);
        }
        if (!(call.data().get("data") instanceof JsonObject changes)) {
            return Reply.errors(400, "no data provided");
        }
        JsonObject merged = latest.data.deepCopy();
        changes.entrySet().forEach(e -> {
            if (e.getValue().isJsonNull()) {
                merged.remove(e.getKey());
            } else {
                merged.add(e.getKey(), e.getValue());
            }
        });
        int number = addVersion(key, merged, call);
        return call.ok(versionMetadata(key, number, key.versions.get(number)));
    }

    private Reply softDelete(Call call, String path) {
        Key key = keys.get(path);
        Version v = key == null ? null : key.versions.get(key.current);
        if (v != null && !v.destroyed && v.deletionTime.isEmpty()) {
            v.deletionTime = now();
            v.deletedBy = actor(call, "delete");
            key.lastUpdatedBy = v.deletedBy;
        }
        return Reply.noContent();
    }

    /**
     * Who changed what (KV plugin 0.25+, Vault 1.21): the actor kind, the operation, and a client
     * id derived from the token (a hash here; never the token itself).
     */
    private static JsonObject actor(Call call, String operation) {
        if (call == null || call.token() == null) {
            return null;
        }
        JsonObject a = new JsonObject();
        a.addProperty("actor", "token");
        a.addProperty("operation", operation);
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(call.token().accessor().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            a.addProperty("client_id", java.util.Base64.getEncoder().encodeToString(hash));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return a;
    }

    private Reply versions(Call call, String action, String path) {
        List<Integer> numbers = new ArrayList<>();
        JsonElement list = call.data().get("versions");
        if (list instanceof JsonArray a) {
            a.forEach(e -> numbers.add(e.getAsInt()));
        } else if (list != null && list.isJsonPrimitive()) {
            for (String s : list.getAsString().split(",")) {
                if (!s.isBlank()) {
                    numbers.add(Integer.parseInt(s.strip()));
                }
            }
        }
        if (numbers.isEmpty()) {
            return Reply.errors(400, action.equals("destroy") ? "no version number provided" : "No version number provided");
        }
        Key key = keys.get(path);
        if (key == null) {
            return Reply.noContent();
        }
        for (int n : numbers) {
            Version v = key.versions.get(n);
            if (v == null || v.destroyed) {
                continue;
            }
            switch (action) {
                case "delete" -> {
                    if (v.deletionTime.isEmpty()) {
                        v.deletionTime = now();
                        v.deletedBy = actor(call, "delete");
                    }
                }
                case "undelete" -> {
                    v.deletionTime = "";
                    v.deletedBy = null;
                }
                default -> {
                    v.destroyed = true;
                    v.data = null;
                }
            }
            key.lastUpdatedBy = actor(call, action.equals("delete") ? "delete" : "update");
        }
        return Reply.noContent();
    }

    private Reply metadata(Call call, String path) {
        switch (call.op()) {
            case LIST -> {
                return call.keys(FakeKv1.children(keys.keySet(), path));
            }
            case READ -> {
                Key key = path.isEmpty() || path.endsWith("/") ? null : keys.get(path);
                return key == null ? Reply.notFound() : call.ok(keyMetadata(key));
            }
            case WRITE, PATCH -> {
                Key key = keys.get(path);
                if (key == null && call.op() == Op.PATCH) {
                    return new Reply(404, "application/json", null, Map.of());
                }
                key = keys.computeIfAbsent(path, p -> new Key());
                JsonObject d = call.data();
                if (d.has("max_versions")) {
                    key.maxVersions = d.get("max_versions").getAsInt();
                }
                if (d.has("cas_required")) {
                    key.casRequired = d.get("cas_required").getAsBoolean();
                }
                if (d.has("delete_version_after")) {
                    key.deleteAfter = d.get("delete_version_after").getAsString();
                }
                if (d.get("custom_metadata") instanceof JsonObject custom) {
                    key.customMetadata = FakeSys.sorted(custom);
                }
                return Reply.noContent();
            }
            case DELETE -> {
                keys.remove(path);
                return Reply.noContent();
            }
            default -> {
                return Reply.unsupportedOperation();
            }
        }
    }

    private Reply subkeys(Call call, String path) {
        Key key = keys.get(path);
        Version v = key == null ? null : key.versions.get(key.current);
        if (v == null || v.data == null || !v.deletionTime.isEmpty()) {
            return Reply.notFound();
        }
        JsonObject d = new JsonObject();
        d.add("metadata", versionMetadata(key, key.current, v));
        d.add("subkeys", shape(v.data));
        return call.ok(d);
    }

    private static JsonObject shape(JsonObject value) {
        JsonObject out = new JsonObject();
        value.entrySet().forEach(e -> out.add(e.getKey(), e.getValue() instanceof JsonObject o ? shape(o) : JsonNull.INSTANCE));
        return out;
    }

    private static JsonObject versionMetadata(Key key, int number, Version v) {
        JsonObject m = new JsonObject();
        m.addProperty("created_time", v.created);
        m.add("custom_metadata", key.customMetadata == null ? JsonNull.INSTANCE : key.customMetadata.deepCopy());
        m.addProperty("deletion_time", v.deletionTime);
        m.addProperty("destroyed", v.destroyed);
        m.addProperty("version", number);
        return m;
    }

    private static JsonObject keyMetadata(Key key) {
        JsonObject d = new JsonObject();
        d.addProperty("cas_required", key.casRequired);
        d.addProperty("created_time", key.created);
        d.addProperty("current_version", key.current);
        d.add("custom_metadata", key.customMetadata == null ? JsonNull.INSTANCE : key.customMetadata.deepCopy());
        d.addProperty("delete_version_after", key.deleteAfter);
        d.add("last_updated_by", key.lastUpdatedBy == null ? JsonNull.INSTANCE : key.lastUpdatedBy.deepCopy());
        d.addProperty("max_versions", key.maxVersions);
        d.addProperty("oldest_version", key.oldest);
        d.addProperty("updated_time", key.updated);
        JsonObject versions = new JsonObject();
        key.versions.forEach((n, v) -> {
            JsonObject e = new JsonObject();
            e.add("created_by", v.createdBy == null ? JsonNull.INSTANCE : v.createdBy.deepCopy());
            e.addProperty("created_time", v.created);
            e.add("deleted_by", v.deletedBy == null ? JsonNull.INSTANCE : v.deletedBy.deepCopy());
            e.addProperty("deletion_time", v.deletionTime);
            e.addProperty("destroyed", v.destroyed);
            versions.add(Integer.toString(n), e);
        });
        d.add("versions", versions);
        return d;
    }

    /** RFC 3339 UTC with nanoseconds, trailing zeros dropped, as Go prints time.Time. */
    static String now() {
        String s = Instant.now().toString();
        if (s.contains(".")) {
            s = s.substring(0, s.length() - 1).replaceAll("0+$", "");
            s = (s.endsWith(".") ? s.substring(0, s.length() - 1) : s) + "Z";
        }
        return s;
    }
}
