package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import vaultmcp.vault.Call.Op;

/**
 * FakeVault's system side: the mount table and routing, the dedicated handlers (sys/health,
 * sys/seal-status, sys/leader in {@link FakeHealth}; sys/seal, sys/unseal), and the sys/ and auth/token/ engines (mounts, tune,
 * sys/internal/ui/mounts, ACL policies, token create and lookup-self).
 */
final class FakeSys {
    private final FakeAcl acl;
    private final Map<String, Mount> mounts = new LinkedHashMap<>();
    private final Mount tokenMount;

    FakeSys(FakeAcl acl) {
        this.acl = acl;
        Mount.Engine none = call -> Reply.unsupportedPath();
        mounts.put("cubbyhole/", new Mount("cubbyhole/", "cubbyhole", "per-token private secret storage", null, true, new FakeKv1()));
        Mount identity = new Mount("identity/", "identity", "identity store", null, false, none);
        identity.extraConfig.add("passthrough_request_headers", Reply.strings("Authorization"));
        mounts.put("identity/", identity);
        mounts.put("secret/", new Mount("secret/", "kv", "key/value secret storage", version("2"), false, new FakeKv2()));
        Mount sys = new Mount("sys/", "system", "system endpoints used for control, policy and debugging", null, false, this::system);
        sys.extraConfig.add("passthrough_request_headers", Reply.strings("Accept"));
        mounts.put("sys/", sys);
        tokenMount = new Mount("auth/token/", "token", "token based credentials", null, false, this::token);
        tokenMount.extraConfig.addProperty("token_type", "default-service");
    }

    private static JsonObject version(String v) {
        JsonObject o = new JsonObject();
        o.addProperty("version", v);
        return o;
    }

    /** The mount serving {@code path}: the longest mount path that prefixes it, or null. */
    Mount route(String path) {
        String p = path.endsWith("/") ? path : path + "/";
        Mount best = tokenMount.path().length() <= p.length() && p.startsWith(tokenMount.path()) ? tokenMount : null;
        for (Mount m : mounts.values()) {
            if (p.startsWith(m.path()) && (best == null || m.path().length() > best.path().length())) {
                best = m;
            }
        }
        return best;
    }

    // ---- dedicated handlers: no envelope, some without a token

    Reply dedicated(FakeVault vault, String method, String path, Map<String, String> query,
                    Map<String, List<String>> headers, byte[] body) {
        switch (path) {
            case "sys/health" -> {
                return FakeHealth.health(vault.role(), vault.sealed(), method, query);
            }
            case "sys/seal-status" -> {
                return Reply.json(200, FakeHealth.sealStatus(vault.role(), vault.sealed()), true);
            }
            case "sys/leader" -> {
                return FakeHealth.leader(vault.role(), method, vault.address());
            }
            case "sys/unseal" -> {
                JsonObject data = body.length == 0 ? new JsonObject() : FakeVault.parseObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
                if (data == null) {
                    return Reply.errors(400, "error parsing JSON");
                }
                JsonElement key = data.get("key");
                if (key == null || !key.isJsonPrimitive()) {
                    return Reply.errors(400, "'key' must be specified in request body as JSON, or 'reset' set to true");
                }
                if (!FakeVault.UNSEAL_KEY.equals(key.getAsString())) {
                    return Reply.errors(400, "'key' must be a valid hex or base64 string");
                }
                vault.sealed(false);
                return Reply.json(200, FakeHealth.sealStatus(vault.role(), false), true);
            }
            case "sys/seal" -> {
                if (!method.equals("PUT") && !method.equals("POST")) {
                    return Reply.errors(405);
                }
                if (vault.sealed()) {
                    return Reply.errors(503, "Vault is sealed");
                }
                FakeAcl.Token token = acl.token(FakeVault.tokenOf(headers));
                if (token == null || !acl.allows(token, "sys/seal", "sudo")) {
                    return Reply.errors(403, token == null ? "permission denied" : Reply.multierror("permission denied"));
                }
                vault.sealed(true);
                return Reply.noContent();
            }
            default -> {
                return null;
            }
        }
    }

    // ---- sys/ engine

