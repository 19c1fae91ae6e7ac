package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/** ACL policies and auth methods, read only: the toolset "policy", off by default (it is reconnaissance). */
final class PolicyTools {

    void register(Map<String, ToolHandler> handlers) {
        handlers.put("list_policies", this::listPolicies);
        handlers.put("read_policy", this::readPolicy);
        handlers.put("list_auth_methods", this::listAuthMethods);
        handlers.put("read_auth_method", this::readAuthMethod);
    }

    private ToolResult listPolicies(Args args, Guard vault) throws ToolException, VaultException {
        return ToolResult.json("policies", vault.list("sys/policies/acl").keys());
    }

    private ToolResult readPolicy(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.get("sys/policies/acl/{name}");
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

    private ToolResult listAuthMethods(Args args, Guard vault) throws ToolException, VaultException {
        Map<String, JsonObject> sorted = new TreeMap<>();
        for (var entry : vault.get("sys/auth").data().entrySet()) {
            if (entry.getValue() instanceof JsonObject method) {
                sorted.put(entry.getKey(), describe(entry.getKey(), method));
            }
        }
        return ToolResult.json("methods", Field.array(sorted.values()));
    }

    private ToolResult readAuthMethod(Args args, Guard vault) throws ToolException, VaultException {
        String path = vault.named("path") + "/";
        JsonElement entry = vault.get("sys/auth").data().get(path);
        if (!(entry instanceof JsonObject method)) {
            throw new ToolException("There is no auth method at \"" + path
                    + "\". Call {tool:list_auth_methods} to see them.");
        }
        JsonObject out = describe(path, method);
        out.add("tune", vault.get("sys/mounts/auth/{path+}/tune").data());
        return ToolResult.json(out);
    }

    private static JsonObject describe(String path, JsonObject method) {
        JsonObject out = new JsonObject();
        out.addProperty("path", path);
        out.addProperty("type", Field.text(method.get("type")));
        out.addProperty("accessor", Field.text(method.get("accessor")));
        out.addProperty("description", Field.text(method.get("description")));
        return out;
    }
}
