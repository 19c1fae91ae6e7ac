package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import vaultmcp.vault.Call.Op;

/**
 * The PKI engine's shapes (vault-api.md 3.6): issuers (list, read by id, name or "default"), root
 * and intermediate generation, signing an intermediate, set-signed, renaming an issuer, config/urls,
 * roles and issue.
 * The JDK cannot build certificates and BouncyCastle is not allowed, so the PEM texts are canned
 * (resources under pki/, see its README): the shapes are real, the certificates do not match the
 * names asked for. Serials of issued leaves are random.
 */
final class FakePki implements Mount.Engine {
    static final String ROOT_PEM = resource("root.pem");
    static final String INTERMEDIATE_PEM = resource("intermediate.pem");
    static final String INTERMEDIATE_CSR = resource("intermediate.csr");
    static final String LEAF_PEM = resource("leaf.pem");
    static final String LEAF_KEY = resource("leaf.key");
    private static final String AIA_WARNING = "This mount hasn't configured any authority information access (AIA) fields; "
            + "this may make it harder for systems to find missing certificates in the chain or to validate revocation "
            + "status of certificates. Consider updating /config/urls or the newly generated issuer with this information.";
    private static final String AIA_INTERMEDIATE_WARNING = AIA_WARNING + " Since this certificate is an intermediate, it might be "
            + "useful to regenerate this certificate after fixing this problem for the root mount.";

    private record Issuer(String id, String name, String keyId, String pem, List<String> chain) {}

    private final Map<String, Issuer> issuers = new LinkedHashMap<>();
    private final TreeMap<String, JsonObject> roles = new TreeMap<>();
    private final TreeMap<String, String> certs = new TreeMap<>();
    private String defaultIssuer;
    private String pendingKeyId;
    private JsonObject urls = urls(new JsonObject());

    @Override
    public Reply handle(Call call) {
        String p = call.path();
        Op op = call.op();
        if (p.equals("issuers/") && op == Op.LIST) {
            return listIssuers(call);
        }
        if (p.startsWith("issuer/")) {
            String rest = p.substring("issuer/".length());
            if (rest.endsWith("/sign-intermediate") && op == Op.WRITE) {
                return signIntermediate(call, rest.substring(0, rest.length() - "/sign-intermediate".length()));
            }
            if (op == Op.READ && !rest.contains("/")) {
                Issuer issuer = resolve(rest);
                return issuer == null ? unknownIssuer(rest) : call.ok(issuerData(issuer));
            }
            if (op == Op.WRITE && !rest.contains("/")) {
                return updateIssuer(call, rest);
            }
            return Reply.unsupportedPath();
        }
        if (op == Op.WRITE) {
            switch (p) {
                case "root/generate/internal", "root/generate/exported",
                     "issuers/generate/root/internal", "issuers/generate/root/exported" -> {
                    return generateRoot(call, p.endsWith("exported"));
                }
                case "intermediate/generate/internal", "intermediate/generate/exported",
                     "issuers/generate/intermediate/internal", "issuers/generate/intermediate/exported" -> {
                    return generateIntermediate(call, p.endsWith("exported"));
                }
                case "root/sign-intermediate" -> {
                    return signIntermediate(call, "default");
                }
                case "intermediate/set-signed" -> {
                    return setSigned(call);
                }
                case "revoke" -> {
                    return revoke(call);
                }
                default -> { }
            }
        }
        if (p.equals("config/urls")) {
            if (op == Op.WRITE) {
                urls = urls(call.data());
                return call.ok(urls.deepCopy());
            }
            return op == Op.READ ? call.ok(urls.deepCopy()) : Reply.unsupportedOperation();
        }
        if (p.equals("roles/") && op == Op.LIST) {
            return call.keys(roles.keySet());
        }
        if (p.startsWith("roles/")) {
            return role(call, p.substring("roles/".length()));
        }
        if (p.startsWith("issue/") && op == Op.WRITE) {
            return issue(call, p.substring("issue/".length()));
        }
        if (p.equals("certs/") && op == Op.LIST) {
            return call.keys(certs.keySet());
        }
        if (p.startsWith("cert/") && op == Op.READ) {
            String pem = certs.get(p.substring("cert/".length()));
            if (pem == null) {
                return Reply.notFound();
            }
            JsonObject d = new JsonObject();
            d.addProperty("certificate", pem);
            d.addProperty("revocation_time", 0);
            return call.ok(d);
        }
        return Reply.unsupportedPath();
    }

