package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * Vault's system backend, read only: the mounts, the caller's token, what it may do and the health of the
 * cluster (toolset "sys"); ACL policies and auth methods (toolset "policy", off by default: reconnaissance).
 */
final class SysInfoTools {
    /** The fields of lookup-self passed on; never {@code id}, which is the token itself. */
    private static final List<String> TOKEN_FIELDS = List.of("display_name", "policies", "ttl", "expire_time",
            "renewable", "entity_id", "accessor", "type", "creation_time", "explicit_max_ttl", "num_uses", "orphan",
            "path", "meta");
    /** sys/health answers these statuses with data: they are states, not failures. */
    private static final Map<Integer, String> STATES = Map.of(200, "active", 429, "standby",
            472, "disaster recovery secondary", 473, "performance standby", 501, "uninitialized", 503, "sealed");

    static ToolResult listMounts(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.send("GET sys/mounts");
        // A token without read on sys/mounts still sees the mounts it may use here.
        JsonObject table = answer.status() != 403 ? answer.data()
                : Field.object(vault.send("GET sys/internal/ui/mounts").data().get("secret"));
        // A mount the operator's path rules keep every tool out of is left out.
        return ToolResult.json("mounts", Field.array(table.keySet().stream().sorted()
                .filter(name -> table.get(name) instanceof JsonObject)
                .filter(name -> vault.shows(name) || vault.shows("sys/mounts/" + name))
                .map(name -> describeMount(name, table.getAsJsonObject(name))).toList()));
    }

    private static JsonObject describeMount(String name, JsonObject entry) {
        JsonObject mount = new JsonObject();
        mount.addProperty("name", name);
        mount.addProperty("type", Field.text(entry.get("type")));
        mount.addProperty("description", Field.text(entry.get("description")));
        JsonObject config = Field.object(entry.get("config"));
        mount.addProperty("default_lease_ttl", Field.number(config.get("default_lease_ttl")));
        mount.addProperty("max_lease_ttl", Field.number(config.get("max_lease_ttl")));
        if ("kv".equals(Field.text(entry.get("type")))) {
            mount.addProperty("kv_version", Mounts.kvVersion(entry));
        }
        return mount;
    }

    static ToolResult lookupSelf(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject data = vault.send("GET auth/token/lookup-self").data();
        JsonObject out = new JsonObject();
        TOKEN_FIELDS.stream().filter(field -> data.has(field) && !data.get(field).isJsonNull())
                .forEach(field -> out.add(field, data.get(field)));
        if (!out.has("policies")) {
            out.add("policies", new JsonArray());
        }
        return ToolResult.json(out);
    }

    static ToolResult checkCapabilities(Args args, Guard vault) throws ToolException, VaultException {
        List<String> paths = new ArrayList<>();
        for (JsonElement item : args.raw("paths").getAsJsonArray()) {
            paths.add(checked(item.getAsString()));
        }
        List<String> asked = paths.stream().filter(path -> vault.refusal(path) == null).toList();
        JsonObject body = new JsonObject();
        body.add("paths", Field.strings(asked));
        JsonObject data = asked.isEmpty() ? new JsonObject() : vault.send("POST sys/capabilities-self", body).data();
        JsonArray results = new JsonArray();
        for (String path : paths) {
            JsonObject result = new JsonObject();
            result.addProperty("path", path);
            // An older Vault answers a single path under "capabilities" only.
            JsonElement caps = data.get(path) == null && asked.equals(List.of(path)) ? data.get("capabilities")
                    : data.get(path);
            result.add("capabilities", caps instanceof JsonArray list ? list : new JsonArray());
            if (vault.refusal(path) != null) {
                result.addProperty("refused_by", vault.refusal(path));
            }
            results.add(result);
        }
        return ToolResult.json("capabilities", results);
    }

    /** A path as Vault names it, validated like every path; refused with a clear error otherwise. */
    private static String checked(String path) throws ToolException {
        try {
            VaultPath parsed = VaultPath.of().append(path);
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("it names no path");
            }
            return parsed.toString();
        } catch (IllegalArgumentException e) {
            throw new ToolException("Invalid arguments: \"paths\": \"" + Change.quote(path).replace("\"", "")
                    + "\": " + e.getMessage() + ".");
        }
    }

    static ToolResult health(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse health = vault.send("GET sys/health");
        String state = STATES.get(health.status());
        if (state == null) {
            health.ok();
        }
        JsonObject h = Field.object(health.body());
        JsonObject out = new JsonObject();
        out.addProperty("status", health.status());
        out.addProperty("state", state == null ? "unknown" : state);
        for (String field : new String[] {"initialized", "sealed", "standby"}) {
            out.addProperty(field, Field.bool(h.get(field)));
        }
        out.addProperty("version", Field.text(h.get("version")));
        out.addProperty("cluster_name", Field.text(h.get("cluster_name")));
        VaultResponse seal = vault.send("GET sys/seal-status");
        if (seal.status() == 200 && seal.body() != null) {
            JsonObject s = new JsonObject();
            s.addProperty("type", Field.text(seal.body().get("type")));
            for (String field : new String[] {"t", "n", "progress"}) {
                s.addProperty(field, Field.number(seal.body().get(field)));
            }
            out.add("seal", s);
        }
        VaultResponse leader = vault.send("GET sys/leader");
        if (leader.status() == 200 && leader.body() != null) {
            JsonObject l = new JsonObject();
            l.addProperty("ha_enabled", Field.bool(leader.body().get("ha_enabled")));
            l.addProperty("is_self", Field.bool(leader.body().get("is_self")));
            l.addProperty("leader_address", Field.text(leader.body().get("leader_address")));
            out.add("leader", l);
        }
        return ToolResult.json(out);
    }

    static ToolResult listPolicies(Args args, Guard vault) throws ToolException, VaultException {
        return ToolResult.json("policies", vault.send("LIST sys/policies/acl").keys());
    }

    static ToolResult readPolicy(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.send("GET sys/policies/acl/{name}");
        if (answer.notFound()) {
            throw new ToolException("There is no policy \"" + vault.named("name")
                    + "\". Call {tool:list_policies} to see them.");
        }
        JsonObject data = answer.data();
        JsonObject out = new JsonObject();
        out.addProperty("name", Field.text(data.get("name")));
        out.addProperty("policy", Field.text(data.get("policy")));
        return ToolResult.json(out);
    }

    static ToolResult listAuthMethods(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject table = vault.send("GET sys/auth").data();
        return ToolResult.json("methods", Field.array(table.keySet().stream().sorted()
                .filter(name -> table.get(name) instanceof JsonObject)
                .map(name -> describeMethod(name, table.getAsJsonObject(name))).toList()));
    }

    static ToolResult readAuthMethod(Args args, Guard vault) throws ToolException, VaultException {
        String path = vault.named("path") + "/";
        JsonElement entry = vault.send("GET sys/auth").data().get(path);
        if (!(entry instanceof JsonObject method)) {
            throw new ToolException("There is no auth method at \"" + path
                    + "\". Call {tool:list_auth_methods} to see them.");
        }
        return ToolResult.json(describeMethod(path, method), "tune",
                vault.send("GET sys/mounts/auth/{path+}/tune").data());
    }

    private static JsonObject describeMethod(String path, JsonObject method) {
        JsonObject out = new JsonObject();
        out.addProperty("path", path);
        out.addProperty("type", Field.text(method.get("type")));
        out.addProperty("accessor", Field.text(method.get("accessor")));
        out.addProperty("description", Field.text(method.get("description")));
        return out;
    }
}
