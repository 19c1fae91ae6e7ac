package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultResponse;

/**
 * create_pki_issuer: a root CA, or an intermediate CA signed by an issuer of another PKI mount.
 * Keys are generated inside Vault ("internal") and never leave it. Unlike the Go server, the
 * intermediate is signed by the root_issuer asked for, gets the issuer_name asked for, and a
 * response without ca_chain is no crash. The mount's certificate and CRL URLs point at the
 * configured Vault address, never at anything from the request.
 */
final class PkiIssuerTools {
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