    private Reply listIssuers(Call call) {
        if (issuers.isEmpty()) {
            return Reply.notFound();
        }
        JsonArray keys = new JsonArray();
        JsonObject info = new JsonObject();
        for (Issuer i : issuers.values()) {
            keys.add(i.id());
            JsonObject e = new JsonObject();
            e.addProperty("is_default", i.id().equals(defaultIssuer));
            e.addProperty("issuer_name", i.name());
            e.addProperty("key_id", i.keyId());
            e.addProperty("serial_number", serial(i.pem()));
            info.add(i.id(), e);
        }
        JsonObject d = new JsonObject();
        d.add("key_info", info);
        d.add("keys", keys);
        return call.ok(d);
    }

    private Issuer resolve(String ref) {
        if (ref.equals("default")) {
            return defaultIssuer == null ? null : issuers.get(defaultIssuer);
        }
        Issuer byId = issuers.get(ref);
        if (byId != null) {
            return byId;
        }
        return issuers.values().stream().filter(i -> !i.name().isEmpty() && i.name().equals(ref)).findFirst().orElse(null);
    }

    /** POST issuer/<ref>: only issuer_name is modelled (what our tools change); a name is unique per mount. */
    private Reply updateIssuer(Call call, String ref) {
        Issuer issuer = resolve(ref);
        if (issuer == null) {
            return unknownIssuer(ref);
        }
        String name = call.string("issuer_name", issuer.name());
        Issuer holder = name.isEmpty() ? null : resolve(name);
        if (holder != null && !holder.id().equals(issuer.id())) {
            return Reply.errors(400, "issuer name already in use");
        }
        Issuer renamed = new Issuer(issuer.id(), name, issuer.keyId(), issuer.pem(), issuer.chain());
        issuers.put(issuer.id(), renamed);
        return call.ok(issuerData(renamed));
    }

    private static Reply unknownIssuer(String ref) {
        return Reply.multi(500, "unable to find PKI issuer for reference: " + ref);
    }

    private JsonObject issuerData(Issuer i) {
        JsonObject d = new JsonObject();
        d.add("ca_chain", Reply.strings(i.chain().toArray(String[]::new)));
        d.addProperty("certificate", i.pem());
        d.add("crl_distribution_points", new JsonArray());
        d.add("delta_crl_distribution_points", new JsonArray());
        d.addProperty("enable_aia_url_templating", false);
        d.addProperty("issuer_id", i.id());
        d.addProperty("issuer_name", i.name());
        d.add("issuing_certificates", new JsonArray());
        d.addProperty("key_id", i.keyId());
        d.addProperty("leaf_not_after_behavior", "err");
        d.add("manual_chain", JsonNull.INSTANCE);
        d.add("ocsp_servers", new JsonArray());
        d.addProperty("revocation_signature_algorithm", "SHA256WithRSA");
        d.addProperty("revoked", false);
        d.addProperty("usage", "crl-signing,issuing-certificates,ocsp-signing,read-only");
        return d;
    }

