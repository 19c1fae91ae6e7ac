package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/** The mount tools. */
final class SysTools {

    void register(Map<String, ToolHandler> handlers) {
        handlers.put("list_mounts", this::listMounts);
    }

    private ToolResult listMounts(Args args, Vault vault) throws VaultException {
        VaultResponse answer = vault.get(VaultPath.of("sys", "mounts"));
        JsonObject table;
        if (answer.status() == 403) {
            // A token without read on sys/mounts still sees the mounts it may use here.
            JsonElement secret = vault.get(VaultPath.of("sys", "internal", "ui", "mounts")).data().get("secret");
            table = secret != null && secret.isJsonObject() ? secret.getAsJsonObject() : new JsonObject();
        } else {
            table = answer.data();
        }
        Map<String, JsonObject> sorted = new TreeMap<>();
        for (var entry : table.entrySet()) {
            if (entry.getValue().isJsonObject()) {
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
        mount.addProperty("type", KvMounts.text(entry.get("type")));
        mount.addProperty("description", KvMounts.text(entry.get("description")));
        JsonObject config = entry.get("config") instanceof JsonObject c ? c : new JsonObject();
        mount.addProperty("default_lease_ttl", number(config.get("default_lease_ttl")));
        mount.addProperty("max_lease_ttl", number(config.get("max_lease_ttl")));
        if ("kv".equals(KvMounts.text(entry.get("type")))) {
            JsonElement options = entry.get("options");
            boolean v2 = options instanceof JsonObject o && "2".equals(KvMounts.text(o.get("version")));
            mount.addProperty("kv_version", v2 ? 2 : 1);
        }
        return mount;
    }

    static long number(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsLong() : 0;
    }
}
