package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * The PKI issuer and role tools: list and read issuers and roles (a mount without any gives an empty
 * list), and the privileged create_pki_role, delete_pki_role and issue_pki_certificate. A new
 * certificate's private key is never put where the model reads it (structuredContent or the main
 * text): it travels only in a content block for the user.
 */
final class PkiTools {
    private static final String[] ROLE_FLAGS = {"allow_any_name", "allow_subdomains", "allow_glob_domains",
            "allow_ip_sans"};

    static ToolResult listIssuers(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.send("LIST {mount}/issuers");
        Map<String, JsonObject> byName = new TreeMap<>();
        if (!answer.notFound() && answer.data().get("key_info") instanceof JsonObject info) {
            for (var entry : info.entrySet()) {
                JsonObject issuer = Field.object(entry.getValue()).deepCopy();
                issuer.addProperty("issuer_id", entry.getKey());
                byName.put(Field.text(issuer.get("issuer_name")) + "\0" + entry.getKey(), issuer);
            }
        }
        return ToolResult.json(vault.located("mount"), "issuers", Field.array(byName.values()));
    }

    static ToolResult readIssuer(Args args, Guard vault) throws ToolException, VaultException {
        // Vault resolves an issuer by name, id or "default" itself; no need to scan the list.
        VaultResponse answer = vault.send("GET {mount}/issuer/{issuer_name}");
        if (answer.issuerNotFound()) {
            throw new ToolException("There is no issuer \"" + args.string("issuer_name") + "\" in mount \""
                    + vault.named("mount") + "\". Call {tool:list_pki_issuers} to see the issuers.");
        }
        return ToolResult.json(vault.located("mount"), "issuer", answer.data());
    }

    static ToolResult listRoles(Args args, Guard vault) throws ToolException, VaultException {
        return ToolResult.json(vault.located("mount"), "roles", vault.send("LIST {mount}/roles").keys());
    }

    static ToolResult readRole(Args args, Guard vault) throws ToolException, VaultException {
        VaultResponse answer = vault.send("GET {mount}/roles/{role_name}");
        if (answer.notFound()) {
            throw new ToolException("There is no role \"" + args.string("role_name") + "\" in mount \""
                    + vault.named("mount") + "\". Call {tool:list_pki_roles} to see the roles.");
        }
        return ToolResult.json(vault.located("mount", "role_name"), "role", answer.data());
    }

    static ToolResult createRole(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject body = new JsonObject();
        body.addProperty("issuer_ref", args.string("issuer_name"));
        for (String flag : ROLE_FLAGS) {
            body.addProperty(flag, args.bool(flag));
        }
        body.add("allowed_domains", Field.strings(csv(args.string("allowed_domains"))));
        body.addProperty("max_ttl", args.string("max_ttl"));
        if (args.has("ttl")) {
            body.addProperty("ttl", args.string("ttl"));
        }
        VaultResponse answer = vault.send("POST {mount}/roles/{role_name}", body).ok();
        JsonObject out = vault.located("mount", "role_name");
        // Recent Vault answers with the stored role; older ones with 204, then what was sent is what is stored.
        out.add("role", answer.dataOrEmpty().size() > 0 ? answer.dataOrEmpty() : body);
        return ToolResult.json(out);
    }

    static ToolResult deleteRole(Args args, Guard vault) throws ToolException, VaultException {
        // Vault answers a delete the same whether or not the role existed; look first.
        VaultResponse existing = vault.send("GET {mount}/roles/{role_name}");
        if (existing.notFound()) {
            throw new ToolException("There is no role \"" + args.string("role_name") + "\" in mount \""
                    + vault.named("mount") + "\"; nothing was deleted. Call {tool:list_pki_roles} to see the roles.");
        }
        existing.ok();
        vault.send("DELETE {mount}/roles/{role_name}").ok();
        return ToolResult.json(vault.located("mount", "role_name"));
    }

    static ToolResult issue(Args args, Guard vault) throws ToolException, VaultException {
        JsonObject body = args.copy("common_name", "ttl");
        for (String list : new String[] {"alt_names", "ip_sans"}) {
            String joined = String.join(",", csv(args.string(list)));
            if (!joined.isEmpty()) {
                body.addProperty(list, joined);
            }
        }
        VaultResponse answer = vault.secret("POST {mount}/issue/{role_name}", body);
        if (answer.unknownRole()) {
            throw new ToolException("There is no role \"" + args.string("role_name") + "\" in mount \""
                    + vault.named("mount") + "\". Call {tool:list_pki_roles} to see the roles, "
                    + "or {tool:create_pki_role} to make one.");
        }
        JsonObject data = answer.data();
        JsonObject out = vault.located("mount", "role_name");
        out.addProperty("common_name", args.string("common_name"));
        if (answer.wrapInfo() != null) {
            return Delivery.wrapped(out, answer.wrapInfo());
        }
        out.addProperty("certificate", Field.text(data.get("certificate")));
        out.addProperty("issuing_ca", Field.text(data.get("issuing_ca")));
        JsonArray chain = new JsonArray();
        if (data.get("ca_chain") instanceof JsonArray listed) {
            listed.forEach(c -> chain.add(Field.text(c)));
        }
        out.add("ca_chain", chain);
        out.addProperty("serial_number", Field.text(data.get("serial_number")));
        if (data.get("expiration") instanceof JsonPrimitive expiration && expiration.isNumber()) {
            out.addProperty("expiration", expiration.getAsLong());
        }
        out.addProperty("private_key_type", Field.text(data.get("private_key_type")));
        ToolResult result = ToolResult.json(out);
        String key = Field.text(data.get("private_key"));
        return key.isEmpty() ? result : result.withUserOnly("Private key of the certificate with serial number "
                + Field.text(data.get("serial_number")) + ". Vault does not keep it: store it now.\n" + key);
    }

    /** The items of a comma-separated list, trimmed, empty ones dropped. */
    private static List<String> csv(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
