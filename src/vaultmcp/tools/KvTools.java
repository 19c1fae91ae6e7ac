package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/** The KV tools: list and read secrets on KV v1 and v2 mounts, the version detected per mount. */
final class KvTools {
    private final KvMounts mounts;

    KvTools(KvMounts mounts) {
        this.mounts = mounts;
    }

    void register(Map<String, ToolHandler> handlers) {
        handlers.put("list_secrets", this::listSecrets);
        handlers.put("read_secret", this::readSecret);
    }

    private ToolResult listSecrets(Args args, Vault vault) throws ToolException, VaultException {
        VaultPath mount = args.mount("mount");
        VaultPath folder = args.path(VaultPath.of(), "path"); // refused before any request, also the version lookup
        int version = mounts.version(vault, mount);
        VaultPath base = version == 2 ? VaultPath.of(mount.toString(), "metadata") : mount;
        VaultResponse answer = vault.list(args.path(base, "path"));
        JsonArray keys = new JsonArray();
        if (answer.status() != 404) {
            JsonElement list = answer.data().get("keys");
            if (list != null && list.isJsonArray()) {
                list.getAsJsonArray().forEach(keys::add);
            }
        } else if (!answer.notFound()) {
            answer.ok();
        }
        JsonObject out = located(mount, folder, version);
        out.add("keys", keys);
        return ToolResult.json(out);
    }

    private ToolResult readSecret(Args args, Vault vault) throws ToolException, VaultException {
        VaultPath mount = args.mount("mount");
        VaultPath path = secret(args);
        int version = mounts.version(vault, mount);
        Long wanted = args.integer("version");
        if (version == 1 && wanted != null) {
            throw new ToolException("\"" + mount + "\" is a KV version 1 mount, which keeps no versions; leave out \"version\".");
        }
        String where = "\"" + path + "\" in mount \"" + mount + "\"";
        VaultResponse answer = version == 2
                ? vault.get(VaultPath.of(mount.toString(), "data").append(path.toString()), wanted == null ? null : "version=" + wanted)
                : vault.get(VaultPath.of(mount.toString()).append(path.toString()));
        JsonObject data = answer.dataOrEmpty();
        if (answer.status() == 404 && data.get("metadata") instanceof JsonObject metadata) {
            boolean destroyed = metadata.has("destroyed") && metadata.get("destroyed").getAsBoolean();
            throw new ToolException("Version " + KvMounts.text(metadata.get("version")) + " of secret " + where + " was "
                    + (destroyed ? "destroyed" : "deleted at " + KvMounts.text(metadata.get("deletion_time")))
                    + " and cannot be read." + (destroyed ? "" : " Ask for an earlier version with \"version\", or have an operator undelete it."));
        }
        if (answer.notFound()) {
            throw new ToolException("There is no secret " + where + (wanted == null ? "" : " with version " + wanted)
                    + ". Call list_secrets to see what exists.");
        }
        answer.ok();
        JsonObject out = located(mount, path, version);
        if (version == 2) {
            out.add("data", data.get("data") instanceof JsonObject d ? d : new JsonObject());
            out.add("metadata", data.get("metadata") instanceof JsonObject m ? m : new JsonObject());
        } else {
            out.add("data", data);
        }
        return ToolResult.json(out);
    }

    /** The "path" argument as a secret below the mount: not empty, never leaving it. */
    static VaultPath secret(Args args) throws ToolException {
        VaultPath path = args.path(VaultPath.of(), "path");
        if (path.isEmpty()) {
            throw new ToolException("Invalid arguments: \"path\" must name a secret, such as \"app/config\".");
        }
        return path;
    }

    static JsonObject located(VaultPath mount, VaultPath path, int version) {
        JsonObject out = new JsonObject();
        out.addProperty("mount", mount.toString());
        out.addProperty("path", path.toString());
        out.addProperty("kv_version", version);
        return out;
    }
}