    private Reply generateRoot(Call call, boolean exported) {
        String cn = call.string("common_name");
        if (cn == null || cn.isEmpty()) {
            return Reply.errors(400, "the common_name field is required, or must be provided in a CSR with \"use_csr_common_name\" "
                    + "set to true, unless \"exclude_cn_from_sans\" is set to true");
        }
        String name = call.string("issuer_name", "");
        if (!name.isEmpty() && resolve(name) != null) {
            return Reply.errors(400, "issuer name already in use");
        }
        Issuer issuer = addIssuer(name, UUID.randomUUID().toString(), ROOT_PEM, List.of(ROOT_PEM));
        JsonObject d = new JsonObject();
        d.addProperty("certificate", ROOT_PEM);
        d.addProperty("expiration", expiration(ROOT_PEM));
        d.addProperty("issuer_id", issuer.id());
        d.addProperty("issuer_name", issuer.name());
        d.addProperty("issuing_ca", ROOT_PEM);
        d.addProperty("key_id", issuer.keyId());
        d.addProperty("key_name", call.string("key_name", ""));
        if (exported) {
            d.addProperty("private_key", LEAF_KEY);
            d.addProperty("private_key_type", "rsa");
        }
        d.addProperty("serial_number", serial(ROOT_PEM));
        return call.ok(d, Reply.strings(AIA_WARNING));
    }

    private Issuer addIssuer(String name, String keyId, String pem, List<String> chain) {
        Issuer issuer = new Issuer(UUID.randomUUID().toString(), name, keyId, pem, chain);
        issuers.put(issuer.id(), issuer);
        certs.put(serial(pem), pem);
        if (defaultIssuer == null) {
            defaultIssuer = issuer.id();
        }
        return issuer;
    }

    private Reply generateIntermediate(Call call, boolean exported) {
        String cn = call.string("common_name");
        if (cn == null || cn.isEmpty()) {
            return Reply.errors(400, "the common_name field is required, or must be provided in a CSR with \"use_csr_common_name\" "
                    + "set to true, unless \"exclude_cn_from_sans\" is set to true");
        }
        pendingKeyId = UUID.randomUUID().toString();
        JsonObject d = new JsonObject();
        d.addProperty("csr", INTERMEDIATE_CSR);
        d.addProperty("key_id", pendingKeyId);
        if (exported) {
            d.addProperty("private_key", LEAF_KEY);
            d.addProperty("private_key_type", "rsa");
        }
        return call.ok(d, Reply.strings(AIA_INTERMEDIATE_WARNING));
    }

    private Reply signIntermediate(Call call, String ref) {
        Issuer issuer = resolve(ref);
        if (issuer == null) {
            return Reply.multi(500, "could not fetch the CA certificate (was one set?): unable to find PKI issuer for reference: " + ref);
        }
        String csr = call.string("csr");
        if (csr == null || !csr.contains("BEGIN CERTIFICATE REQUEST")) {
            return Reply.errors(400, "certificate request could not be parsed");
        }
        List<String> chain = new ArrayList<>();
        chain.add(INTERMEDIATE_PEM);
        chain.addAll(issuer.chain());
        certs.put(serial(INTERMEDIATE_PEM), INTERMEDIATE_PEM);
        JsonObject d = new JsonObject();
        d.add("ca_chain", Reply.strings(chain.toArray(String[]::new)));
        d.addProperty("certificate", INTERMEDIATE_PEM);
        d.addProperty("expiration", expiration(INTERMEDIATE_PEM));
        d.addProperty("issuing_ca", issuer.pem());
        d.addProperty("serial_number", serial(INTERMEDIATE_PEM));
        return call.ok(d);
    }

    private Reply setSigned(Call call) {
        String pem = call.string("certificate");
        if (pem == null || !pem.contains("BEGIN CERTIFICATE")) {
            return Reply.errors(400, "no data found in PEM block");
        }
        String keyId = pendingKeyId == null ? UUID.randomUUID().toString() : pendingKeyId;
        pendingKeyId = null;
        Issuer issuer = addIssuer("", keyId, INTERMEDIATE_PEM, List.of(INTERMEDIATE_PEM, ROOT_PEM));
        JsonObject mapping = new JsonObject();
        mapping.addProperty(issuer.id(), keyId);
        JsonObject d = new JsonObject();
        d.add("existing_issuers", JsonNull.INSTANCE);
        d.add("existing_keys", JsonNull.INSTANCE);
        d.add("imported_issuers", Reply.strings(issuer.id()));
        d.add("imported_keys", JsonNull.INSTANCE);
        d.add("mapping", mapping);
        return call.ok(d, Reply.strings(AIA_WARNING));
    }

