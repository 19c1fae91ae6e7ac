package vaultmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Request states open only unaltered, and only under the key that sealed them. */
class SealedStateTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef-shared".getBytes(StandardCharsets.UTF_8);

    private static JsonObject claims() {
        JsonObject claims = new JsonObject();
        claims.addProperty("binding", "abc");
        claims.addProperty("expires", 42);
        return claims;
    }

    @Test
    void makesItsKeyAndRandomSourceAtTheFirstSealNotAtStartUp() {
        SealedState sealed = new SealedState(null);
        assertFalse(sealed.keyed(), "start-up pays for no SecureRandom");
        assertEquals(claims(), sealed.open(sealed.seal(claims())));
        assertTrue(sealed.keyed());
    }

    @Test
    void aStateOpensUnderTheSameKeyEvenInAnotherInstance() {
        String state = new SealedState(KEY).seal(claims());
        assertEquals(claims(), new SealedState(KEY.clone()).open(state));
        assertNotEquals(state, new SealedState(KEY).seal(claims()), "a fresh nonce per seal");
    }

    @Test
    void anotherKeyOrAPerProcessKeyDoesNotOpenIt() {
        String state = new SealedState(KEY).seal(claims());
        assertNull(new SealedState(null).open(state));
        assertNull(new SealedState("another key of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8))
                .open(state));
    }

    @Test
    void everyAlteredByteAndEveryCutIsRefused() {
        SealedState sealed = new SealedState(KEY);
        byte[] bytes = Base64.getUrlDecoder().decode(sealed.seal(claims()));
        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 1;
            assertNull(sealed.open(Base64.getUrlEncoder().withoutPadding().encodeToString(altered)), "byte " + i);
        }
        for (int n = 0; n < bytes.length; n += 7) {
            byte[] cut = java.util.Arrays.copyOf(bytes, n);
            assertNull(sealed.open(Base64.getUrlEncoder().withoutPadding().encodeToString(cut)), "cut at " + n);
        }
        assertNull(sealed.open("not base64 at all!"));
        assertNull(sealed.open(""));
    }
}
