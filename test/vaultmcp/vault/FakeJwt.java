package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import vaultmcp.vault.Call.Op;

/**
 * A JWT auth method of FakeVault (sys/auth type jwt): config (jwt_validation_pubkeys in PEM, bound_issuer),
 * role/NAME (role_type, bound_audiences, user_claim, token_policies, token_ttl) and login, which checks what
 * Vault 1.21's plugin checks, in its order and with its error texts (hashicorp/cap's validator): the
 * signature with the configured keys (RS256, ES256), iss, aud, the time claims (60 s of clock skew), the
 * user claim. A login makes a token of the role's policies (plus default) for one entity per
 * user-claim value, as Vault's identity store does.
 */
final class FakeJwt implements Mount.Engine {
    private static final long LEEWAY = 60;
    private final FakeAcl acl;
    private final List<PublicKey> keys = new ArrayList<>();
    private final Map<String, JsonObject> roles = new ConcurrentHashMap<>();
    private final Map<String, String> entities = new ConcurrentHashMap<>();
    private String boundIssuer = "";
    private boolean configured;

    FakeJwt(FakeAcl acl) {
        this.acl = acl;
    }

    @Override
    public Reply handle(Call call) {
        if (call.op() != Op.WRITE) {
            return Reply.unsupportedOperation();
        }
        if (call.path().equals("config")) {
            return config(call);
        }
        if (call.path().startsWith("role/")) {
            String roleType = call.string("role_type", "oidc");
            if (!roleType.equals("jwt") && !roleType.equals("oidc")) {
                return Reply.errors(400, "invalid 'role_type': " + roleType);
            }
            if (call.string("user_claim", "").isEmpty()) {
                return Reply.errors(400, "a user claim must be defined on the role");
            }
            roles.put(call.path().substring("role/".length()), call.data().deepCopy());
            return Reply.noContent();
        }
        return call.path().equals("login") ? login(call) : Reply.unsupportedPath();
    }

