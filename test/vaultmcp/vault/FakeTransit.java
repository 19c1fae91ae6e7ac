package vaultmcp.vault;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The transit engine (vault-api.md 3.7, and Vault 1.21's builtin/logical/transit): keys of the
 * community edition's types with real cryptography from the JDK (AES-GCM and ChaCha20-Poly1305 with
 * a 12-byte nonce, Ed25519, ECDSA, RSA), versions, rotation, derived keys, encrypt, decrypt,
 * rewrap, sign, verify and HMAC, with Vault's answers and error texts. Like Vault, encrypt creates a
 * missing key (an aes256-gcm96 one). Derivation and convergent nonces use HMAC-SHA256 rather than
 * Vault's HKDF, and RSA encryption OAEP with SHA-256, so ciphertexts of one server never decrypt on
 * the other; no test needs them to.
 */
final class FakeTransit implements Mount.Engine {
    private static final Set<String> TYPES = Set.of("aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "ed25519",
            "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048", "rsa-3072", "rsa-4096", "hmac");
    private static final Set<String> ENTERPRISE = Set.of("aes128-cmac", "aes192-cmac", "aes256-cmac", "ml-dsa", "hybrid",
            "slh-dsa", "aes128-cbc", "aes256-cbc");
    private static final String NEEDS_CONTEXT = "missing 'context' for key derivation; the key was created using a "
            + "derived key, which means additional, per-request information must be included in order to perform "
            + "operations with the key";
    private static final Map<String, String> HMACS = Map.of("sha2-224", "HmacSHA224", "sha2-256", "HmacSHA256",
            "sha2-384", "HmacSHA384", "sha2-512", "HmacSHA512", "sha3-224", "HmacSHA3-224", "sha3-256", "HmacSHA3-256",
            "sha3-384", "HmacSHA3-384", "sha3-512", "HmacSHA3-512");
    private static final Map<String, String> HASHES = Map.of("sha1", "SHA1", "sha2-224", "SHA224", "sha2-256", "SHA256",
            "sha2-384", "SHA384", "sha2-512", "SHA512", "sha3-224", "SHA3-224", "sha3-256", "SHA3-256", "sha3-384",
            "SHA3-384", "sha3-512", "SHA3-512");

    private final SecureRandom random = new SecureRandom();
    private final TreeMap<String, Key> keys = new TreeMap<>();

    /** One version of a key: the symmetric secret (or the key of an hmac key), its HMAC key, or a key pair. */
    private record Version(byte[] secret, byte[] hmacKey, KeyPair pair, Instant created) {}

    private static final class Key {
        final String type;
        final boolean derived;
        final boolean convergent;
        final JsonObject flags;
        final int size;
        final List<Version> versions = new ArrayList<>();

        Key(String type, boolean derived, boolean convergent, JsonObject flags, int size) {
            this.type = type;
            this.derived = derived;
            this.convergent = convergent;
            this.flags = flags;
            this.size = size;
        }
    }

