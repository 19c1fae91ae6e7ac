package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * The PKI tools: list and read issuers and roles (a mount without any gives an empty list), and the
 * privileged create_pki_role, delete_pki_role, issue_pki_certificate and create_pki_issuer. A new
 * certificate's private key is never put where the model reads it (structuredContent or the main
 * text): it travels only in a content block for the user.
 *
 * <p>create_pki_issuer makes a root CA, or an intermediate CA signed by an issuer of another PKI mount.
 * Keys are generated inside Vault ("internal") and never leave it. Unlike the Go server, the
 * intermediate is signed by the root_issuer asked for, gets the issuer_name asked for, and a
 * response without ca_chain is no crash. The mount's certificate and CRL URLs point at the
 * configured Vault address, never at anything from the request.
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
        return ToolResult.json(out, "role", answer.dataOrEmpty().size() > 0 ? answer.dataOrEmpty() : body);
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
        out.add("ca_chain", Field.strings(data.get("ca_chain") instanceof JsonArray listed
                ? listed.asList().stream().map(Field::text).toList() : List.of()));
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

    static ToolResult createIssuer(Args args, Guard vault) throws ToolException, VaultException {
        String mount = vault.named("mount");
        boolean intermediate = !args.string("root_mount").isEmpty();
        if (!intermediate && !args.string("root_issuer").isEmpty()) {
            throw new ToolException("Invalid arguments: \"root_issuer\" names an issuer of \"root_mount\"; "
                    + "give root_mount too, or leave root_issuer out to create a root CA.");
        }
        configureUrls(vault);
        JsonObject out = vault.located("mount");
        out.addProperty("kind", intermediate ? "intermediate" : "root");
        if (intermediate) {
            intermediate(args, vault, mount, out);
        } else {
            VaultResponse answer = vault.send("POST {mount}/root/generate/internal",
                    args.copy("common_name", "issuer_name", "ttl"));
            JsonObject data = answer.data();
            warnings(out, answer);
            String certificate = Field.text(data.get("certificate"));
            out.addProperty("issuer_id", Field.text(data.get("issuer_id")));
            out.addProperty("issuer_name", args.string("issuer_name"));
            out.addProperty("certificate", certificate);
            out.add("ca_chain", Pem.certificates(certificate));
            out.addProperty("serial_number", Field.text(data.get("serial_number")));
        }
        return ToolResult.json(out);
    }

    private static void intermediate(Args args, Guard vault, String mount, JsonObject out)
            throws ToolException, VaultException {
        String root = vault.named("root_mount");
        JsonObject request = args.copy("common_name");
        String csr = Field.text(vault.send("POST {mount}/intermediate/generate/internal", request).data().get("csr"));
        if (csr.isEmpty()) {
            throw new ToolException("Vault returned no certificate request for the intermediate in mount \""
                    + mount + "\".");
        }
        String signer = args.string("root_issuer").isEmpty() ? "POST {root_mount}/root/sign-intermediate"
                : "POST {root_mount}/issuer/{root_issuer}/sign-intermediate";
        JsonObject sign = args.copy("ttl", "common_name");
        sign.addProperty("csr", csr);
        sign.addProperty("format", "pem_bundle");
        VaultResponse answer = vault.send(signer, sign);
        JsonObject signed = answer.data();
        warnings(out, answer);
        // The signed certificate first, then its parents; Vault may list a parent in several fields.
        Set<String> chain = new LinkedHashSet<>();
        Pem.certificates(Field.text(signed.get("certificate"))).forEach(p -> chain.add(p.getAsString()));
        if (signed.get("ca_chain") instanceof JsonArray parents) {
            parents.forEach(p -> Pem.certificates(Field.text(p)).forEach(q -> chain.add(q.getAsString())));
        }
        Pem.certificates(Field.text(signed.get("issuing_ca"))).forEach(p -> chain.add(p.getAsString()));
        if (chain.isEmpty()) {
            throw new ToolException("Mount \"" + root + "\" returned no signed certificate for the intermediate.");
        }
        JsonObject set = new JsonObject();
        set.addProperty("certificate", String.join("\n", chain));
        JsonObject imported = vault.send("POST {mount}/intermediate/set-signed", set).data();
        String id = importedIssuer(imported);
        if (id.isEmpty()) {
            throw new ToolException("Mount \"" + mount + "\" did not import the signed intermediate as a new issuer; "
                    + "call {tool:list_pki_issuers} to see its issuers.");
        }
        vault.answer("issuer_id", id);
        VaultResponse named = vault.send("POST {mount}/issuer/{answer:issuer_id}", args.copy("issuer_name"));
        if (named.status() >= 400) {
            throw new ToolException("The intermediate was imported into mount \"" + mount + "\" as issuer " + id
                    + ", but naming it \"" + args.string("issuer_name") + "\" failed: " + named.failure().getMessage());
        }
        out.addProperty("issuer_id", id);
        out.addProperty("issuer_name", args.string("issuer_name"));
        out.addProperty("certificate", chain.iterator().next());
        out.add("ca_chain", Field.strings(chain));
        out.addProperty("serial_number", Field.text(signed.get("serial_number")));
    }

    /** Vault's warnings (such as a TTL capped at the mount's max_ttl) are worth passing on. */
    private static void warnings(JsonObject out, VaultResponse answer) {
        if (!answer.warnings().isEmpty()) {
            out.add("warnings", Field.strings(answer.warnings()));
        }
    }

    /** The issuer that set-signed created with our key: mapped to a key id (parents come without one). */
    private static String importedIssuer(JsonObject imported) {
        if (imported.get("mapping") instanceof JsonObject mapping) {
            for (var entry : mapping.entrySet()) {
                if (!Field.text(entry.getValue()).isEmpty()) {
                    return entry.getKey();
                }
            }
        }
        return imported.get("imported_issuers") instanceof JsonArray ids && ids.size() > 0
                ? Field.text(ids.get(0)) : "";
    }

    private static void configureUrls(Guard vault) throws ToolException, VaultException {
        String base = vault.url("mount");
        JsonObject urls = new JsonObject();
        urls.add("issuing_certificates", Field.strings(List.of(base + "/ca")));
        urls.add("crl_distribution_points", Field.strings(List.of(base + "/crl")));
        vault.send("POST {mount}/config/urls", urls).ok();
    }
}
