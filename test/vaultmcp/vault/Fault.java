package vaultmcp.vault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A one-shot misbehaviour {@link FakeVault} applies to the next request whose decoded path
 * (after /v1/) starts with {@code pathPrefix} (empty: any request): wait {@code delay}, then send
 * {@code reply} instead of the real answer, or the real answer when {@code reply} is null.
 */
public record Fault(String pathPrefix, Duration delay, Reply reply) {

    /** Any status and body, sent as application/json. */
    public static Fault answer(int status, String body) {
        return new Fault("", Duration.ZERO, new Reply(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    /** A 200 whose body is not JSON at all (an HTML login page, a proxy error). */
    public static Fault garbage() {
        return new Fault("", Duration.ZERO, new Reply(200, "text/html",
                "<html><body>Welcome to nginx!</body></html>".getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    /** A 200 JSON body of about {@code bytes} bytes. */
    public static Fault oversized(int bytes) {
        String big = "{\"data\":{\"big\":\"" + "x".repeat(Math.max(0, bytes - 20)) + "\"}}";
        return new Fault("", Duration.ZERO, new Reply(200, "application/json", big.getBytes(StandardCharsets.UTF_8), Map.of()));
    }

    /** A redirect to {@code location} (what Vault's ServeMux or a proxy might send). */
    public static Fault redirect(int status, String location) {
        return new Fault("", Duration.ZERO, new Reply(status, "text/html",
                ("<a href=\"" + location + "\">Moved Permanently</a>.\n").getBytes(StandardCharsets.UTF_8),
                Map.of("Location", location)));
    }

    /** The real answer, but only after {@code delay}. */
    public static Fault slow(Duration delay) {
        return new Fault("", delay, null);
    }

    /** The same fault, but only for requests whose path starts with {@code prefix} (e.g. "secret/data/"). */
    public Fault on(String prefix) {
        return new Fault(prefix, delay, reply);
    }
}
