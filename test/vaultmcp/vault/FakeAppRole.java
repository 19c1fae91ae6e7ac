package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import vaultmcp.vault.Call.Op;

/**
 * The approle auth method of FakeVault: role/NAME (token_ttl, token_max_ttl, token_policies,
 * secret_id_num_uses), role/NAME/role-id, role/NAME/secret-id and login, answered as Vault 1.21 does.
 * A secret id with uses left counts down and is gone after its last one.
 */
final class FakeAppRole implements Mount.Engine {
    /** {@code entityId}: the identity entity Vault makes for the role's logins (its alias is the role id). */
    private record Role(String name, String roleId, long tokenTtl, long tokenMaxTtl, List<String> policies,
            int secretIdUses, String entityId) {}

    private final FakeAcl acl;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    /** Uses left (0: unlimited) by role id and secret id. */
    private final Map<String, AtomicInteger> secretIds = new ConcurrentHashMap<>();

    FakeAppRole(FakeAcl acl) {
        this.acl = acl;
    }

    @Override
    public Reply handle(Call call) {
        String[] part = call.path().split("/");
        Role role = part.length >= 2 && part[0].equals("role") ? roles.get(part[1]) : null;
        if (call.path().equals("login") && call.op() == Op.WRITE) {
            return login(call);
        }
        if (part.length == 2 && part[0].equals("role") && call.op() == Op.WRITE) {
            return writeRole(call, part[1]);
        }
        if (part.length == 3 && role == null) {
            return Reply.errors(400, "role \"" + part[1] + "\" does not exist");
        }
        if (part.length == 3 && part[2].equals("role-id") && call.op() == Op.READ) {
            JsonObject data = new JsonObject();
            data.addProperty("role_id", role.roleId());
            return call.ok(data);
        }
        if (part.length == 3 && part[2].equals("secret-id") && call.op() == Op.WRITE) {
            String id = UUID.randomUUID().toString();
            secretIds.put(role.roleId() + "\0" + id, new AtomicInteger(role.secretIdUses()));
            JsonObject data = new JsonObject();
            data.addProperty("secret_id", id);
            data.addProperty("secret_id_accessor", UUID.randomUUID().toString());
            data.addProperty("secret_id_num_uses", role.secretIdUses());
            data.addProperty("secret_id_ttl", 0);
            return call.ok(data);
        }
        return Reply.unsupportedPath();
    }

    private Reply writeRole(Call call, String name) {
        List<String> policies = new ArrayList<>();
        if (call.data().get("token_policies") instanceof JsonArray a) {
            a.forEach(e -> policies.add(e.getAsString()));
        }
        Role old = roles.get(name);
        roles.put(name, new Role(name, old == null ? UUID.randomUUID().toString() : old.roleId(),
                FakeSys.seconds(call.data().get("token_ttl"), 0), FakeSys.seconds(call.data().get("token_max_ttl"), 0),
                policies, (int) FakeSys.seconds(call.data().get("secret_id_num_uses"), 0),
                old == null ? UUID.randomUUID().toString() : old.entityId()));
        return Reply.noContent();
    }

    private Reply login(Call call) {
        String roleId = call.string("role_id", "");
        String secretId = call.string("secret_id", "");
        if (roleId.isEmpty()) {
            // Vault 1.21 fails resolving the login's alias before the handler can say "missing role_id".
            return Reply.errors(500, "failed to determine alias name from login request");
        }
        Role role = roles.values().stream().filter(r -> r.roleId().equals(roleId)).findFirst().orElse(null);
        if (role == null) {
            return Reply.errors(400, "invalid role or secret ID");
        }
        if (secretId.isEmpty()) {
            return Reply.errors(400, "missing secret_id");
        }
        AtomicInteger uses = secretIds.get(roleId + "\0" + secretId);
        if (uses == null) {
            return Reply.errors(400, "invalid role or secret ID");
        }
        if (uses.get() > 0 && uses.decrementAndGet() == 0) {
            secretIds.remove(roleId + "\0" + secretId);
        }
        TreeSet<String> policies = new TreeSet<>(role.policies());
        policies.add("default");
        long max = role.tokenMaxTtl() > 0 ? role.tokenMaxTtl() : Mount.SYSTEM_DEFAULT_TTL;
        long ttl = Math.min(role.tokenTtl() > 0 ? role.tokenTtl() : Mount.SYSTEM_DEFAULT_TTL, max);
        FakeAcl.Token t = acl.createToken(List.copyOf(policies), call.mount().path().replace("auth/", "")
                .replace("/", ""), call.mount().path() + "login", ttl, Map.of("role_name", role.name()), 0, max, 0,
                role.entityId());
        // Vault 1.21 leaves mount_type empty in a login's answer.
        return Reply.json(200, Reply.envelope(null, null, FakeToken.auth(t, ttl), "", 0), true);
    }
}