    private Reply role(Call call, String name) {
        if (!name.matches("\\w([\\w.@-]*\\w)?")) {
            return Reply.unsupportedPath();
        }
        switch (call.op()) {
            case READ -> {
                JsonObject r = roles.get(name);
                return r == null ? Reply.notFound() : call.ok(r.deepCopy());
            }
            case WRITE -> {
                JsonObject r = roles.containsKey(name) ? roles.get(name).deepCopy() : defaultRole();
                for (var e : call.data().entrySet()) {
                    if (r.has(e.getKey())) {
                        r.add(e.getKey(), e.getValue() instanceof JsonArray || !r.get(e.getKey()).isJsonArray()
                                ? e.getValue() : Reply.strings(e.getValue().getAsString().split(",")));
                    }
                }
                if (r.get("ttl").isJsonPrimitive() && r.get("ttl").getAsJsonPrimitive().isString()) {
                    r.addProperty("ttl", FakeSys.seconds(r.get("ttl"), 0));
                }
                if (r.get("max_ttl").isJsonPrimitive() && r.get("max_ttl").getAsJsonPrimitive().isString()) {
                    r.addProperty("max_ttl", FakeSys.seconds(r.get("max_ttl"), 0));
                }
                roles.put(name, r);
                return call.ok(r.deepCopy());
            }
            case DELETE -> {
                roles.remove(name);
                return Reply.noContent();
            }
            default -> {
                return Reply.unsupportedOperation();
            }
        }
    }

    /** A role as Vault 1.21 writes it when only the given fields are set. */
    private static JsonObject defaultRole() {
        JsonObject r = new JsonObject();
        for (String f : List.of("allow_any_name", "allow_bare_domains", "allow_glob_domains", "allow_subdomains",
                "allow_token_displayname", "allowed_domains_template", "allowed_uri_sans_template", "basic_constraints_valid_for_non_ca",
                "code_signing_flag", "email_protection_flag", "generate_lease", "no_store", "use_pss")) {
            r.addProperty(f, false);
        }
        for (String f : List.of("allow_ip_sans", "allow_localhost", "allow_wildcard_certificates", "client_flag", "enforce_hostnames",
                "require_cn", "server_flag", "use_csr_common_name", "use_csr_sans")) {
            r.addProperty(f, true);
        }
        for (String f : List.of("allowed_domains", "allowed_other_sans", "allowed_serial_numbers", "allowed_uri_sans", "allowed_user_ids",
                "country", "ext_key_usage", "ext_key_usage_oids", "locality", "organization", "ou", "policy_identifiers",
                "postal_code", "province", "street_address")) {
            r.add(f, new JsonArray());
        }
        r.add("cn_validations", Reply.strings("email", "hostname"));
        r.addProperty("issuer_ref", "default");
        r.addProperty("key_bits", 2048);
        r.addProperty("key_type", "rsa");
        r.add("key_usage", Reply.strings("DigitalSignature", "KeyAgreement", "KeyEncipherment"));
        r.addProperty("max_ttl", 0);
        r.addProperty("not_after", "");
        r.addProperty("not_before_duration", 30);
        r.addProperty("serial_number_source", "json-csr");
        r.addProperty("signature_bits", 256);
        r.addProperty("ttl", 0);
        return FakeSys.sorted(r);
    }

