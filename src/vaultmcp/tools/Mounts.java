package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import vaultmcp.config.Limits;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * Finds out what engine a mount argument names, for {@link Guard}. Asks
 * {@code sys/internal/ui/mounts/<mount>} first, which any token with access below the mount may
 * read (the Go server needed read on {@code sys/mounts}, its issue #98), then {@code sys/mounts}.
 * Answers are cached for a minute per caller credential (one caller cannot learn from the cache
 * which mounts another used); a full cache drops its oldest entries. Privileged calls always ask
 * afresh, so a mount replaced meanwhile cannot turn a PKI delete into a KV delete.
 */
final class Mounts {
    private static final Set<String> KV_TYPES = Set.of("kv", "generic", "cubbyhole");
    private static final Map<String, String> NAMES = Map.of("kv", "a KV store", "pki", "a PKI engine",
            "transit", "a transit engine");

    /** A resolved mount: its path, Vault's engine type, and the KV version (0 unless KV). */
    record Mount(VaultPath path, String type, int kvVersion) {}

    private record Entry(Mount mount, long expires) {}

    /**
     * What Vault says is at a path: the mount table entry of a mount there, or of the mount the
     * path lies inside ({@code inside} is then its path); {@code refusal} holds why, when Vault would not say.
     */
    private record Lookup(JsonObject entry, String inside, List<String> refusal) {}

    private final LongSupplier clock;
    private final Map<String, Entry> cache = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > Limits.MOUNT_CACHE_ENTRIES;
        }
    };

    Mounts(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * The mount {@code path} checked against its declared type. For {@code new} and {@code any}
     * the answer is the path itself; for an engine type, what Vault says the mount is.
     */
    Mount resolve(Vault vault, VaultPath path, String declared, boolean fresh) throws ToolException, VaultException {
        String name = path.toString();
        if (declared.equals("new") || declared.equals("any")) {
            if (Reach.SYSTEM_MOUNTS.contains(name.split("/")[0])) {
                throw new ToolException("\"" + name + "\" belongs to Vault itself; "
                        + "no tool creates or deletes such a mount.");
            }
            Lookup lookup = declared.equals("new") ? lookup(vault, path) : null;
            if (lookup != null && lookup.entry() != null) {
                String reason = lookup.inside() == null
                        ? "there is already a " + Field.text(lookup.entry().get("type")) + " mount there"
                        : "it lies inside the mount \"" + lookup.inside() + "\"";
                throw new ToolException("Cannot mount at \"" + name + "\": " + reason
                        + ". Choose another path ({tool:list_mounts} shows the mounts), or delete that mount first.");
            }
            return new Mount(path, declared, 0);
        }
        String key = credential(vault) + "\n" + name;
        synchronized (cache) {
            Entry cached = cache.get(key);
            if (!fresh && cached != null && cached.expires() - clock.getAsLong() > 0) {
                return checked(cached.mount(), declared);
            }
        }
        Lookup lookup = lookup(vault, path);
        if (lookup.refusal() != null) {
            throw new ToolException("Vault refused to say what kind of mount \"" + name + "\" is: "
                    + "the mount does not exist, or the token may not use it ("
                    + VaultResponse.quote(lookup.refusal()) + "). Call {tool:list_mounts} to see the mounts.");
        }
        if (lookup.entry() == null) {
            throw new ToolException("There is no mount \"" + name + "\". Call {tool:list_mounts} to see the mounts.");
        }
        if (lookup.inside() != null) {
            throw new ToolException("\"" + name + "\" is not a mount: it lies inside the mount \"" + lookup.inside()
                    + "\". Pass mount=\"" + lookup.inside().substring(0, lookup.inside().length() - 1)
                    + "\" and put the rest in path.");
        }
        Mount mount = new Mount(path, Field.text(lookup.entry().get("type")), kvVersion(lookup.entry()));
        synchronized (cache) {
            cache.put(key, new Entry(mount, clock.getAsLong() + Limits.MOUNT_CACHE_TTL.toNanos()));
        }
        return checked(mount, declared);
    }

    /** Drops what any caller knows of a mount, after a request that created or deleted it. */
    void forget(VaultPath path) {
        synchronized (cache) {
            cache.keySet().removeIf(key -> key.endsWith("\n" + path));
        }
    }

    /** The KV version of a mount table entry: 2 when its options say so, else 1; 0 unless a KV engine. */
    static int kvVersion(JsonObject entry) {
        boolean v2 = entry.get("options") instanceof JsonObject o && "2".equals(Field.text(o.get("version")));
        return KV_TYPES.contains(Field.text(entry.get("type"))) ? (v2 ? 2 : 1) : 0;
    }

    private static Mount checked(Mount mount, String declared) throws ToolException {
        if (declared.equals("kv") ? mount.kvVersion() == 0 : !declared.equals(mount.type())) {
            throw new ToolException("The mount \"" + mount.path() + "\" is a "
                    + (mount.type().isEmpty() ? "unknown" : mount.type())
                    + " secrets engine, not " + NAMES.get(declared) + ".");
        }
        return mount;
    }

    private static Lookup lookup(Vault vault, VaultPath path) throws VaultException {
        String name = path.toString();
        VaultPath preflightPath = VaultPath.of("sys", "internal", "ui", "mounts").append(name);
        VaultResponse preflight = vault.send("GET", preflightPath, null, null, null, false);
        if (preflight.status() == 200) {
            JsonObject entry = preflight.data();
            String at = Field.text(entry.get("path"));
            // For an auth method Vault names the path without "auth/" ("token/" for auth/token).
            at = name.startsWith("auth/") && !at.isEmpty() && !at.startsWith("auth/") ? "auth/" + at : at;
            return new Lookup(entry, at.isEmpty() || at.equals(name + "/") ? null : at, null);
        }
        if (preflight.status() != 403 && preflight.status() != 404) {
            preflight.ok();
        }
        VaultResponse table = vault.send("GET", VaultPath.of("sys", "mounts"), null, null, null, false);
        if (table.status() == 403) {
            List<String> refusal = new ArrayList<>(preflight.errors());
            refusal.addAll(table.errors());
            return new Lookup(null, null, refusal);
        }
        JsonElement entry = table.data().get(name + "/");
        return new Lookup(entry instanceof JsonObject e ? e : null, null, null);
    }

    /** Who is asking, as a digest of the token: the key of that caller's mount-type cache. */
    private static String credential(Vault vault) {
        return ToolTable.sha256(vault.token() == null ? "" : vault.token().reveal());
    }
}