    private Reply system(Call call) {
        String p = call.path();
        if (p.equals("mounts")) {
            if (call.op() != Op.READ) {
                return Reply.unsupportedOperation();
            }
            JsonObject table = new JsonObject();
            mounts.values().forEach(m -> table.add(m.path(), m.entry(false)));
            return injected(table);
        }
        if (p.startsWith("mounts/")) {
            String rest = p.substring("mounts/".length());
            if (rest.endsWith("/tune")) {
                return tune(call, rest.substring(0, rest.length() - "/tune".length()) + "/");
            }
            return mount(call, rest.endsWith("/") ? rest : rest + "/");
        }
        if (p.equals("internal/ui/mounts")) {
            return visibleMounts(call);
        }
        if (p.startsWith("internal/ui/mounts/")) {
            return preflight(call, p.substring("internal/ui/mounts/".length()));
        }
        if (p.equals("policies/acl/") && call.op() == Op.LIST) {
            TreeSet<String> names = new TreeSet<>(acl.policyNames());
            List<String> keys = new ArrayList<>(names);
            keys.add("root");
            return call.keys(keys);
        }
        if (p.startsWith("policies/acl/")) {
            return policy(call, p.substring("policies/acl/".length()));
        }
        return Reply.unsupportedPath();
    }

    /** sys/mounts answers repeat data's keys at the top level (vault-api.md 2.1). */
    private static Reply injected(JsonObject data) {
        JsonObject body = new JsonObject();
        data.entrySet().forEach(e -> body.add(e.getKey(), e.getValue().deepCopy()));
        Reply.envelope(data, null, null, "system", 0).entrySet().forEach(e -> body.add(e.getKey(), e.getValue()));
        return Reply.json(200, body, true);
    }

    private Reply mount(Call call, String path) {
        switch (call.op()) {
            case READ -> {
                Mount m = mounts.get(path);
                return m == null ? Reply.errors(400, "No secret engine mount at " + path) : injected(m.entry(false));
            }
            case DELETE -> {
                if (!path.equals("sys/") && !path.equals("cubbyhole/") && !path.equals("identity/")) {
                    mounts.remove(path);
                }
                return Reply.noContent();
            }
            case WRITE -> {
                return enable(call, path);
            }
            default -> {
                return Reply.unsupportedOperation();
            }
        }
    }

    private Reply enable(Call call, String path) {
        String type = call.string("type");
        if (type == null || type.isEmpty()) {
            return Reply.errors(400, "backend type must be specified as a string");
        }
        for (Mount m : mounts.values()) {
            if (path.startsWith(m.path()) || m.path().startsWith(path)) {
                return Reply.errors(400, "path is already in use at " + m.path());
            }
        }
        if (path.startsWith("auth/")) {
            return Reply.errors(400, "path is already in use at auth/");
        }
        JsonObject options = call.data().get("options") instanceof JsonObject o ? o.deepCopy() : new JsonObject();
        Mount.Engine engine;
        switch (type) {
            case "kv-v2" -> {
                type = "kv";
                options.addProperty("version", "2");
            }
            case "kv-v1" -> {
                type = "kv";
                options.addProperty("version", "1");
            }
            case "kv", "pki", "transit" -> { }
            default -> {
                return Reply.errors(400, "plugin not found in the catalog: " + type);
            }
        }
        if (type.equals("kv")) {
            boolean v2 = options.get("version") != null && "2".equals(options.get("version").getAsString());
            engine = v2 ? new FakeKv2() : new FakeKv1();
        } else if (type.equals("pki")) {
            engine = new FakePki();
        } else {
            engine = c -> Reply.unsupportedPath();
        }
        Mount m = new Mount(path, type, call.string("description", ""), options, call.data().has("local")
                && call.data().get("local").getAsBoolean(), engine);
        if (call.data().get("config") instanceof JsonObject config) {
            m.defaultTtl = seconds(config.get("default_lease_ttl"), 0);
            m.maxTtl = seconds(config.get("max_lease_ttl"), 0);
        }
        mounts.put(path, m);
        return Reply.noContent();
    }