    /** Vault's 400 with one error, thrown where the check is and answered by {@link #handle}. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Reply reply;

        Refusal(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }

        Refusal(String message) {
            this(Reply.errors(400, message));
        }
    }

    @Override
    public Reply handle(Call call) {
        String[] parts = call.path().split("/");
        try {
            if (call.op() == Call.Op.LIST && call.path().equals("keys/")) {
                return call.keys(keys.keySet());
            }
            if (parts.length == 3 && parts[0].equals("keys") && parts[2].equals("rotate") && call.op() == Call.Op.WRITE) {
                Key key = keys.get(parts[1]);
                if (key == null) {
                    throw new Refusal("key not found");
                }
                key.versions.add(version(key.type, key.size));
                return call.ok(describe(parts[1], key));
            }
            if (parts.length != 2) {
                return Reply.unsupportedPath();
            }
            String name = parts[1];
            if (parts[0].equals("keys") && call.op() == Call.Op.READ) {
                return keys.containsKey(name) ? call.ok(describe(name, keys.get(name))) : Reply.notFound();
            }
            if (call.op() != Call.Op.WRITE) {
                return Reply.unsupportedOperation();
            }
            return switch (parts[0]) {
                case "keys" -> call.ok(describe(name, create(name, call)));
                case "encrypt" -> encrypt(name, call);
                case "decrypt" -> call.ok(object("plaintext", encode(decrypt(need(name, "encryption key not found"),
                        call))));
                case "rewrap" -> rewrap(name, call);
                case "sign" -> sign(need(name, "signing key not found"), call);
                case "verify" -> verify(name, call);
                case "hmac" -> hmac(need(name, "encryption key not found"), call);
                default -> Reply.unsupportedPath();
            };
        } catch (Refusal r) {
            return r.reply;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Key need(String name, String missing) {
        Key key = keys.get(name);
        if (key == null) {
            throw new Refusal(missing);
        }
        return key;
    }

    private Key create(String name, Call call) throws GeneralSecurityException {
        if (keys.containsKey(name)) {
            return keys.get(name); // Vault answers with the existing key, whatever type was asked
        }
        String type = call.string("type", "aes256-gcm96");
        boolean derived = bool(call, "derived");
        int size = call.data().has("key_size") ? call.data().get("key_size").getAsInt() : 0;
        long rotate = FakeSys.seconds(call.data().get("auto_rotate_period"), 0);
        if (rotate != 0 && rotate < 3600) {
            throw new Refusal("auto rotate period must be 0 to disable or at least an hour");
        }
        if (!derived && bool(call, "convergent_encryption")) {
            throw new Refusal("convergent encryption requires derivation to be enabled");
        }
        if (type.equals("managed_key")) {
            throw new Refusal(Reply.multi(500, "managed keys are supported within enterprise edition only"));
        }
        if (ENTERPRISE.contains(type)) {
            throw new Refusal("key type " + type + " is only available in enterprise versions of Vault");
        }
        if (!TYPES.contains(type)) {
            throw new Refusal("unknown key type " + type);
        }
        if (size != 0 && !type.equals("hmac")) {
            throw new Refusal("key_size is not valid for algorithm " + type);
        }
        if (size != 0 && (size < 32 || size > 512)) {
            throw new Refusal("invalid key_size " + size);
        }
        if (type.equals("hmac") && size == 0) { // Vault 1.21 has no default size for hmac keys
            throw new Refusal(Reply.multi(500, "invalid key size for HMAC key, must be between 32 and 512 bytes"));
        }
        JsonObject flags = new JsonObject();
        flags.addProperty("allow_plaintext_backup", bool(call, "allow_plaintext_backup"));
        flags.addProperty("auto_rotate_period", rotate);
        flags.addProperty("exportable", bool(call, "exportable"));
        Key key = new Key(type, derived, bool(call, "convergent_encryption"), flags, size);
        key.versions.add(version(type, size));
        keys.put(name, key);
        return key;
    }

    private Version version(String type, int size) throws GeneralSecurityException {
        byte[] hmacKey = bytes(32);
        Instant now = Instant.now();
        if (type.startsWith("aes") || type.startsWith("chacha") || type.equals("hmac")) {
            return new Version(bytes(type.equals("hmac") ? size : type.equals("aes128-gcm96") ? 16 : 32), hmacKey, null, now);
        }
        KeyPairGenerator generator;
        if (type.startsWith("ecdsa")) {
            generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp" + type.substring(7) + "r1"));
        } else if (type.startsWith("rsa")) {
            generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(Integer.parseInt(type.substring(4)));
        } else {
            generator = KeyPairGenerator.getInstance("Ed25519");
        }
        return new Version(null, hmacKey, generator.generateKeyPair(), now);
    }

    /** The key as GET keys/<name> shows it, members sorted as Go's JSON encoder sorts a map. */
    private static JsonObject describe(String name, Key key) {
        boolean aead = key.type.startsWith("aes") || key.type.startsWith("chacha");
        boolean rsa = key.type.startsWith("rsa");
        JsonObject d = key.flags.deepCopy();
        d.addProperty("deletion_allowed", false);
        d.addProperty("derived", key.derived);
        if (key.derived) {
            d.addProperty("convergent_encryption", key.convergent);
            d.addProperty("kdf", "hkdf_sha256");
        }
        d.addProperty("imported_key", false);
        if (key.type.equals("hmac")) {
            d.addProperty("key_size", key.size);
        } else {
            JsonObject versions = new JsonObject();
            for (int i = 0; i < key.versions.size(); i++) {
                versions.add(String.valueOf(i + 1), versionInfo(key, key.versions.get(i)));
            }
            d.add("keys", versions);
        }
        d.addProperty("latest_version", key.versions.size());
        d.addProperty("min_available_version", 0);
        d.addProperty("min_decryption_version", 1);
        d.addProperty("min_encryption_version", 0);
        d.addProperty("name", name);
        d.addProperty("supports_decryption", aead || rsa);
        d.addProperty("supports_derivation", aead || key.type.equals("ed25519"));
        d.addProperty("supports_encryption", aead || rsa);
        d.addProperty("supports_signing", !aead && !key.type.equals("hmac"));
        d.addProperty("type", key.type);
        return FakeSys.sorted(d);
    }

