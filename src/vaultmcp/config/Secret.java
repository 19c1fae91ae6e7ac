package vaultmcp.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A credential (a Vault token, a bearer secret), masked in toString: no log line or record's toString leaks
 * it. One that changes while the server runs (the server's own token) overrides {@link #reveal}.
 */
public class Secret {
    private final String value;

    public Secret(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        this.value = value;
    }

    protected Secret() {
        this.value = null;
    }

    /** The plain value, for the one place that must send it (an HTTP header). */
    public String reveal() {
        return value;
    }

    /** Compares in time independent of where the values differ. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(
                reveal().getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public final String toString() {
        return "<masked>";
    }
}
