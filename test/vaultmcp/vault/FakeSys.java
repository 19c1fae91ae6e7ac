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
import vaultmcp.vault.Call.Op;

/**
 * FakeVault's system side: the secret engine and auth method tables and routing, the dedicated
 * handlers (sys/health, sys/seal-status, sys/leader in {@link FakeHealth}; sys/seal, sys/unseal),
 * and the sys/ engine (mounts, auth methods, tune, sys/internal/ui/mounts, ACL policies,
 * capabilities-self). The auth/token/ engine is {@link FakeToken}.
 */
final class FakeSys {
    private static final java.util.Set<String> TOKEN_TYPES = java.util.Set.of("default-service", "default-batch", "service", "batch");

    private final FakeAcl acl;
    private final Map<String, Mount> mounts = new LinkedHashMap<>();
    /** Auth methods by their full path ("auth/token/"); sys/auth shows them without "auth/". */
    private final Map<String, Mount> auths = new LinkedHashMap<>();

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
        Mount tokenMount = new Mount("auth/token/", "token", "token based credentials", null, false, new FakeToken(acl));
        tokenMount.extraConfig.addProperty("token_type", "default-service");
        auths.put(tokenMount.path(), tokenMount);
    }

    private static JsonObject version(String v) {
        JsonObject o = new JsonObject();
        o.addProperty("version", v);
        return o;
    }

    /** The mount serving {@code path}: the longest mount path that prefixes it, or null. */
    Mount route(String path) {
        String p = path.endsWith("/") ? path : path + "/";
        Mount best = null;
        for (Mount m : (Iterable<Mount>) java.util.stream.Stream.concat(mounts.values().stream(), auths.values().stream())::iterator) {
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
        if (p.equals("auth")) {
            if (call.op() != Op.READ) {
                return Reply.unsupportedOperation();
            }
            JsonObject table = new JsonObject();
            auths.values().forEach(m -> table.add(shown(m), m.entry(false)));
            return injected(table);
        }
        if (p.startsWith("auth/")) {
            String rest = p.substring("auth/".length());
            if (rest.endsWith("/tune")) {
                return tune(call, "auth/" + rest.substring(0, rest.length() - "/tune".length()) + "/");
            }
            return authMethod(call, rest.endsWith("/") ? rest : rest + "/");
        }
        if (p.equals("capabilities-self")) {
            return capabilitiesSelf(call);
        }
        if (p.equals("internal/ui/mounts")) {
            return visibleMounts(call);
        }
        if (p.startsWith("internal/ui/mounts/")) {
            return preflight(call, p.substring("internal/ui/mounts/".length()));
        }
        if (p.equals("policies/acl")) {
            return Reply.unsupportedOperation(); // listing needs LIST (or ?list=true)
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

    /** A mount's path as its table shows it: auth methods without "auth/". */
    private static String shown(Mount m) {
        return m.path().startsWith("auth/") ? m.path().substring("auth/".length()) : m.path();
    }

    /** sys/mounts answers repeat data's keys at the top level (vault-api.md 2.1). */
    private static Reply injected(JsonObject data) {
        JsonObject body = new JsonObject();
        data.entrySet().forEach(e -> body.add(e.getKey(), e.getValue().deepCopy()));
        Reply.envelope(data, null, null, "system", 0).entrySet().forEach(e -> body.add(e.getKey(), e.getValue()));
        return Reply.json(200, body, true);
    }

    /** sys/mounts/<path>; sys/mounts/auth/<path> reads an auth method's entry but mounts nothing. */
    private Reply mount(Call call, String path) {
        switch (call.op()) {
            case READ -> {
                Mount m = path.startsWith("auth/") ? auths.get(path) : mounts.get(path);
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
        if (path.startsWith("auth/")) {
            return Reply.errors(400, "cannot mount \"" + path + "\"");
        }
        for (Mount m : mounts.values()) {
            if (path.startsWith(m.path()) || m.path().startsWith(path)) {
                return Reply.errors(400, "path is already in use at " + m.path());
            }
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
            engine = new FakeTransit();
        }
        mounts.put(path, configured(call, new Mount(path, type, call.string("description", ""), options, call.data().has("local")
                && call.data().get("local").getAsBoolean(), engine)));
        return Reply.noContent();
    }

    private static Mount configured(Call call, Mount m) {
        if (call.data().get("config") instanceof JsonObject config) {
            m.defaultTtl = seconds(config.get("default_lease_ttl"), 0);
            m.maxTtl = seconds(config.get("max_lease_ttl"), 0);
        }
        return m;
    }

    /** sys/auth/<path> ({@code path} ends in "/", without "auth/"): read, enable or disable an auth method. */
    private Reply authMethod(Call call, String path) {
        switch (call.op()) {
            case READ -> {
                Mount m = auths.get("auth/" + path);
                return m == null ? Reply.errors(400, "No auth engine at " + path) : injected(m.entry(false));
            }
            case WRITE -> {
                return enableAuth(call, path);
            }
            case DELETE -> {
                if (path.equals("token/")) {
                    return Reply.errors(400, "token credential backend cannot be disabled");
                }
                auths.remove("auth/" + path);
                return Reply.noContent();
            }
            default -> {
                return Reply.unsupportedOperation();
            }
        }
    }

    private Reply enableAuth(Call call, String path) {
        String type = call.string("type");
        if (type == null || type.isEmpty()) {
            return Reply.errors(400, "backend type must be specified as a string");
        }
        String full = "auth/" + path;
        for (Mount m : auths.values()) {
            if (full.startsWith(m.path()) || m.path().startsWith(full)) {
                return Reply.errors(400, "path is already in use at " + shown(m));
            }
        }
        if (type.equals("token")) {
            return Reply.errors(400, "token credential backend cannot be instantiated");
        }
        if (!Mount.AUTH_PLUGINS.contains(type)) {
            return Reply.errors(400, "plugin not found in the catalog: " + type);
        }
        JsonObject options = call.data().get("options") instanceof JsonObject o ? o.deepCopy() : new JsonObject();
        Mount m = new Mount(full, type, call.string("description", ""), options,
                call.data().has("local") && call.data().get("local").getAsBoolean(),
                type.equals("jwt") ? new FakeJwt(acl) : type.equals("approle") ? new FakeAppRole(acl)
                        : c -> Reply.unsupportedPath());
        m.extraConfig.addProperty("token_type", "default-service");
        auths.put(full, configured(call, m));
        return Reply.noContent();
    }

    /** sys/mounts/<path>/tune, sys/mounts/auth/<path>/tune and sys/auth/<path>/tune ({@code path} ends in "/"). */
    private Reply tune(Call call, String path) {
        if (call.op() != Op.READ && call.op() != Op.WRITE) {
            return Reply.unsupportedOperation();
        }
        boolean auth = path.startsWith("auth/");
        Mount m = auth ? auths.get(path) : mounts.get(path);
        if (m == null) {
            return Reply.errors(400, call.op() == Op.READ ? "cannot fetch sysview for path \"" + path + "\""
                    : "tune of path \"" + path + "\" failed: no mount entry found");
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
            for (String k : List.of("listing_visibility", "token_type")) {
                if (m.extraConfig.has(k)) {
                    d.add(k, m.extraConfig.get(k).deepCopy());
                }
            }
            return injected(sorted(d));
        }
        JsonObject d = call.data();
        String visibility = d.has("listing_visibility") ? d.get("listing_visibility").getAsString() : null;
        if (visibility != null && !List.of("", "hidden", "unauth").contains(visibility)) {
            return Reply.errors(400, "invalid listing_visibility " + visibility);
        }
        String tokenType = d.has("token_type") ? d.get("token_type").getAsString() : null;
        if (tokenType != null && !auth) {
            return Reply.errors(400, "'token_type' can only be modified on auth mounts");
        }
        if (tokenType != null && !TOKEN_TYPES.contains(tokenType)) {
            return Reply.errors(400, "invalid value for 'token_type'");
        }
        m.defaultTtl = seconds(d.get("default_lease_ttl"), m.defaultTtl);
        m.maxTtl = seconds(d.get("max_lease_ttl"), m.maxTtl);
        if (d.has("description")) {
            m.description = d.get("description").getAsString();
        }
        if (visibility != null) {
            if (visibility.isEmpty()) {
                m.extraConfig.remove("listing_visibility");
            } else {
                m.extraConfig.addProperty("listing_visibility", visibility);
            }
        }
        if (tokenType != null) {
            m.extraConfig.addProperty("token_type", tokenType);
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

    /**
     * sys/capabilities-self {"paths": [...]} (or the deprecated "path"; either an array or a
     * comma-separated string): a key per path holding its sorted capabilities (["root"] for a
     * root token, ["deny"] when none), plus "capabilities" when exactly one path was given; the
     * keys repeat at the top level as in sys/mounts. The pipeline already checked that the token
     * may update sys/capabilities-self (the default policy grants it).
     */
    private Reply capabilitiesSelf(Call call) {
        if (call.op() != Op.WRITE) {
            return Reply.unsupportedOperation();
        }
        List<String> paths = new ArrayList<>();
        for (String field : List.of("paths", "path")) {
            String problem = commaStrings(call.data().get(field), paths);
            if (problem != null) {
                return Reply.errors(400, "Field validation failed: error converting input for field \"" + field + "\": " + problem);
            }
            if (!paths.isEmpty()) {
                break;
            }
        }
        if (paths.isEmpty()) {
            return Reply.errors(400, "paths must be supplied");
        }
        if (paths.contains("")) {
            return Reply.multi(400, "missing path");
        }
        JsonObject data = new JsonObject();
        for (String path : paths) {
            data.add(path, Reply.strings(acl.reportedCapabilities(call.token(), path).toArray(String[]::new)));
        }
        if (paths.size() == 1) {
            data.add("capabilities", data.get(paths.get(0)).deepCopy());
        }
        return injected(sorted(data));
    }

    /**
     * Vault's TypeCommaStringSlice, weakly typed: a string split at commas, or an array whose
     * numbers and booleans become strings ("1"/"0" for booleans), each trimmed. Returns the
     * decoding error text for objects and nested arrays, as mapstructure words it.
     */
    static String commaStrings(JsonElement raw, List<String> out) {
        if (raw == null || raw.isJsonNull()) {
            return null;
        }
        if (raw.isJsonPrimitive()) {
            String s = raw.getAsString();
            if (!s.isEmpty()) {
                for (String part : s.split(",", -1)) {
                    out.add(part.strip());
                }
            }
            return null;
        }
        JsonArray items = raw.isJsonArray() ? raw.getAsJsonArray() : Reply.strings();
        if (raw.isJsonObject()) {
            items.add(raw);
        }
        for (int i = 0; i < items.size(); i++) {
            JsonElement e = items.get(i);
            if (e.isJsonNull()) {
                out.add("");
            } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
                out.add(e.getAsBoolean() ? "1" : "0");
            } else if (e.isJsonPrimitive()) {
                out.add(e.getAsString().strip());
            } else {
                return "1 error(s) decoding:\n\n* '[" + i + "]' expected type 'string', got unconvertible type '"
                        + (e.isJsonObject() ? "map[string]interface {}" : "[]interface {}") + "', value: '" + WeakFields.goValue(e) + "'";
            }
        }
        return null;
    }

    /**
     * sys/internal/ui/mounts/<path>: the longest-prefix mount entry plus "path", if the token may use it.
     * For an auth method (auth/token, auth/userpass/...) real Vault names the path without "auth/".
     */
    private Reply preflight(Call call, String path) {
        String p = path.endsWith("/") ? path : path + "/";
        Mount m = route(p);
        if (m == null || call.token() == null || !acl.hasMountAccess(call.token(), m.path())) {
            return Reply.errors(403, "preflight capability check returned 403, please ensure client's policies grant access to path \"" + p + "\"");
        }
        JsonObject data = m.entry(true);
        data.addProperty("path", shown(m));
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
            auths.values().stream().filter(m -> acl.hasMountAccess(call.token(), m.path()))
                    .forEach(m -> auth.add(shown(m), m.entry(true)));
        }
        JsonObject data = new JsonObject();
        data.add("auth", sorted(auth));
        data.add("secret", secret);
        return Reply.json(200, Reply.envelope(data, null, null, "", 0), true);
    }

    /** sys/policies/acl/<name>; Vault lower-cases the name (and a write then warns "policy name was converted to <name>"). */
    private Reply policy(Call call, String given) {
        String name = given.toLowerCase(java.util.Locale.ROOT);
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
                if (problem != null) {
                    return Reply.errors(400, problem);
                }
                if (!name.equals(given)) {
                    return Reply.json(200, Reply.envelope(null, Reply.strings("policy name was converted to " + name), null, "system", 0), true);
                }
                return Reply.noContent();
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