    private Reply config(Call call) {
        List<PublicKey> parsed = new ArrayList<>();
        for (String pem : strings(call.data().get("jwt_validation_pubkeys"))) {
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            try {
                byte[] der = Base64.getDecoder().decode(body);
                parsed.add(key(der));
            } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
                return Reply.errors(400,
                        "error parsing public key: data does not contain any valid RSA or ECDSA public keys");
            }
        }
        if (parsed.isEmpty()) {
            return Reply.errors(400, "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs'"
                    + " or 'oidc_discovery_url' must be set");
        }
        synchronized (this) {
            keys.clear();
            keys.addAll(parsed);
            boundIssuer = call.string("bound_issuer", "");
            configured = true;
        }
        return Reply.noContent();
    }

    private static PublicKey key(byte[] der) throws java.security.GeneralSecurityException {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException e) {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
    }

    private synchronized Reply login(Call call) {
        if (!configured) {
            return Reply.errors(400, "could not load configuration");
        }
        String roleName = call.string("role", "");
        if (roleName.isEmpty()) {
            return Reply.errors(400, "missing role");
        }
        JsonObject role = roles.get(roleName);
        if (role == null) {
            return Reply.errors(400, "role \"" + roleName + "\" could not be found");
        }
        if (!"jwt".equals(role.has("role_type") ? role.get("role_type").getAsString() : "oidc")) {
            return Reply.errors(400, "role with oidc role_type is not allowed");
        }
        String jwt = call.string("jwt", "");
        if (jwt.isEmpty()) {
            return Reply.errors(400, "missing token");
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return invalid("error verifying token signature: "
                    + "go-jose/go-jose: compact JWS format must have three parts");
        }
        JsonObject header = decode(parts[0]);
        JsonObject claims = decode(parts[1]);
        if (header == null || claims == null) {
            return invalid("error verifying token signature: illegal base64 data at input byte 0");
        }
        String alg = header.has("alg") ? header.get("alg").getAsString() : "";
        if (!verified(alg, parts)) {
            return invalid("error verifying token signature: no known key successfully validated the token signature");
        }
        if (!boundIssuer.isEmpty() && !boundIssuer.equals(string(claims, "iss"))) {
            return invalid("invalid issuer (iss) claim");
        }
        JsonElement aud = claims.get("aud");
        List<String> audiences = aud != null && aud.isJsonPrimitive() ? List.of(aud.getAsString()) : strings(aud);
        List<String> bound = strings(role.get("bound_audiences"));
        if (!bound.isEmpty() && bound.stream().noneMatch(audiences::contains)) {
            return invalid("invalid audience (aud) claim: audience claim does not match any expected audience");
        }
        long now = System.currentTimeMillis() / 1000;
        long iat = number(claims, "iat");
        long exp = number(claims, "exp");
        long nbf = number(claims, "nbf");
        if (iat == 0 && exp == 0 && nbf == 0) {
            return invalid("no issued at (iat), not before (nbf), or expiration time (exp) claims in token");
        }
        // A missing exp or nbf is derived from the others with a 150 s leeway; then each has a 60 s clock skew.
        exp = exp != 0 ? exp : Math.max(iat, nbf) + 150;
        nbf = nbf != 0 ? nbf : iat != 0 ? iat : exp - 150;
        if (now + LEEWAY < nbf) {
            return invalid("invalid not before (nbf) claim: token not yet valid");
        }
        if (now - LEEWAY > exp) {
            return invalid("invalid expiration time (exp) claim: token is expired");
        }
        if (iat != 0 && now + LEEWAY < iat) {
            return invalid("invalid issued at (iat) claim: token issued in the future");
        }
        if (bound.isEmpty() && !audiences.isEmpty()) {
            return Reply.errors(400, "audience claim found in JWT but no audiences bound to the role");
        }
        String userClaim = role.get("user_claim").getAsString();
        String user = string(claims, userClaim);
        if (user == null) {
            return Reply.errors(400, "claim \"" + userClaim + "\" not found in token");
        }
        return issue(call, roleName, role, user);
    }

    private Reply issue(Call call, String roleName, JsonObject role, String user) {
        TreeSet<String> policies = new TreeSet<>(strings(role.get("token_policies")));
        policies.add("default");
        long ttl = FakeSys.seconds(role.get("token_ttl"), call.mount().effectiveDefaultTtl());
        String name = call.mount().path().substring("auth/".length()).replace('/', '-') + user; // "jwt-alice"
        FakeAcl.Token t = acl.createToken(List.copyOf(policies), name, ttl, Map.of("role", roleName), 0, 0);
        JsonObject auth = new JsonObject();
        auth.addProperty("client_token", t.id());
        auth.addProperty("accessor", t.accessor());
        auth.add("policies", Reply.strings(policies.toArray(String[]::new)));
        auth.add("token_policies", Reply.strings(policies.toArray(String[]::new)));
        JsonObject meta = new JsonObject();
        meta.addProperty("role", roleName);
        auth.add("metadata", meta);
        auth.addProperty("lease_duration", ttl);
        auth.addProperty("renewable", true);
        auth.addProperty("entity_id", entities.computeIfAbsent(user, u -> UUID.randomUUID().toString()));
        auth.addProperty("token_type", "service");
        auth.addProperty("orphan", true);
        auth.add("mfa_requirement", JsonNull.INSTANCE);
        auth.addProperty("num_uses", 0);
        return Reply.json(200, Reply.envelope(null, null, auth, "", 0), true); // a login's mount_type is empty
    }

    private boolean verified(String alg, String[] parts) {
        String algorithm = switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format";
            default -> null;
        };
        for (PublicKey key : keys) {
            if (algorithm == null || key instanceof ECPublicKey != alg.startsWith("ES")) {
                continue;
            }
            try {
                Signature s = Signature.getInstance(algorithm);
                s.initVerify(key);
                s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                if (s.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                    return true;
                }
            } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
                // not this key
            }
        }
        return false;
    }

    private static Reply invalid(String reason) {
        return Reply.errors(400, "error validating token: " + reason);
    }

    private static JsonObject decode(String part) {
        try {
            return FakeVault.parseObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A string claim, or null. */
    private static String string(JsonObject claims, String name) {
        JsonElement e = claims.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static long number(JsonObject claims, String name) {
        JsonElement e = claims.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsLong() : 0;
    }

    /** Strings given as a JSON array or a comma-separated string (Vault's TypeCommaStringSlice). */
    private static List<String> strings(JsonElement e) {
        List<String> out = new ArrayList<>();
        if (e instanceof JsonArray a) {
            a.forEach(x -> out.add(x.getAsString()));
        } else if (e != null && e.isJsonPrimitive() && !e.getAsString().isEmpty()) {
            for (String s : e.getAsString().split(",")) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
