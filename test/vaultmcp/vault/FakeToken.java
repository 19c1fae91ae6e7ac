package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import vaultmcp.vault.Call.Op;

/**
 * The auth/token/ engine of FakeVault: lookup-self, renew-self (increment), revoke-self and create (policies,
 * no_default_policy, ttl, display_name, meta, num_uses, explicit_max_ttl), answered as Vault 1.21 does.
 */
final class FakeToken implements Mount.Engine {
    private final FakeAcl acl;

    FakeToken(FakeAcl acl) {
        this.acl = acl;
    }

    @Override
    public Reply handle(Call call) {
        return switch (call.path()) {
            case "lookup-self" -> call.op() == Op.READ || call.op() == Op.WRITE ? lookupSelf(call.token()) : Reply.unsupportedOperation();
            case "create" -> call.op() == Op.WRITE ? create(call) : Reply.unsupportedOperation();
            case "revoke-self" -> {
                if (call.op() != Op.WRITE) {
                    yield Reply.unsupportedOperation();
                }
                acl.revoke(call.token());
                yield Reply.noContent();
            }
            case "renew-self" -> call.op() == Op.WRITE ? renewSelf(call) : Reply.unsupportedOperation();
            default -> Reply.unsupportedPath();
        };
    }

    private Reply lookupSelf(FakeAcl.Token t) {
        JsonObject d = new JsonObject();
        d.addProperty("accessor", t.accessor());
        d.addProperty("creation_time", t.creationTime());
        long expires = t.expires().get();
        d.addProperty("creation_ttl", t.ttl());
        d.addProperty("display_name", t.displayName());
        d.addProperty("entity_id", t.entityId());
        if (expires == 0) {
            d.add("expire_time", JsonNull.INSTANCE);
        } else {
            d.addProperty("expire_time", Instant.ofEpochSecond(expires).toString());
        }
        d.addProperty("explicit_max_ttl", t.explicitMaxTtl());
        d.addProperty("id", t.id());
        d.addProperty("issue_time", t.issueTime());
        if (t.renewed().get() != 0) {
            d.addProperty("last_renewal", Instant.ofEpochSecond(t.renewed().get()).toString());
            d.addProperty("last_renewal_time", t.renewed().get());
        }
        d.add("meta", meta(t.meta()));
        d.addProperty("num_uses", t.usesLeft().get());
        d.addProperty("orphan", t.root() || t.path().endsWith("/login"));
        d.addProperty("path", t.path());
        d.add("policies", Reply.strings(t.policies().toArray(String[]::new)));
        d.addProperty("renewable", t.ttl() != 0);
        d.addProperty("ttl", expires == 0 ? 0 : Math.max(0, expires - acl.now()));
        d.addProperty("type", "service");
        return Reply.json(200, Reply.envelope(d, null, null, "token", 0), true);
    }

    /**
     * Extends the token by {@code increment} seconds, or by its creation TTL, as far as its max TTL allows
     * (Vault's framework.CalculateTTL, with its warning when the max TTL caps the renewal).
     */
    private Reply renewSelf(Call call) {
        FakeAcl.Token t = call.token();
        long now = acl.now();
        long increment = FakeSys.seconds(call.data().get("increment"), 0);
        long ttl = increment > 0 ? increment : t.ttl();
        long left = t.creationTime() + t.maxTtl() - now;
        if (t.ttl() == 0 || left <= 0) {
            return Reply.errors(400, t.ttl() == 0 ? "lease is not renewable" : "past the max TTL, cannot renew");
        }
        JsonArray warnings = null;
        if (left < ttl) {
            warnings = Reply.strings("TTL of \"" + human(ttl) + "\" exceeded the effective max_ttl of \"" + human(left)
                    + "\"; TTL value is capped accordingly");
            ttl = left;
        }
        t.expires().set(now + ttl);
        t.renewed().set(now);
        return Reply.json(200, Reply.envelope(null, warnings, auth(t, ttl), "token", 0), true);
    }

    /** The auth block of a login, token creation or renewal answer. */
    static JsonObject auth(FakeAcl.Token t, long leaseDuration) {
        JsonObject auth = new JsonObject();
        auth.addProperty("client_token", t.id());
        auth.addProperty("accessor", t.accessor());
        auth.add("policies", Reply.strings(t.policies().toArray(String[]::new)));
        auth.add("token_policies", Reply.strings(t.policies().toArray(String[]::new)));
        auth.add("metadata", meta(t.meta()));
        auth.addProperty("lease_duration", leaseDuration);
        auth.addProperty("renewable", true);
        auth.addProperty("entity_id", t.entityId());
        auth.addProperty("token_type", "service");
        auth.addProperty("orphan", t.path().endsWith("/login"));
        auth.add("mfa_requirement", JsonNull.INSTANCE);
        auth.addProperty("num_uses", t.usesLeft().get());
        return auth;
    }

    /** Go's time.Duration.String for whole seconds, without zero parts, as Vault's humanDuration prints it. */
    private static String human(long s) {
        return (s >= 3600 ? s / 3600 + "h" : "") + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "")
                + (s % 60 > 0 || s == 0 ? s % 60 + "s" : "");
    }

    private static JsonElement meta(Map<String, String> meta) {
        if (meta == null || meta.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        new TreeMap<>(meta).forEach(o::addProperty);
        return o;
    }

    private Reply create(Call call) {
        JsonObject data = call.data();
        TreeSet<String> policies = new TreeSet<>();
        if (data.get("policies") instanceof JsonArray a) {
            a.forEach(e -> policies.add(e.getAsString()));
        }
        boolean noDefault = data.has("no_default_policy") && data.get("no_default_policy").getAsBoolean();
        if (!noDefault) {
            policies.add("default");
        }
        if (policies.contains("root") && !call.token().root()) {
            return Reply.errors(400, "root tokens may not be created without parent token being root");
        }
        long ttl = FakeSys.seconds(data.get("ttl"), Mount.SYSTEM_DEFAULT_TTL);
        long explicitMax = FakeSys.seconds(data.get("explicit_max_ttl"), 0);
        if (explicitMax > 0 && ttl > explicitMax) {
            ttl = explicitMax;
        }
        int numUses = data.has("num_uses") ? data.get("num_uses").getAsInt() : 0;
        if (numUses < 0) {
            return Reply.errors(400, "number of uses cannot be negative");
        }
        Map<String, String> meta = null;
        if (data.get("meta") instanceof JsonObject m) {
            meta = new TreeMap<>();
            for (var e : m.entrySet()) {
                meta.put(e.getKey(), e.getValue().isJsonNull() ? "" : e.getValue().getAsString());
            }
        }
        String name = "token";
        String given = call.string("display_name", "");
        if (!given.isEmpty()) {
            // Vault: "token-" + name, runs of characters outside [a-zA-Z0-9-] replaced by "-", one trailing "-" dropped.
            name = ("token-" + given).replaceAll("[^a-zA-Z0-9-]+", "-");
            if (name.endsWith("-")) {
                name = name.substring(0, name.length() - 1);
            }
        }
        FakeAcl.Token t = acl.createToken(List.copyOf(policies), name, ttl, meta, explicitMax, numUses);
        JsonObject auth = auth(t, ttl);
        return Reply.json(200, Reply.envelope(null, null, auth, "token", 0), true);
    }
}
