package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import vaultmcp.config.Limits;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * The KV tools on KV v1 and v2 mounts, the version detected per mount: list_secrets, read_secret, and
 * the privileged write_secret, delete_secret and patch_secret. These change a few keys of a secret and
 * keep the rest, so they read, change and write back. On KV v2 the write carries check-and-set with the
 * version that was read and is retried, after a short random pause, when another writer got in between,
 * so no concurrent change is lost (the Go server lost them). KV v1 has no versions and so no
 * check-and-set: there the merge is not atomic. Results name keys, never values.
 */
final class KvTools {
    private enum State { LIVE, DELETED, MISSING }

    /** A secret as read: its data (a copy, empty unless live) and its current version (0 on KV v1). */
    private record Current(State state, JsonObject data, long version) {}

    /** What to write given the current secret (the whole data, or a merge patch); may refuse. */
    private interface Edit {
        JsonObject apply(Current current) throws ToolException;
    }

    /** The outcome of an update: the secret as it was read, what was written, and the version written (KV v2). */
    private record Written(Current before, JsonObject data, long version) {}

    static ToolResult listSecrets(Args args, Guard vault) throws ToolException, VaultException {
        int version = vault.kvVersion("mount");
        JsonArray keys = vault.send(version == 2 ? "LIST {mount}/metadata/{path*}" : "LIST {mount}/{path*}").keys();
        String folder = vault.named("mount") + "/" + (vault.named("path").isEmpty() ? "" : vault.named("path") + "/");
        // What the operator's path rules hide is left out.
        keys.asList().removeIf(k -> !vault.shows(folder + Field.text(k)));
        return ToolResult.json(located(vault, version), "keys", keys);
    }

    static ToolResult readSecret(Args args, Guard vault) throws ToolException, VaultException {
        int version = vault.kvVersion("mount");
        Long wanted = args.integer("version");
        if (version == 1 && wanted != null) {
            throw new ToolException("\"" + vault.named("mount") + "\" is a KV version 1 mount, "
                    + "which keeps no versions; leave out \"version\".");
        }
        VaultResponse answer = version == 2 ? vault.secret("GET {mount}/data/{path+}?version={version}", null)
                : vault.secret("GET {mount}/{path+}", null);
        JsonObject data = answer.dataOrEmpty();
        if (answer.status() == 404 && data.get("metadata") instanceof JsonObject metadata) {
            boolean destroyed = metadata.has("destroyed") && metadata.get("destroyed").getAsBoolean();
            throw new ToolException("Version " + Field.text(metadata.get("version")) + " of secret " + where(vault)
                    + " was " + (destroyed ? "destroyed" : "deleted at " + Field.text(metadata.get("deletion_time")))
                    + " and cannot be read." + (destroyed ? ""
                            : " Ask for an earlier version with \"version\", or have an operator undelete it."));
        }
        if (answer.notFound()) {
            throw new ToolException("There is no secret " + where(vault) + (wanted == null ? "" : " with version "
                    + wanted) + ". Call {tool:list_secrets} to see what exists.");
        }
        answer.ok();
        JsonObject out = located(vault, version);
        if (answer.wrapInfo() != null) {
            return Delivery.wrapped(out, answer.wrapInfo());
        }
        JsonObject values = version == 1 ? data : Field.object(data.get("data"));
        out.add("data", vault.redacting() ? Delivery.redacted(values) : values);
        if (version == 2) {
            out.add("metadata", Field.object(data.get("metadata")));
        }
        return ToolResult.json(out);
    }

    private static JsonObject located(Guard vault, int version) {
        JsonObject out = vault.located("mount", "path");
        out.addProperty("kv_version", version);
        return out;
    }

    /** How messages name the secret of a call: {@code "app/db" in mount "secret"}. */
    static String where(Guard vault) {
        return "\"" + vault.named("path") + "\" in mount \"" + vault.named("mount") + "\"";
    }

    static ToolResult writeSecret(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject values = Field.object(args.raw("data")).deepCopy();
        if (args.has("key") != args.has("value")) {
            throw new ToolException("Invalid arguments: \"key\" and \"value\" go together; "
                    + "give both, or use \"data\".");
        }
        if (args.has("key")) {
            String key = args.string("key");
            if (values.has(key) && !values.get(key).getAsString().equals(args.string("value"))) {
                throw new ToolException("Invalid arguments: \"" + key + "\" is given twice, in key and in data, "
                        + "with different values.");
            }
            values.addProperty(key, args.string("value"));
        }
        if (values.size() == 0 || values.has("")) {
            throw new ToolException("Invalid arguments: give \"key\" and \"value\", or \"data\" with at least one key; "
                    + "key names may not be empty.");
        }
        int kv = vault.kvVersion("mount");
        Written written = update(vault, kv, false, current -> {
            JsonObject next = current.data();
            values.entrySet().forEach(e -> next.add(e.getKey(), e.getValue()));
            return next;
        });
        JsonObject out = located(vault, kv);
        if (kv == 2) {
            out.addProperty("version", written.version());
        }
        out.add("keys", names(values));
        if (written.before().state() == State.DELETED) {
            out.addProperty("note", "The latest version (" + written.before().version()
                    + ") was deleted, so the new version holds only the keys written now.");
        }
        return ToolResult.json(out);
    }