    private Reply issue(Call call, String roleName) {
        JsonObject role = roles.get(roleName);
        if (role == null) {
            return Reply.errors(400, "unknown role: " + roleName);
        }
        String cn = call.string("common_name");
        if (cn == null || cn.isEmpty()) {
            return Reply.errors(400, "the common_name field is required, or must be provided in a CSR with \"use_csr_common_name\" "
                    + "set to true, unless \"exclude_cn_from_sans\" is set to true");
        }
        if (!allowed(role, cn)) {
            return Reply.errors(400, "common name " + cn + " not allowed by this role");
        }
        Issuer issuer = resolve(role.get("issuer_ref").getAsString());
        if (issuer == null) {
            return Reply.multi(500, "no default issuer currently configured");
        }
        String serial = randomSerial();
        certs.put(serial, LEAF_PEM);
        JsonObject d = new JsonObject();
        d.addProperty("authority_key_id", keyId(issuer.pem()));
        d.add("ca_chain", Reply.strings(issuer.chain().toArray(String[]::new)));
        d.addProperty("certificate", LEAF_PEM);
        d.addProperty("expiration", expiration(LEAF_PEM));
        d.addProperty("issuing_ca", issuer.pem());
        d.addProperty("private_key", LEAF_KEY);
        d.addProperty("private_key_type", "rsa");
        d.addProperty("serial_number", serial);
        return call.ok(d);
    }

    private static boolean allowed(JsonObject role, String cn) {
        if (role.get("allow_any_name").getAsBoolean()) {
            return true;
        }
        for (JsonElement e : role.getAsJsonArray("allowed_domains")) {
            String domain = e.getAsString();
            if (cn.equals(domain) && role.get("allow_bare_domains").getAsBoolean()
                    || cn.endsWith("." + domain) && role.get("allow_subdomains").getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    private Reply revoke(Call call) {
        String serial = call.string("serial_number", "");
        if (!certs.containsKey(serial)) {
            return Reply.errors(400, "certificate with serial " + serial + " not found.");
        }
        JsonObject d = new JsonObject();
        d.addProperty("revocation_time", System.currentTimeMillis() / 1000);
        d.addProperty("revocation_time_rfc3339", FakeKv2.now());
        d.addProperty("state", "revoked");
        return call.ok(d);
    }

    private static JsonObject urls(JsonObject in) {
        JsonObject u = new JsonObject();
        for (String k : List.of("crl_distribution_points", "delta_crl_distribution_points", "issuing_certificates", "ocsp_servers")) {
            u.add(k, in.get(k) instanceof JsonArray a ? a.deepCopy() : new JsonArray());
        }
        u.addProperty("enable_templating", in.has("enable_templating") && in.get("enable_templating").getAsBoolean());
        return FakeSys.sorted(u);
    }

    private static String randomSerial() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            b.append(i == 0 ? "" : ":").append(String.format("%02x", ThreadLocalRandom.current().nextInt(i == 0 ? 0x80 : 0x100)));
        }
        return b.toString();
    }

    private static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("canned certificate does not parse", e);
        }
    }

    /** A certificate's serial as Vault writes it: lower-case hex bytes joined by ':'. */
    static String serial(String pem) {
        byte[] bytes = parse(pem).getSerialNumber().toByteArray();
        StringBuilder b = new StringBuilder();
        for (int i = bytes[0] == 0 && bytes.length > 1 ? 1 : 0; i < bytes.length; i++) {
            b.append(b.length() == 0 ? "" : ":").append(String.format("%02x", bytes[i] & 0xff));
        }
        return b.toString();
    }

    /** The subject key identifier of a CA certificate, colon-separated, as authority_key_id of what it signs. */
    private static String keyId(String pem) {
        byte[] ext = parse(pem).getExtensionValue("2.5.29.14"); // OCTET STRING { OCTET STRING keyid }
        if (ext == null || ext.length < 4) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 4; i < ext.length; i++) {
            b.append(b.length() == 0 ? "" : ":").append(String.format("%02x", ext[i] & 0xff));
        }
        return b.toString();
    }

    private static long expiration(String pem) {
        return parse(pem).getNotAfter().getTime() / 1000;
    }

    private static String resource(String name) {
        try (InputStream in = FakePki.class.getResourceAsStream("pki/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource vaultmcp/vault/pki/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