    private static JsonElement versionInfo(Key key, Version v) {
        if (v.pair() == null) {
            return new com.google.gson.JsonPrimitive(v.created().getEpochSecond());
        }
        JsonObject info = new JsonObject();
        info.addProperty("certificate_chain", "");
        info.addProperty("creation_time", v.created().toString());
        info.addProperty("hybrid_public_key", "");
        byte[] spki = v.pair().getPublic().getEncoded();
        String name = key.type.equals("ed25519") ? "ed25519" : key.type.startsWith("rsa") ? key.type
                : "P-" + key.type.substring(7);
        info.addProperty("name", name);
        info.addProperty("public_key", key.type.equals("ed25519") ? encode(Arrays.copyOfRange(spki, spki.length - 32,
                spki.length)) : "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                .encodeToString(spki) + "\n-----END PUBLIC KEY-----\n");
        return info;
    }

    private Reply encrypt(String name, Call call) throws GeneralSecurityException {
        if (!call.data().has("plaintext")) {
            throw new Refusal("missing plaintext to encrypt");
        }
        byte[] plaintext = decode(call.string("plaintext"));
        Key key = keys.containsKey(name) ? keys.get(name) : create(name, call); // Vault's upsert
        int version = version(key, call, "requested version for encryption is higher than the latest key version");
        if (!key.type.startsWith("aes") && !key.type.startsWith("chacha") && !key.type.startsWith("rsa")) {
            throw new Refusal("message encryption not supported for key type " + key.type);
        }
        return call.ok(sealed(key, version, plaintext, call));
    }

    private Reply rewrap(String name, Call call) throws GeneralSecurityException {
        Key key = need(name, "encryption key not found");
        byte[] plaintext = decrypt(key, call);
        int version = version(key, call, "requested version for encryption is higher than the latest key version");
        return call.ok(sealed(key, version, plaintext, call));
    }

    private JsonObject sealed(Key key, int version, byte[] plaintext, Call call) throws GeneralSecurityException {
        Version v = key.versions.get(version - 1);
        byte[] out;
        if (key.type.startsWith("rsa")) {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
            rsa.init(Cipher.ENCRYPT_MODE, v.pair().getPublic(), oaep());
            out = rsa.doFinal(plaintext);
        } else {
            byte[] secret = secret(key, v, call);
            byte[] nonce = key.convergent ? Arrays.copyOf(mac("HmacSHA256", secret, plaintext), 12) : bytes(12);
            Cipher aead = aead(key, Cipher.ENCRYPT_MODE, secret, nonce);
            byte[] sealed = aead.doFinal(plaintext);
            out = new byte[12 + sealed.length];
            System.arraycopy(nonce, 0, out, 0, 12);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
        }
        JsonObject data = object("ciphertext", "vault:v" + version + ":" + encode(out));
        data.addProperty("key_version", version);
        return data;
    }

    private byte[] decrypt(Key key, Call call) throws GeneralSecurityException {
        String text = call.string("ciphertext");
        if (text == null || text.isEmpty()) {
            throw new Refusal("missing ciphertext to decrypt");
        }
        if (!text.startsWith("vault:")) {
            throw new Refusal("invalid ciphertext: no prefix");
        }
        String[] fields = text.split(":", -1);
        if (fields.length != 3) {
            throw new Refusal("invalid ciphertext: wrong number of fields");
        }
        int version = versionOf(fields[1], "invalid ciphertext");
        if (version > key.versions.size()) {
            throw new Refusal("invalid ciphertext: version is too new");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(fields[2]);
        } catch (IllegalArgumentException e) {
            throw new Refusal("invalid ciphertext: could not decode base64");
        }
        Version v = key.versions.get(version - 1);
        try {
            if (key.type.startsWith("rsa")) {
                Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
                rsa.init(Cipher.DECRYPT_MODE, v.pair().getPrivate(), oaep());
                return rsa.doFinal(raw);
            }
            if (raw.length < 12 + 16) {
                throw new Refusal("invalid ciphertext length");
            }
            byte[] secret = secret(key, v, call);
            return aead(key, Cipher.DECRYPT_MODE, secret, Arrays.copyOf(raw, 12)).doFinal(raw, 12, raw.length - 12);
        } catch (javax.crypto.BadPaddingException e) { // AEADBadTagException too
            throw new Refusal("cipher: message authentication failed");
        }
    }

    private Reply sign(Key key, Call call) throws GeneralSecurityException {
        if (key.type.startsWith("aes") || key.type.startsWith("chacha") || key.type.equals("hmac")) {
            throw new Refusal("key type " + key.type + " does not support signing");
        }
        int version = version(key, call, null);
        byte[] input = decode(call.string("input", ""));
        Signature signer = signer(key, call);
        signer.initSign(key.versions.get(version - 1).pair().getPrivate());
        signer.update(input);
        JsonObject data = object("signature", "vault:v" + version + ":" + encode(signer.sign()));
        data.addProperty("key_version", version);
        return call.ok(FakeSys.sorted(data));
    }

    private Reply verify(String name, Call call) throws GeneralSecurityException {
        String signature = call.string("signature");
        String hmac = call.string("hmac");
        if (signature == null && hmac == null) {
            throw new Refusal("missing one of 'signature', 'hmac' or 'cmac' arguments to verify");
        }
        Key key = need(name, signature != null ? "signature verification key not found" : "encryption key not found");
        byte[] input = decode(call.string("input", ""));
        String given = signature != null ? signature : hmac;
        String what = signature != null ? "invalid signature" : "invalid HMAC to verify";
        String[] fields = given.split(":", -1);
        if (!given.startsWith("vault:") || fields.length != 3) {
            throw new Refusal(what + ": no prefix");
        }
        int version = versionOf(fields[1], what);
        if (version > key.versions.size()) {
            throw new Refusal(what + ": version is too new");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(fields[2]);
        } catch (IllegalArgumentException e) {
            return call.ok(object("valid", false));
        }
        Version v = key.versions.get(version - 1);
        if (hmac != null) {
            String algorithm = HMACS.get(call.string("hash_algorithm", call.string("algorithm", "sha2-256")));
            return call.ok(object("valid", Arrays.equals(raw, mac(algorithm, hmacKey(key, v), input))));
        }
        Signature verifier = signer(key, call);
        verifier.initVerify(v.pair().getPublic());
        verifier.update(input);
        try {
            return call.ok(object("valid", verifier.verify(raw)));
        } catch (java.security.SignatureException e) {
            return call.ok(object("valid", false));
        }
    }

    private Reply hmac(Key key, Call call) throws GeneralSecurityException {
        if (!call.data().has("input")) {
            throw new Refusal("missing input for HMAC");
        }
        Long wanted = call.data().has("key_version") ? call.data().get("key_version").getAsLong() : null;
        if (wanted != null && wanted > key.versions.size()) {
            throw new Refusal("key version does not exist; latest key version is " + key.versions.size());
        }
        int version = wanted == null || wanted == 0 ? key.versions.size() : wanted.intValue();
        String algorithm = HMACS.get(call.string("algorithm", "sha2-256"));
        if (algorithm == null) {
            throw new Refusal("unsupported algorithm '\\x00'");
        }
        byte[] mac = mac(algorithm, hmacKey(key, key.versions.get(version - 1)), decode(call.string("input")));
        return call.ok(object("hmac", "vault:v" + version + ":" + encode(mac)));
    }

    private static Signature signer(Key key, Call call) throws GeneralSecurityException {
        String hash = call.string("hash_algorithm");
        if (key.type.equals("ed25519")) {
            if (hash != null) {
                throw new Refusal("failed to parse batch item: only Pure Ed25519 signatures supported, hash_alogithm "
                        + "should not be set");
            }
            return Signature.getInstance("Ed25519");
        }
        String digest = HASHES.get(hash == null ? "sha2-256" : hash);
        if (digest == null) {
            throw new Refusal("unsupported hash algorithm " + hash);
        }
        if (key.type.startsWith("ecdsa")) {
            return Signature.getInstance(digest + "withECDSA");
        }
        if ("pkcs1v15".equals(call.string("signature_algorithm"))) {
            return Signature.getInstance(digest + "withRSA");
        }
        String name = digest.replace("SHA", "SHA-").replace("SHA-3-", "SHA3-");
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec(name, "MGF1", new MGF1ParameterSpec(name), 32, 1));
        return pss;
    }