    private Reply tune(Call call, String path) {
        Mount m = mounts.get(path);
        if (m == null) {
            return Reply.errors(400, "cannot fetch mount entry: no mount entry found at " + path);
        }
        if (call.op() == Op.READ) {
            JsonObject d = new JsonObject();
            d.addProperty("default_lease_ttl", m.effectiveDefaultTtl());
            d.addProperty("description", m.description);
            d.addProperty("force_no_cache", false);
            d.addProperty("max_lease_ttl", m.effectiveMaxTtl());
            if (m.options != null && m.options.size() > 0) {
                d.add("options", m.options.deepCopy()); // Go omits an empty map here
            }
            return injected(d);
        }
        if (call.op() != Op.WRITE) {
            return Reply.unsupportedOperation();
        }
        JsonObject d = call.data();
        m.defaultTtl = seconds(d.get("default_lease_ttl"), m.defaultTtl);
        m.maxTtl = seconds(d.get("max_lease_ttl"), m.maxTtl);
        if (d.has("description")) {
            m.description = d.get("description").getAsString();
        }
        if (d.get("options") instanceof JsonObject o && o.has("version") && m.type().equals("kv")) {
            String want = o.get("version").getAsString();
            if (want.equals("1") && m.kvVersion() == 2) {
                return Reply.errors(400, "cannot downgrade mount from version 2");
            }
            if (want.equals("2") && m.kvVersion() == 1) {
                Mount upgraded = new Mount(m.path(), "kv", m.description, version("2"), false,
                        new FakeKv2(((FakeKv1) m.engine()).entries()));
                upgraded.defaultTtl = m.defaultTtl;
                upgraded.maxTtl = m.maxTtl;
                mounts.put(m.path(), upgraded);
                return Reply.json(200, Reply.envelope(null, Reply.strings("Upgrading mount from version 1 to version 2. "
                        + "This mount will be unavailable for a brief period and will resume service shortly."), null, "system", 0), true);
            }
        }
        return Reply.noContent();
    }

    /** sys/internal/ui/mounts/<path>: the longest-prefix mount entry plus "path", if the token may use it. */
    private Reply preflight(Call call, String path) {
        String p = path.endsWith("/") ? path : path + "/";
        Mount m = route(p);
        if (m == null || m == tokenMount || call.token() == null || !acl.hasMountAccess(call.token(), m.path())) {
            return Reply.errors(403, "preflight capability check returned 403, please ensure client's policies grant access to path \"" + p + "\"");
        }
        JsonObject data = m.entry(true);
        data.addProperty("path", m.path());
        return Reply.json(200, Reply.envelope(sorted(data), null, null, "", 0), true);
    }

    /** sys/internal/ui/mounts: what the caller's token can see (nothing is tuned listing_visibility=unauth). */
    private Reply visibleMounts(Call call) {
        if (call.op() != Op.READ) {
            return Reply.unsupportedOperation();
        }
        JsonObject secret = new JsonObject();
        JsonObject auth = new JsonObject();
        if (call.token() != null) {
            mounts.values().stream().filter(m -> acl.hasMountAccess(call.token(), m.path()))
                    .forEach(m -> secret.add(m.path(), m.entry(true)));
            if (acl.hasMountAccess(call.token(), tokenMount.path())) {
                auth.add("token/", tokenMount.entry(true));
            }
        }
        JsonObject data = new JsonObject();
        data.add("auth", auth);
        data.add("secret", secret);
        return Reply.json(200, Reply.envelope(data, null, null, "", 0), true);
    }

    private Reply policy(Call call, String name) {
        switch (call.op()) {
            case READ -> {
                String text = name.equals("root") ? "" : acl.policyText(name);
                if (text == null) {
                    return Reply.notFound();
                }
                JsonObject d = new JsonObject();
                d.addProperty("name", name);
                d.addProperty("policy", text);
                return call.ok(d);
            }
            case WRITE -> {
                String text = call.string("policy");
                if (text == null) {
                    return Reply.errors(400, "'policy' parameter not supplied or empty");
                }
                if (name.equals("root")) {
                    return Reply.errors(400, "cannot update \"root\" policy");
                }
                String problem = acl.putPolicy(name, text);
                return problem == null ? Reply.noContent() : Reply.errors(400, problem);
            }
            case DELETE -> {
                if (name.equals("root") || name.equals("default")) {
                    return Reply.errors(400, "cannot delete \"" + name + "\" policy");
                }
                acl.deletePolicy(name);
                return Reply.noContent();
            }
            default -> {
                return Reply.unsupportedOperation();
            }
        }
    }

