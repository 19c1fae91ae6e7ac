package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Map;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/** The KV tools: list and read secrets on KV v1 and v2 mounts, the version detected per mount. */
final class KvTools {

    void register(Map<String, ToolHandler> handlers) {
        handlers.put("list_secrets", this::listSecrets);
        handlers.put("read_secret", this::readSecret);
    }

    private ToolResult listSecrets(Args args, Guard vault) throws ToolException, VaultException {
        int version = vault.kvVersion("mount");
        JsonArray keys = vault.list(version == 2 ? "{mount}/metadata/{path*}" : "{mount}/{path*}").keys();
        String folder = vault.named("mount") + "/" + (vault.named("path").isEmpty() ? "" : vault.named("path") + "/");
        // What the operator's path rules hide is left out.
        keys.asList().removeIf(k -> !vault.shows(folder + Field.text(k)));
        JsonObject out = located(vault, version);
        out.add("keys", keys);
        return ToolResult.json(out);
    }

    private ToolResult readSecret(Args args, Guard vault) throws ToolException, VaultException {
        int version = vault.kvVersion("mount");
        Long wanted = args.integer("version");
        if (version == 1 && wanted != null) {
            throw new ToolException("\"" + vault.named("mount") + "\" is a KV version 1 mount, "
                    + "which keeps no versions; leave out \"version\".");
        }
        VaultResponse answer = version == 2 ? vault.secret("GET", "{mount}/data/{path+}?version={version}", null)
                : vault.secret("GET", "{mount}/{path+}", null);
        JsonObject data = answer.dataOrEmpty();
        if (answer.status() == 404 && data.get("metadata") instanceof JsonObject metadata) {
            boolean destroyed = metadata.has("destroyed") && metadata.get("destroyed").getAsBoolean();
            throw new ToolException("Version " + Field.text(metadata.get("version")) + " of secret " + where(vault)
                    + " was " + (destroyed ? "destroyed" : "deleted at " + Field.text(metadata.get("deletion_time")))
                    + " and cannot be read." + (destroyed ? ""
                            : " Ask for an earlier version with \"version\", or have an operator undelete it."));
        }
        if (answer.notFound()) {
            throw new ToolException("There is no secret " + where(vault) + (wanted == null ? "" : " with version "
                    + wanted) + ". Call {tool:list_secrets} to see what exists.");
        }
        answer.ok();
        JsonObject out = located(vault, version);
        if (answer.wrapInfo() != null) {
            return Delivery.wrapped(out, answer.wrapInfo());
        }
        JsonObject values = version == 1 ? data : Field.object(data.get("data"));
        out.add("data", vault.redacting() ? Delivery.redacted(values) : values);
        if (version == 2) {
            out.add("metadata", Field.object(data.get("metadata")));
        }
        return ToolResult.json(out);
    }

    static JsonObject located(Guard vault, int version) {
        JsonObject out = vault.located("mount", "path");
        out.addProperty("kv_version", version);
        return out;
    }

    /** How messages name the secret of a call: {@code "app/db" in mount "secret"}. */
    static String where(Guard vault) {
        return "\"" + vault.named("path") + "\" in mount \"" + vault.named("mount") + "\"";
    }
}
