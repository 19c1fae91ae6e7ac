package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import vaultmcp.vault.Call.Op;

/**
 * The auth/token/ engine of FakeVault: lookup-self, revoke-self and create (policies, no_default_policy,
 * ttl, display_name, meta, num_uses, explicit_max_ttl), answered as Vault 1.21 does.
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
            default -> Reply.unsupportedPath();
        };
    }

    private static Reply lookupSelf(FakeAcl.Token t) {
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
        d.addProperty("explicit_max_ttl", t.explicitMaxTtl());
        d.addProperty("id", t.id());
        d.addProperty("issue_time", t.issueTime());
        d.add("meta", meta(t.meta()));
        d.addProperty("num_uses", t.usesLeft().get());
        d.addProperty("orphan", t.root());
        d.addProperty("path", t.path());
        d.add("policies", Reply.strings(t.policies().toArray(String[]::new)));
        d.addProperty("renewable", t.ttl() != 0);
        d.addProperty("ttl", t.ttl() == 0 ? 0 : Math.max(0, expires - System.currentTimeMillis() / 1000));
        d.addProperty("type", "service");
        return Reply.json(200, Reply.envelope(d, null, null, "token", 0), true);
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
        JsonObject auth = new JsonObject();
        auth.addProperty("client_token", t.id());
        auth.addProperty("accessor", t.accessor());
        auth.add("policies", Reply.strings(policies.toArray(String[]::new)));
        auth.add("token_policies", Reply.strings(policies.toArray(String[]::new)));
        auth.add("metadata", meta(meta));
        auth.addProperty("lease_duration", ttl);
        auth.addProperty("renewable", true);
        auth.addProperty("entity_id", "");
        auth.addProperty("token_type", "service");
        auth.addProperty("orphan", false);
        auth.add("mfa_requirement", JsonNull.INSTANCE);
        auth.addProperty("num_uses", numUses);
        return Reply.json(200, Reply.envelope(null, null, auth, "token", 0), true);
    }
}
