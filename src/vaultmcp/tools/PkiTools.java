package vaultmcp.tools;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/** The PKI tools that read: issuers and roles. A mount without any gives an empty list. */
final class PkiTools {

    void register(Map<String, ToolHandler> handlers) {
        handlers.put("list_pki_issuers", this::listIssuers);
        handlers.put("read_pki_issuer", this::readIssuer);
        handlers.put("list_pki_roles", this::listRoles);
        handlers.put("read_pki_role", this::readRole);
    }

    private ToolResult listIssuers(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.list("{mount}/issuers");
        Map<String, JsonObject> byName = new TreeMap<>();
        if (!answer.notFound() && answer.data().get("key_info") instanceof JsonObject info) {
            for (var entry : info.entrySet()) {
                JsonObject issuer = Field.object(entry.getValue()).deepCopy();
                issuer.addProperty("issuer_id", entry.getKey());
                byName.put(Field.text(issuer.get("issuer_name")) + "\0" + entry.getKey(), issuer);
            }
        }
        JsonObject out = vault.located("mount");
        out.add("issuers", Field.array(byName.values()));
        return ToolResult.json(out);
    }

    private ToolResult readIssuer(Args args, Guard vault) throws ToolException, VaultException {
        // Vault resolves an issuer by name, id or "default" itself; no need to scan the list.
        VaultResponse answer = vault.get("{mount}/issuer/{issuer_name}");
        if (answer.issuerNotFound()) {
            throw new ToolException("There is no issuer \"" + args.string("issuer_name") + "\" in mount \""
                    + vault.named("mount") + "\". Call {tool:list_pki_issuers} to see the issuers.");
        }
        JsonObject out = vault.located("mount");
        out.add("issuer", answer.data());
        return ToolResult.json(out);
    }

    private ToolResult listRoles(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject out = vault.located("mount");
        out.add("roles", vault.list("{mount}/roles").keys());
        return ToolResult.json(out);
    }

    private ToolResult readRole(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.get("{mount}/roles/{role_name}");
        if (answer.notFound()) {
            throw new ToolException("There is no role \"" + args.string("role_name") + "\" in mount \""
                    + vault.named("mount") + "\". Call {tool:list_pki_roles} to see the roles.");
        }
        JsonObject out = vault.located("mount", "role_name");
        out.add("role", answer.data());
        return ToolResult.json(out);
    }
}
