package vaultmcp.vault;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One entry of FakeVault's mount table, with its engine. Mutable through tune only; every change
 * happens under FakeVault's lock.
 */
final class Mount {
    static final long SYSTEM_DEFAULT_TTL = 2_764_800; // 768h, a dev server's default and max
    /** The builtin auth methods sys/auth/<path> can enable (the token method is always there, once). */
    static final java.util.Set<String> AUTH_PLUGINS = java.util.Set.of("alicloud", "approle", "aws", "azure", "cert", "cf",
            "gcp", "github", "jwt", "kerberos", "kubernetes", "ldap", "oci", "oidc", "okta", "radius", "userpass");
    private static final java.util.Set<String> PLUGINS = java.util.Set.of("kv", "pki", "transit");

    private final String path;
    private final String type;
    private final String accessor;
    private final String uuid = UUID.randomUUID().toString();
    private final boolean local;
    private final Engine engine;
    /** Mount-specific config keys beyond the TTLs, e.g. sys/'s passthrough_request_headers. */
    final JsonObject extraConfig = new JsonObject();
    String description;
    JsonObject options;
    long defaultTtl;
    long maxTtl;

    Mount(String path, String type, String description, JsonObject options, boolean local, Engine engine) {
        this.path = path;
        this.type = type;
        this.description = description;
        this.options = options;
        this.local = local;
        this.engine = engine;
        this.accessor = (path.startsWith("auth/") ? "auth_" : "") + type + "_" + String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    String path() {
        return path;
    }

    String type() {
        return type;
    }

    Engine engine() {
        return engine;
    }

    int kvVersion() {
        return options != null && options.has("version") && "2".equals(options.get("version").getAsString()) ? 2 : 1;
    }

    long effectiveDefaultTtl() {
        return defaultTtl == 0 ? SYSTEM_DEFAULT_TTL : defaultTtl;
    }

    long effectiveMaxTtl() {
        return maxTtl == 0 ? SYSTEM_DEFAULT_TTL : maxTtl;
    }

    /** The entry as sys/mounts shows it; {@code effective} TTLs as sys/internal/ui/mounts shows them. */
    JsonObject entry(boolean effective) {
        JsonObject e = new JsonObject();
        e.addProperty("accessor", accessor);
        JsonObject config = new JsonObject();
        config.addProperty("default_lease_ttl", effective ? effectiveDefaultTtl() : defaultTtl);
        config.addProperty("force_no_cache", false);
        config.addProperty("max_lease_ttl", effective ? effectiveMaxTtl() : maxTtl);
        extraConfig.entrySet().forEach(x -> config.add(x.getKey(), x.getValue().deepCopy()));
        e.add("config", FakeSys.sorted(config));
        if (PLUGINS.contains(type) || AUTH_PLUGINS.contains(type)) {
            e.addProperty("deprecation_status", "supported"); // only engines that are builtin plugins have one
        }
        e.addProperty("description", description);
        e.addProperty("external_entropy_access", false);
        e.addProperty("local", local);
        e.add("options", options == null ? JsonNull.INSTANCE : options.deepCopy());
        e.addProperty("plugin_version", "");
        e.addProperty("running_plugin_version", type.equals("kv") ? "v0.25.0+builtin" : "v1.21.1+builtin.vault");
        e.addProperty("running_sha256", "");
        e.addProperty("seal_wrap", false);
        e.addProperty("type", type);
        e.addProperty("uuid", uuid);
        return e;
    }

    /** The engine behind a mount: answers calls for paths inside it. */
    interface Engine {
        Reply handle(Call call);
    }
}
