package vaultmcp.mcp;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;

/**
 * The {@code requestState} of a multi-round-trip request, which the client holds between rounds: a JSON object
 * sealed with AES-256-GCM (random 96-bit nonce, fixed associated data), in base64url. The client can neither
 * read nor change it; a state sealed with another key, cut, or altered does not open. The key is derived from
 * {@code MCP_STATE_KEY_FILE}, so instances sharing the file accept each other's states; else it is per process.
 */
final class SealedState {
    private static final byte[] CONTEXT = "vault-mcp-server request state v1".getBytes(UTF_8);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final byte[] secret;
    private SecureRandom random;
    private SecretKeySpec key;

    /** {@code secret}: the key file's bytes, or null for a random key. */
    SealedState(byte[] secret) {
        this.secret = secret;
    }

    /** The key, made with the random source at the first use: start-up pays for neither. */
    private synchronized SecretKeySpec key() {
        if (key == null) {
            random = new SecureRandom();
            byte[] material = secret;
            if (material == null) {
                material = new byte[32];
                random.nextBytes(material);
            }
            key = new SecretKeySpec(sha256(CONTEXT, material), "AES");
        }
        return key;
    }

    synchronized boolean keyed() {
        return key != null;
    }

    byte[] random(int n) {
        key();
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    String seal(JsonObject claims) {
        byte[] nonce = random(NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(CONTEXT);
            byte[] sealed = cipher.doFinal(StrictJson.write(claims).getBytes(UTF_8));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The claims of a state this server sealed, or null for anything else. */
    JsonObject open(String state) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(state);
            if (bytes.length <= NONCE_BYTES + TAG_BITS / 8) {
                return null;
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(CONTEXT);
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new StrictJson(8).parse(new String(plain, UTF_8)) instanceof JsonObject o ? o : null;
        } catch (IllegalArgumentException | GeneralSecurityException | JsonException e) {
            return null;
        }
    }

    /** Hex SHA-256 of the parts, for binding a state to a caller, a tool and its arguments. */
    static String digest(String... parts) {
        return HexFormat.of().formatHex(sha256((String.join("\n", parts) + "\n").getBytes(UTF_8)));
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
