package vaultmcp.tools;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * The KV version 2 lifecycle: metadata (read and write), and deleting, undeleting and destroying
 * versions. Each refuses a KV version 1 mount by name.
 */
final class KvVersionTools {
    static ToolResult readMetadata(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject data = metadata(vault, "read_secret_metadata");
        if (data == null) {
            throw new ToolException("There is no secret " + KvTools.where(vault)
                    + ". Call {tool:list_secrets} to see what exists.");
        }
        JsonObject out = vault.located("mount", "path");
        for (String field : new String[] {"current_version", "oldest_version", "max_versions"}) {
            out.addProperty(field, Field.number(data.get(field)));
        }
        out.addProperty("cas_required", Field.bool(data.get("cas_required")));
        for (String field : new String[] {"delete_version_after", "created_time", "updated_time"}) {
            out.addProperty(field, Field.text(data.get(field)));
        }
        out.add("custom_metadata", Field.object(data.get("custom_metadata")));
        Map<Long, JsonObject> sorted = new TreeMap<>();
        for (var entry : Field.object(data.get("versions")).entrySet()) {
            JsonObject v = entry.getValue().getAsJsonObject();
            JsonObject version = new JsonObject();
            version.addProperty("version", Long.parseLong(entry.getKey()));
            version.addProperty("created_time", Field.text(v.get("created_time")));
            version.addProperty("deletion_time", Field.text(v.get("deletion_time")));
            version.addProperty("destroyed", Field.bool(v.get("destroyed")));
            sorted.put(Long.parseLong(entry.getKey()), version);
        }
        return ToolResult.json(out, "versions", Field.array(sorted.values()));
    }

    static ToolResult writeMetadata(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject body = args.copy("max_versions", "cas_required", "delete_version_after", "custom_metadata");
        if (body.size() == 0) {
            throw new ToolException("Invalid arguments: give at least one of max_versions, cas_required, "
                    + "delete_version_after, custom_metadata.");
        }
        JsonObject current = metadata(vault, "write_secret_metadata");
        long kept = current == null ? 0 : Field.number(current.get("max_versions"));
        Long wanted = args.integer("max_versions");
        if (current != null && wanted != null && wanted > 0 && (kept == 0 || wanted < kept)) {
            vault.caution("Lowering max_versions to " + wanted + " makes Vault prune, at the next write, the "
                    + "versions beyond " + wanted + " (it has " + Field.number(current.get("current_version")) + ").");
        }
        vault.send("POST {mount}/metadata/{path+}", body).ok();
        return ToolResult.json(vault.located("mount", "path"), "updated", Field.strings(body.keySet()));
    }

    /** {@code action}: delete, undelete or destroy. */
    static ToolResult versions(Args args, Guard vault, String action) throws ToolException, VaultException {
        version2(vault, action + "_secret_versions");
        if (action.equals("destroy")) {
            vault.caution("Destroyed versions cannot be recovered.");
        }
        vault.send("POST {mount}/" + action + "/{path+}", args.copy("versions")).ok();
        JsonObject out = vault.located("mount", "path");
        out.add("versions", args.raw("versions"));
        out.addProperty("action", action + (action.endsWith("e") ? "d" : "ed"));
        return ToolResult.json(out);
    }

    /** The secret's metadata, or null when there is none; KV v1 is refused. */
    private static JsonObject metadata(Guard vault, String tool) throws ToolException, VaultException {
        version2(vault, tool);
        VaultResponse answer = vault.send("GET {mount}/metadata/{path+}");
        return answer.notFound() ? null : answer.data();
    }

    static void version2(Guard vault, String tool) throws ToolException, VaultException {
        if (vault.kvVersion("mount") != 2) {
            throw new ToolException("\"" + vault.named("mount") + "\" is a KV version 1 mount, which keeps no versions "
                    + "or metadata; " + tool + " needs KV version 2.");
        }
    }
}