    static ToolResult deleteSecret(Args args, Guard vault) throws ToolException, VaultException {
        String key = args.string("key");
        int kv = vault.kvVersion("mount");
        JsonObject out = located(vault, kv);
        if (key.isEmpty()) {
            Current current = exists(read(vault, kv), where(vault));
            vault.send("DELETE " + location(kv)).ok();
            out.addProperty("deleted", "secret");
            if (kv == 2) {
                out.addProperty("version", current.version());
                out.addProperty("note", "Version " + current.version()
                        + " was soft-deleted: an operator can undelete it, and older versions remain.");
            }
            return ToolResult.json(out);
        }
        Written written = update(vault, kv, false, current -> {
            JsonObject next = exists(current, where(vault)).data();
            if (!next.has(key)) {
                throw new ToolException("Secret " + where(vault) + " has no key \"" + key + "\"; its keys are "
                        + names(next) + ".");
            }
            next.remove(key);
            return next;
        });
        out.addProperty("deleted", "key");
        out.addProperty("key", key);
        if (kv == 2) {
            out.addProperty("version", written.version());
        } else if (written.data().size() == 0) {
            out.addProperty("note", "That was the last key, so the secret was deleted "
                    + "(KV v1 cannot hold an empty secret).");
        }
        return ToolResult.json(out, "keys", names(written.data()));
    }

    static ToolResult patchSecret(Args args, Guard vault) throws ToolException, VaultException {
        KvVersionTools.version2(vault, "patch_secret");
        JsonObject changes = args.raw("data").getAsJsonObject();
        if (changes.size() == 0) {
            throw new ToolException("Invalid arguments: \"data\" must name at least one key to set or delete.");
        }
        Written written = update(vault, 2, true, current -> {
            if (current.state() != State.LIVE) {
                throw new ToolException("There is no secret " + where(vault) + " (or its latest version is deleted); "
                        + "patch_secret changes an existing one. Use {tool:write_secret} to create it.");
            }
            return changes;
        });
        JsonObject out = located(vault, 2);
        out.addProperty("version", written.version());
        JsonArray set = new JsonArray();
        JsonArray deleted = new JsonArray();
        changes.entrySet().forEach(e -> (e.getValue().isJsonNull() ? deleted : set).add(e.getKey()));
        out.add("keys_set", set);
        return ToolResult.json(out, "keys_deleted", deleted);
    }

    /**
     * Reads the secret, applies {@code change} and writes the result ({@code patch}: as a merge patch). On
     * KV v2 the write is check-and-set on the version read, repeated up to {@link Limits#KV_WRITE_ATTEMPTS}
     * times while another writer keeps getting in first. On KV v1 an empty result deletes the secret.
     */
    private static Written update(Guard vault, int kv, boolean patch, Edit change)
            throws ToolException, VaultException {
        String location = location(kv);
        for (int attempt = 1; ; attempt++) {
            Current current = read(vault, kv);
            JsonObject next = change.apply(current);
            if (kv == 1) {
                (next.size() == 0 ? vault.send("DELETE " + location) : vault.send("POST " + location, next)).ok();
                return new Written(current, next, 0);
            }
            JsonObject body = checkAndSet(next, current.version());
            VaultResponse answer = vault.send((patch ? "PATCH " : "POST ") + location, body);
            if (!answer.casMismatch()) {
                return new Written(current, next, Field.number(answer.data().get("version")));
            }
            if (attempt == Limits.KV_WRITE_ATTEMPTS) {
                throw new ToolException("Secret " + where(vault) + " was changed by someone else during each "
                        + "of " + Limits.KV_WRITE_ATTEMPTS + " attempts; nothing was written. Try again.");
            }
            pause(attempt);
        }
    }

    /** A KV v2 write body that Vault refuses once another writer has moved the secret past {@code version}. */
    private static JsonObject checkAndSet(JsonObject data, long version) {
        JsonObject options = new JsonObject();
        options.addProperty("cas", version);
        JsonObject body = new JsonObject();
        body.add("data", data);
        body.add("options", options);
        return body;
    }

    /** A random pause growing with each attempt, so writers that collided are unlikely to collide again. */
    private static void pause(int attempt) throws ToolException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 25L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("Interrupted while retrying the write; the last attempt wrote nothing.");
        }
    }

    private static Current read(Guard vault, int kv) throws ToolException, VaultException {
        VaultResponse answer = vault.send("GET " + location(kv));
        JsonObject data = answer.dataOrEmpty();
        if (kv == 2 && answer.status() == 404 && data.get("metadata") instanceof JsonObject metadata) {
            return new Current(State.DELETED, new JsonObject(), Field.number(metadata.get("version")));
        }
        if (answer.notFound()) {
            return new Current(State.MISSING, new JsonObject(), 0);
        }
        answer.ok();
        if (kv == 1) {
            return new Current(State.LIVE, data.deepCopy(), 0);
        }
        long version = Field.number(Field.object(data.get("metadata")).get("version"));
        return new Current(State.LIVE, Field.object(data.get("data")).deepCopy(), version);
    }

    private static Current exists(Current current, String where) throws ToolException {
        return switch (current.state()) {
            case LIVE -> current;
            case DELETED -> throw new ToolException("The latest version (" + current.version() + ") of secret " + where
                    + " is deleted; nothing changed.");
            case MISSING -> throw new ToolException("There is no secret " + where + "; nothing changed. "
                    + "Call {tool:list_secrets} to see what exists.");
        };
    }

    private static String location(int kv) {
        return kv == 2 ? "{mount}/data/{path+}" : "{mount}/{path+}";
    }

    private static JsonArray names(JsonObject object) {
        return Field.strings(new TreeSet<>(object.keySet()));
    }
}