    /** The version to use: key_version, or the latest when it is absent or 0. */
    private static int version(Key key, Call call, String tooHigh) {
        long wanted = call.data().has("key_version") ? call.data().get("key_version").getAsLong() : 0;
        if (wanted > key.versions.size()) {
            throw new Refusal(tooHigh != null ? Reply.errors(400, tooHigh)
                    : Reply.multi(500, "requested version for signing is higher than the latest key version"));
        }
        return wanted <= 0 ? key.versions.size() : (int) wanted;
    }

    private static int versionOf(String field, String what) {
        if (!field.matches("v\\d{1,9}")) {
            throw new Refusal(what + ": version number could not be decoded");
        }
        return Integer.parseInt(field.substring(1));
    }

    /** The version's secret, derived for the call's context when the key is derived. */
    private static byte[] secret(Key key, Version v, Call call) throws GeneralSecurityException {
        if (!key.derived) {
            return v.secret();
        }
        String context = call.string("context");
        if (context == null || context.isEmpty()) {
            throw new Refusal(NEEDS_CONTEXT);
        }
        return Arrays.copyOf(mac("HmacSHA256", v.secret(), decode(context)), v.secret().length);
    }

    private static byte[] hmacKey(Key key, Version v) {
        return key.type.equals("hmac") ? v.secret() : v.hmacKey();
    }

