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
 * 404 WITH the envelope and the version's metadata), undelete, destroy, metadata (written fields
 * decoded and checked as Vault does; delete_version_after gives new versions a deletion time),
 * JSON merge PATCH, pruning past max_versions (on the next write, as Vault does), and the
 * invalid-path 404 with a warning for paths without data/ or metadata/.
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
        /** Vault keeps it as a uint32: -1 is stored as 4294967295. */
        long maxVersions;
        boolean casRequired;
        long deleteAfter;
        JsonObject customMetadata;
        JsonObject lastUpdatedBy;
        final TreeMap<Integer, Version> versions = new TreeMap<>();
    }

    private final TreeMap<String, Key> keys = new TreeMap<>();
    private long maxVersions;
    private boolean casRequired;
    private long deleteAfter;

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
            try {
                long max = d.has("max_versions") ? WeakFields.integer("max_versions", d.get("max_versions")) : maxVersions;
                boolean cas = d.has("cas_required") ? WeakFields.bool("cas_required", d.get("cas_required")) : casRequired;
                long after = d.has("delete_version_after") ? WeakFields.durationSeconds("delete_version_after", d.get("delete_version_after")) : deleteAfter;
                maxVersions = max;
                casRequired = cas;
                deleteAfter = after;
            } catch (WeakFields.Bad b) {
                return Reply.errors(400, b.getMessage());
            }
            return Reply.noContent();
        }
        if (call.op() != Op.READ) {
            return Reply.unsupportedOperation();
        }
        JsonObject d = new JsonObject();
        d.addProperty("cas_required", casRequired);
        d.addProperty("delete_version_after", WeakFields.goDuration(deleteAfter));
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
        boolean gone = v.destroyed || deleted(v);
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
        Reply refused = checkAndSet(call, key);
        if (refused != null) {
            return refused;
        }
        key = keys.computeIfAbsent(path, p -> new Key());
        int number = addVersion(key, value, call);
        return call.ok(versionMetadata(key, number, key.versions.get(number)));
    }

    /** options.cas against the key's current version, and cas_required (the mount's or the key's); null when it may go on. */
    private Reply checkAndSet(Call call, Key key) {
        JsonElement cas = call.data().get("options") instanceof JsonObject o ? o.get("cas") : null;
        int current = key == null ? 0 : key.current;
        if (cas != null && !cas.isJsonNull()) {
            long wanted;
            try {
                wanted = WeakFields.integer("cas", cas);
            } catch (WeakFields.Bad b) {
                return Reply.errors(400, "error parsing check-and-set parameter");
            }
            if (wanted != current) {
                return Reply.errors(400, "check-and-set parameter did not match the current version");
            }
        } else if (casRequired || key != null && key.casRequired) {
            return Reply.errors(400, "check-and-set parameter required for this call");
        }
        return null;
    }

    /** Whether a version is deleted: a deletion time that has come (delete_version_after sets one in the future). */
    private static boolean deleted(Version v) {
        return !v.deletionTime.isEmpty() && !Instant.parse(v.deletionTime).isAfter(Instant.now());
    }

    /** The key's delete_version_after, capped by the mount's (either 0: the other applies). */
    private long deleteAfter(Key key) {
        if (key.deleteAfter == 0) {
            return deleteAfter;
        }
        return deleteAfter > 0 && key.deleteAfter > deleteAfter ? deleteAfter : key.deleteAfter;
    }

    private int addVersion(Key key, JsonObject value, Call call) {
        Version v = new Version();
        v.data = value.deepCopy();
        long after = deleteAfter(key);
        if (after > 0) {
            v.deletionTime = format(Instant.parse(v.created).plusSeconds(after));
        }
        v.createdBy = actor(call, key.current == 0 ? "create" : "update");
        key.lastUpdatedBy = v.createdBy;
        key.current++;
        key.versions.put(key.current, v);
        key.updated = v.created;
        long max = key.maxVersions > 0 ? key.maxVersions : maxVersions > 0 ? maxVersions : 10;
        if (key.current - key.oldest >= max) {
            key.oldest = (int) (key.current - max + 1);
            key.versions.headMap(key.oldest).clear();
        }
        return key.current;
    }

    /**
     * PATCH data/<path>: "data" is a JSON merge patch (RFC 7386: null removes a key, objects merge
     * key by key) on the current version, written as a new version under the same check-and-set
     * rules as a write. A missing secret is a bare 404; a deleted or destroyed current version is
     * a 404 whose data is that version's metadata.
     */
    private Reply patch(Call call, String path) {
        JsonElement given = call.data().get("data");
        if (given == null) {
            return Reply.errors(400, "no data provided");
        }
        if (!given.isJsonNull() && !given.isJsonObject()) {
            return Reply.errors(400, "Field validation failed: error converting input for field \"data\": '' expected a map, got '"
                    + (given.isJsonArray() ? "slice" : given.getAsJsonPrimitive().isBoolean() ? "bool" : "string") + "'");
        }
        Key key = keys.get(path);
        Version latest = key == null ? null : key.versions.get(key.current);
        if (latest == null) {
            return new Reply(404, "application/json", null, Map.of());
        }
        if (latest.destroyed || deleted(latest)) {
            return Reply.json(404, Reply.envelope(versionMetadata(key, key.current, latest), null, null, "", 0), false);
        }
        Reply refused = checkAndSet(call, key);
        if (refused != null) {
            return refused;
        }
        JsonObject merged = mergePatch(latest.data, given.isJsonNull() ? new JsonObject() : given.getAsJsonObject());
        int number = addVersion(key, merged, call);
        return call.ok(versionMetadata(key, number, key.versions.get(number)));
    }

    /** RFC 7386 JSON merge patch of an object. */
    static JsonObject mergePatch(JsonObject target, JsonObject patch) {
        JsonObject out = target.deepCopy();
        patch.entrySet().forEach(e -> {
            JsonElement v = e.getValue();
            if (v.isJsonNull()) {
                out.remove(e.getKey());
            } else if (v instanceof JsonObject o) {
                out.add(e.getKey(), mergePatch(out.get(e.getKey()) instanceof JsonObject t ? t : new JsonObject(), o));
            } else {
                out.add(e.getKey(), v.deepCopy());
            }
        });
        return out;
    }

    private Reply softDelete(Call call, String path) {
        Key key = keys.get(path);
        Version v = key == null ? null : key.versions.get(key.current);
        if (v != null && !v.destroyed && !deleted(v)) {
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
        List<Long> numbers;
        try {
            numbers = WeakFields.integers("versions", call.data().get("versions"));
        } catch (WeakFields.Bad b) {
            return Reply.errors(400, b.getMessage());
        }
        if (numbers.isEmpty()) {
            return Reply.errors(400, action.equals("destroy") ? "no version number provided" : "No version number provided");
        }
        Key key = keys.get(path);
        if (key == null) {
            return Reply.noContent();
        }
        for (long n : numbers) {
            Version v = n < 1 || n > Integer.MAX_VALUE ? null : key.versions.get((int) n);
            if (v == null || v.destroyed) {
                continue;
            }
            switch (action) {
                case "delete" -> {
                    if (!deleted(v)) {
                        v.deletionTime = now();
                        v.deletedBy = actor(call, "delete");
                    }
                }
                case "undelete" -> {
                    // The version is scheduled again: delete_version_after from now, if set.
                    long after = deleteAfter(key);
                    v.deletionTime = after > 0 ? format(Instant.now().plusSeconds(after)) : "";
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
                return writeMetadata(call, path);
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

    /**
     * POST (or PATCH, of an existing key) metadata/<path>: max_versions, cas_required,
     * delete_version_after, custom_metadata, decoded weakly; a value that does not convert or
     * custom_metadata out of Vault's limits is a 400 and changes nothing. A body with none of the
     * four fields is a 204 that creates nothing. Lowering max_versions prunes on the next write.
     */
    private Reply writeMetadata(Call call, String path) {
        Key existing = keys.get(path);
        if (existing == null && call.op() == Op.PATCH) {
            return new Reply(404, "application/json", null, Map.of());
        }
        JsonObject d = call.data();
        Long max = null;
        Boolean cas = null;
        Long after = null;
        Map<String, String> custom = null;
        boolean customGiven = d.has("custom_metadata");
        try {
            if (d.has("max_versions")) {
                max = WeakFields.integer("max_versions", d.get("max_versions")) & 0xFFFF_FFFFL;
            }
            if (d.has("cas_required")) {
                cas = WeakFields.bool("cas_required", d.get("cas_required"));
            }
            if (d.has("delete_version_after") && !d.get("delete_version_after").isJsonNull()) {
                after = WeakFields.durationSeconds("delete_version_after", d.get("delete_version_after"));
            }
            if (customGiven) {
                custom = WeakFields.stringMap("custom_metadata", d.get("custom_metadata"));
            }
        } catch (WeakFields.Bad b) {
            return Reply.errors(400, b.getMessage());
        }
        List<String> problems = customMetadataProblems(custom);
        if (!problems.isEmpty()) {
            return Reply.multi(400, problems.toArray(String[]::new));
        }
        if (max == null && cas == null && after == null && !customGiven) {
            return Reply.noContent();
        }
        Key key = keys.computeIfAbsent(path, p -> new Key());
        if (max != null) {
            key.maxVersions = max;
        }
        if (cas != null) {
            key.casRequired = cas;
        }
        if (after != null) {
            key.deleteAfter = after;
        }
        if (customGiven) {
            JsonObject o = null;
            if (custom != null) {
                o = new JsonObject();
                custom.forEach(o::addProperty);
            }
            key.customMetadata = o;
        }
        return Reply.noContent();
    }

    /** The KV plugin's limits on custom_metadata: 64 keys, keys of 1..128 bytes, values of 1..512 bytes. */
    static List<String> customMetadataProblems(Map<String, String> custom) {
        List<String> out = new ArrayList<>();
        if (custom == null) {
            return out;
        }
        String prefix = "custom_metadata validation failed: ";
        if (custom.size() > 64) {
            out.add(prefix + "payload must contain at most 64 keys, provided " + custom.size());
            return out;
        }
        custom.forEach((k, v) -> {
            int kl = k.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            int vl = v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (kl == 0 || kl > 128) {
                out.add(prefix + "length of key \"" + k + "\" is " + kl + " but must be 0 < len(key) <= 128");
            }
            if (vl == 0 || vl > 512) {
                out.add(prefix + "length of value for key \"" + k + "\" is " + vl + " but must be 0 < len(value) <= 512");
            }
        });
        return out;
    }

    private Reply subkeys(Call call, String path) {
        Key key = keys.get(path);
        Version v = key == null ? null : key.versions.get(key.current);
        if (v == null || v.data == null || deleted(v)) {
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
        d.addProperty("delete_version_after", WeakFields.goDuration(key.deleteAfter));
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
        return format(Instant.now());
    }

    static String format(Instant instant) {
        String s = instant.toString();
        if (s.contains(".")) {
            s = s.substring(0, s.length() - 1).replaceAll("0+$", "");
            s = (s.endsWith(".") ? s.substring(0, s.length() - 1) : s) + "Z";
        }
        return s;
    }
}
