package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * The privileged mount tools: create_mount, delete_mount, enable_pki. A path already in use is
 * refused by Vault itself in the mounting request ("path is already in use"), so there is no
 * window between a check and the mount, and overlapping paths (a mount inside another) are
 * caught too. Vault answers a delete the same whether or not a mount existed, so delete_mount
 * looks at the mount table first when the token may read it.
 */
final class MountWriteTools {
    static ToolResult createMount(Args args, Guard vault) throws ToolException, VaultException {
        String path = vault.named("path");
        String type = args.string("type");
        JsonObject options = Field.object(args.raw("options")).deepCopy();
        String version = type.equals("kv2") ? "2" : type.equals("kv") ? "1" : null;
        String asked = options.has("version") ? options.get("version").getAsString() : null;
        if (version != null && asked != null && !asked.equals(version)) {
            throw new ToolException("Invalid arguments: options.version \"" + asked + "\" contradicts type \"" + type
                    + "\"; use type \"kv2\" for KV version 2 and \"kv\" for version 1.");
        }
        if (type.equals("kv2")) {
            options.addProperty("version", "2");
        }
        String engine = type.equals("pki") ? "pki" : "kv";
        mount(vault, engine, args.string("description"), options);
        JsonObject out = vault.located("path");
        out.addProperty("type", engine);
        if (version != null) {
            out.addProperty("kv_version", Integer.parseInt(version));
        }
        out.addProperty("description", args.string("description"));
        return ToolResult.json(out);
    }

    static ToolResult deleteMount(Args args, Guard vault) throws ToolException, VaultException {
        String path = vault.named("path");
        JsonObject out = vault.located("path");
        VaultResponse table = vault.send("GET sys/mounts");
        if (table.status() == 403) {
            out.addProperty("existed", "unknown");
            out.addProperty("note", "This token may not read sys/mounts, and Vault answers a delete the same "
                    + "whether or not a mount existed: if there was a mount at \"" + path + "\", it is gone.");
        } else {
            JsonElement entry = table.data().get(path + "/");
            if (!(entry instanceof JsonObject mount)) {
                throw new ToolException("There is no mount \"" + path + "\"; nothing was deleted. "
                        + "Call {tool:list_mounts} to see the mounts.");
            }
            out.addProperty("type", Field.text(mount.get("type")));
            out.addProperty("existed", "yes");
        }
        vault.send("DELETE sys/mounts/{path}").ok();
        return ToolResult.json(out);
    }

    static ToolResult enablePki(Args args, Guard vault) throws ToolException, VaultException {
        String path = vault.named("path");
        String maxTtl = args.string("max_ttl");
        mount(vault, "pki", args.string("description"), new JsonObject());
        JsonObject tune = new JsonObject();
        tune.addProperty("max_lease_ttl", maxTtl);
        try {
            vault.send("POST sys/mounts/{path}/tune", tune).ok();
        } catch (VaultException problem) {
            String undo;
            try {
                vault.send("DELETE sys/mounts/{path}").ok();
                undo = "the new mount was removed again";
            } catch (VaultException e) {
                undo = "removing the new mount failed too (" + e.getMessage() + "), so call {tool:delete_mount} for \""
                        + path + "\"";
            }
            throw new ToolException("Mounted PKI at \"" + path + "\" but could not set max_ttl \"" + maxTtl + "\" ("
                    + problem.getMessage() + "); " + undo + ".");
        }
        JsonObject out = vault.located("path");
        out.addProperty("type", "pki");
        out.addProperty("max_ttl", maxTtl);
        out.addProperty("description", args.string("description"));
        return ToolResult.json(out);
    }

    private static void mount(Guard vault, String type, String description, JsonObject options)
            throws ToolException, VaultException {
        JsonObject body = new JsonObject();
        body.addProperty("type", type);
        body.addProperty("description", description);
        if (options.size() > 0) {
            body.add("options", options);
        }
        VaultResponse answer = vault.send("POST sys/mounts/{path}", body);
        if (answer.pathInUse()) {
            throw new ToolException("Cannot mount at \"" + vault.named("path") + "\": " + answer.quoted()
                    + ". Choose another path ({tool:list_mounts} shows the mounts), or delete that mount first.");
        }
        answer.ok();
    }
}
