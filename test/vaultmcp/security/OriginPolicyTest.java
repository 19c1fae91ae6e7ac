package vaultmcp.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Config.CorsMode;

class OriginPolicyTest {
    private static OriginPolicy loopback(CorsMode mode, String... origins) {
        return new OriginPolicy(true, List.of(), List.of(origins), mode, false);
    }

    @Test
    void acceptsOnlyLoopbackHostNamesWithAnyPortWhenBoundToLoopback() {
        OriginPolicy policy = loopback(CorsMode.STRICT);
        for (String host : List.of("localhost", "localhost:8080", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:8080", "LOCALHOST:80")) {
            assertTrue(policy.hostAllowed(host), host);
        }
        for (String host : List.of("evil.example.com", "evil.example.com:8080", "localhost.evil.example", "127.0.0.2",
                "::1", "0.0.0.0:8080", "[::1]x", "localhost:80:80", "")) {
            assertFalse(policy.hostAllowed(host), host);
        }
        assertFalse(policy.hostAllowed(null), "a request without Host");
    }

    @Test
    void acceptsOnlyTheConfiguredHostNamesWhenNotBoundToLoopback() {
        OriginPolicy policy = new OriginPolicy(false, List.of("MCP.example.com"), List.of(), CorsMode.STRICT, true);
        assertTrue(policy.hostAllowed("mcp.example.com"));
        assertTrue(policy.hostAllowed("mcp.example.com:8443"));
        assertFalse(policy.hostAllowed("localhost"));
        assertFalse(policy.hostAllowed("other.example.com"));
    }

    @Test
    void letsARequestWithoutOriginThrough() {
        assertTrue(loopback(CorsMode.STRICT).originAllowed(null, "localhost:8080"));
    }

    @Test
    void allowsOnlyListedOriginsInStrictModeExactly() {
        OriginPolicy policy = loopback(CorsMode.STRICT, "https://app.example.com");
        assertTrue(policy.originAllowed("https://app.example.com", "localhost:8080"));
        for (String origin : List.of("https://app.example.com:443", "http://app.example.com", "https://app.example.com.evil",
                "http://localhost:3000", "null")) {
            assertFalse(policy.originAllowed(origin, "localhost:8080"), origin);
        }
    }

    @Test
    void allowsTheServersOwnOriginInEveryMode() {
        assertTrue(loopback(CorsMode.STRICT).originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertFalse(loopback(CorsMode.STRICT).originAllowed("https://127.0.0.1:8080", "127.0.0.1:8080"), "other scheme");
        assertFalse(loopback(CorsMode.STRICT).originAllowed("http://127.0.0.1:9090", "127.0.0.1:8080"), "other port");
        assertTrue(new OriginPolicy(false, List.of("mcp.example.com"), List.of(), CorsMode.STRICT, true)
                .originAllowed("https://mcp.example.com:8443", "mcp.example.com:8443"));
    }

    @Test
    void addsLocalOriginsWithAPortInDevelopmentMode() {
        OriginPolicy policy = loopback(CorsMode.DEVELOPMENT, "https://app.example.com");
        for (String origin : List.of("http://localhost:3000", "https://127.0.0.1:8443", "http://[::1]:5173", "https://app.example.com")) {
            assertTrue(policy.originAllowed(origin, "localhost:8080"), origin);
        }
        for (String origin : List.of("http://localhost", "http://localhost:3000.evil.example", "http://localhost.evil.example:3000",
                "ftp://localhost:21", "http://127.0.0.2:3000")) {
            assertFalse(policy.originAllowed(origin, "localhost:8080"), origin);
        }
    }

    @Test
    void allowsAnyOriginWhenDisabled() {
        assertTrue(loopback(CorsMode.DISABLED).originAllowed("https://anything.example", "localhost:8080"));
    }
}