    // ---- auth/token/ engine

    private Reply token(Call call) {
        switch (call.path()) {
            case "lookup-self" -> {
                if (call.op() != Op.READ && call.op() != Op.WRITE) {
                    return Reply.unsupportedOperation();
                }
                FakeAcl.Token t = call.token();
                JsonObject d = new JsonObject();
                d.addProperty("accessor", t.accessor());
                d.addProperty("creation_time", t.creationTime());
                long expires = t.creationTime() + t.ttl();
                d.addProperty("creation_ttl", t.ttl());
                d.addProperty("display_name", t.displayName());
                d.addProperty("entity_id", "");
                if (t.ttl() == 0) {
                    d.add("expire_time", JsonNull.INSTANCE);
                } else {
                    d.addProperty("expire_time", java.time.Instant.ofEpochSecond(expires).toString());
                }
                d.addProperty("explicit_max_ttl", 0);
                d.addProperty("id", t.id());
                d.addProperty("issue_time", t.issueTime());
                d.add("meta", JsonNull.INSTANCE);
                d.addProperty("num_uses", 0);
                d.addProperty("orphan", t.root());
                d.addProperty("path", t.path());
                d.add("policies", Reply.strings(t.policies().toArray(String[]::new)));
                d.addProperty("renewable", t.ttl() != 0);
                d.addProperty("ttl", t.ttl() == 0 ? 0 : Math.max(0, expires - System.currentTimeMillis() / 1000));
                d.addProperty("type", "service");
                return call.ok(d);
            }
            case "create" -> {
                if (call.op() != Op.WRITE) {
                    return Reply.unsupportedOperation();
                }
                TreeSet<String> policies = new TreeSet<>();
                if (call.data().get("policies") instanceof JsonArray a) {
                    a.forEach(e -> policies.add(e.getAsString()));
                }
                boolean noDefault = call.data().has("no_default_policy") && call.data().get("no_default_policy").getAsBoolean();
                if (!noDefault) {
                    policies.add("default");
                }
                if (policies.contains("root") && !call.token().root()) {
                    return Reply.errors(400, "root tokens may not be created without parent token being root");
                }
                long ttl = seconds(call.data().get("ttl"), Mount.SYSTEM_DEFAULT_TTL);
                FakeAcl.Token t = acl.createToken(List.copyOf(policies), "token", ttl);
                JsonObject auth = new JsonObject();
                auth.addProperty("client_token", t.id());
                auth.addProperty("accessor", t.accessor());
                auth.add("policies", Reply.strings(policies.toArray(String[]::new)));
                auth.add("token_policies", Reply.strings(policies.toArray(String[]::new)));
                auth.add("metadata", JsonNull.INSTANCE);
                auth.addProperty("lease_duration", ttl);
                auth.addProperty("renewable", true);
                auth.addProperty("entity_id", "");
                auth.addProperty("token_type", "service");
                auth.addProperty("orphan", false);
                auth.add("mfa_requirement", JsonNull.INSTANCE);
                auth.addProperty("num_uses", 0);
                return Reply.json(200, Reply.envelope(null, null, auth, "token", 0), true);
            }
            default -> {
                return Reply.unsupportedPath();
            }
        }
    }

    /** A TTL given as seconds (number or digits) or a Go duration ("768h", "1h30m", "90s"). */
    static long seconds(JsonElement e, long fallback) {
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        String s = e.getAsString().strip();
        if (s.isEmpty()) {
            return fallback;
        }
        if (s.matches("\\d+")) {
            return Long.parseLong(s);
        }
        long total = 0;
        // Vault's duration parser also takes days ("30d"), unlike Go's time.ParseDuration.
        var m = java.util.regex.Pattern.compile("(\\d+)(d|h|m|s)").matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "d" -> n * 86400;
                case "h" -> n * 3600;
                case "m" -> n * 60;
                default -> n;
            };
        }
        return total;
    }

    /** Go sorts map keys when it encodes; the injected "path" must land in its place. */
    static JsonObject sorted(JsonObject o) {
        JsonObject out = new JsonObject();
        new TreeSet<>(o.keySet()).forEach(k -> out.add(k, o.get(k)));
        return out;
    }
}
