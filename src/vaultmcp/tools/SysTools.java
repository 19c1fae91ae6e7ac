package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/** The mount tools. */
final class SysTools {

    void register(Map<String, ToolHandler> handlers) {
        handlers.put("list_mounts", this::listMounts);
    }

    private ToolResult listMounts(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.get("sys/mounts");
        JsonObject table;
        if (answer.status() == 403) {
            // A token without read on sys/mounts still sees the mounts it may use here.
            JsonElement secret = vault.get("sys/internal/ui/mounts").data().get("secret");
            table = secret != null && secret.isJsonObject() ? secret.getAsJsonObject() : new JsonObject();
        } else {
            table = answer.data();
        }
        Map<String, JsonObject> sorted = new TreeMap<>();
        for (var entry : table.entrySet()) {
            // A mount the operator's path rules keep every tool out of is left out.
            if (entry.getValue().isJsonObject()
                    && (vault.shows(entry.getKey()) || vault.shows("sys/mounts/" + entry.getKey()))) {
                sorted.put(entry.getKey(), describe(entry.getKey(), entry.getValue().getAsJsonObject()));
            }
        }
        JsonArray mounts = new JsonArray();
        sorted.values().forEach(mounts::add);
        JsonObject out = new JsonObject();
        out.add("mounts", mounts);
        return ToolResult.json(out);
    }

    private static JsonObject describe(String name, JsonObject entry) {
        JsonObject mount = new JsonObject();
        mount.addProperty("name", name);
        mount.addProperty("type", Field.text(entry.get("type")));
        mount.addProperty("description", Field.text(entry.get("description")));
        JsonObject config = entry.get("config") instanceof JsonObject c ? c : new JsonObject();
        mount.addProperty("default_lease_ttl", Field.number(config.get("default_lease_ttl")));
        mount.addProperty("max_lease_ttl", Field.number(config.get("max_lease_ttl")));
        if ("kv".equals(Field.text(entry.get("type")))) {
            JsonElement options = entry.get("options");
            boolean v2 = options instanceof JsonObject o && "2".equals(Field.text(o.get("version")));
            mount.addProperty("kv_version", v2 ? 2 : 1);
        }
        return mount;
    }
}
