package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * Finds out whether a mount is KV version 1 or 2. Asks {@code sys/internal/ui/mounts/<mount>}
 * first, which any token with access below the mount may read (the Go server needed read on
 * {@code sys/mounts}, issue #98), and falls back to {@code sys/mounts}. Answers are cached per
 * mount for a minute; the cache is shared by all callers because a mount's version is not a
 * secret of any one token, and it is bounded.
 */
final class KvMounts {
    private static final long TTL_NANOS = 60_000_000_000L;
    private static final int MAX_ENTRIES = 1024;
    private static final Set<String> KV_TYPES = Set.of("kv", "generic", "cubbyhole");

    private record Entry(int version, long expires) {}

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    KvMounts(LongSupplier clock) {
        this.clock = clock;
    }

    /** The KV version (1 or 2) of {@code mount}. */
    int version(Vault vault, VaultPath mount) throws ToolException, VaultException {
        Entry cached = cache.get(mount.toString());
        if (cached != null && cached.expires() - clock.getAsLong() > 0) {
            return cached.version();
        }
        int version = detect(vault, mount);
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(mount.toString(), new Entry(version, clock.getAsLong() + TTL_NANOS));
        return version;
    }

    /**
     * The KV version asked anew, for writes: a v2 write sent to a mount that became v1 meanwhile
     * would store a secret named "data/..." holding the keys "data" and "options".
     */
    int fresh(Vault vault, VaultPath mount) throws ToolException, VaultException {
        forget(mount);
        return version(vault, mount);
    }

    /** Drops what is known of a mount, after it was created or deleted through us. */
    void forget(VaultPath mount) {
        cache.remove(mount.toString());
    }

    private int detect(Vault vault, VaultPath mount) throws ToolException, VaultException {
        String name = mount.toString();
        VaultResponse preflight = vault.get(VaultPath.of("sys", "internal", "ui", "mounts").append(name));
        if (preflight.status() == 200) {
            JsonObject entry = preflight.data();
            String path = text(entry.get("path"));
            if (!path.isEmpty() && !path.equals(name + "/")) {
                throw new ToolException("\"" + name + "\" is not a mount: it lies inside the mount \"" + path
                        + "\". Pass mount=\"" + path.substring(0, path.length() - 1) + "\" and put the rest in path.");
            }
            return versionOf(name, entry);
        }
        if (preflight.status() != 403 && preflight.status() != 404) {
            preflight.ok();
        }
        VaultResponse mounts = vault.get(VaultPath.of("sys", "mounts"));
        if (mounts.status() == 403) {
            throw new ToolException("Vault refused to say what kind of mount \"" + name + "\" is: the mount does not exist, "
                    + "or the token may not use it (Vault: " + String.join("; ", preflight.errors()) + "). Call list_mounts to see the mounts.");
        }
        JsonElement entry = mounts.data().get(name + "/");
        if (entry == null || !entry.isJsonObject()) {
            throw new ToolException("There is no mount \"" + name + "\". Call list_mounts to see the mounts.");
        }
        return versionOf(name, entry.getAsJsonObject());
    }

    private static int versionOf(String name, JsonObject entry) throws ToolException {
        String type = text(entry.get("type"));
        if (!KV_TYPES.contains(type)) {
            throw new ToolException("The mount \"" + name + "\" is a " + type + " secrets engine, not a KV store.");
        }
        JsonElement options = entry.get("options");
        boolean v2 = options != null && options.isJsonObject() && "2".equals(text(options.getAsJsonObject().get("version")));
        return v2 ? 2 : 1;
    }

    static String text(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }
}