    private static Cipher aead(Key key, int mode, byte[] secret, byte[] nonce) throws GeneralSecurityException {
        boolean chacha = key.type.startsWith("chacha");
        Cipher cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
        SecretKeySpec spec = new SecretKeySpec(secret, chacha ? "ChaCha20" : "AES");
        cipher.init(mode, spec, chacha ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce));
        return cipher;
    }

    private static OAEPParameterSpec oaep() {
        return new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    }

    private static byte[] mac(String algorithm, byte[] key, byte[] input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return mac.doFinal(input);
    }

    /**
     * Go's strict base64 (StdEncoding): padding required; a bad one is refused with Go's message,
     * the offset being the first character outside the alphabet or the start of an incomplete quantum.
     */
    private static byte[] decode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean padding = c == '=' && i >= text.length() - 2 && text.length() % 4 == 0;
            if (!(Character.isLetterOrDigit(c) && c < 128 || c == '+' || c == '/' || padding)) {
                throw new Refusal("illegal base64 data at input byte " + i);
            }
        }
        if (text.length() % 4 != 0) {
            throw new Refusal("illegal base64 data at input byte " + (text.length() - text.length() % 4));
        }
        return Base64.getDecoder().decode(text);
    }

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    private static boolean bool(Call call, String field) {
        JsonElement e = call.data().get(field);
        return e != null && e.isJsonPrimitive() && (e.getAsJsonPrimitive().isBoolean() ? e.getAsBoolean()
                : Boolean.TRUE.equals(FakeVault.parseBool(e.getAsString())));
    }

    private static JsonObject object(String field, Object value) {
        JsonObject o = new JsonObject();
        if (value instanceof Boolean b) {
            o.addProperty(field, b);
        } else {
            o.addProperty(field, String.valueOf(value));
        }
        return o;
    }
}
