package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.security.TestCerts;

/** The jar refuses to start an HTTP listener it could not run safely, with a message and a status. */
class HttpStartupIT {
    @TempDir
    static Path dir;
    static TestCerts.Pair rsa;

    @BeforeAll
    static void makeCertificate() throws Exception {
        rsa = TestCerts.rsa(dir, "rsa");
    }

    @Test
    void refusesToStartWithoutAUsableCertificateAndKey() throws Exception {
        TestCerts.Pair other = TestCerts.rsa(dir, "other");
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not PEM at all\n");
        Map<Map<String, String>, String> cases = Map.of(
                Map.of("MCP_TLS_CERT_FILE", rsa.cert().toString(), "MCP_TLS_KEY_FILE", other.key().toString()),
                "MCP_TLS_KEY_FILE: the key does not match the certificate",
                Map.of("MCP_TLS_CERT_FILE", garbage.toString(), "MCP_TLS_KEY_FILE", rsa.key().toString()),
                "MCP_TLS_CERT_FILE: no PEM certificate",
                Map.of("MCP_TLS_CERT_FILE", rsa.cert().toString(), "MCP_TLS_KEY_FILE", garbage.toString()),
                "MCP_TLS_KEY_FILE: no PEM private key",
                Map.of("MCP_TLS_CERT_FILE", rsa.cert().toString()),
                "MCP_TLS_CERT_FILE and MCP_TLS_KEY_FILE: set both or neither",
                Map.of("MCP_TLS_CERT_FILE", dir.resolve("missing.crt").toString(), "MCP_TLS_KEY_FILE", rsa.key().toString()),
                "MCP_TLS_CERT_FILE: invalid value");
        for (var c : cases.entrySet()) {
            Object[] result = ServerProcess.runToExit(c.getKey());
            assertEquals(2, result[0], (String) result[1]);
            assertTrue(((String) result[1]).contains(c.getValue()), (String) result[1]);
            assertFalse(((String) result[1]).contains("listening on"));
        }
    }

    @Test
    void refusesToServeBeyondLoopbackWithoutTls() throws Exception {
        for (String host : List.of("0.0.0.0", "::", "[::]", "192.0.2.1", "example.com")) {
            Object[] result = ServerProcess.runToExit(Map.of("TRANSPORT_HOST", host, "MCP_ALLOWED_HOSTS", "mcp.example.com"));
            assertEquals(2, result[0], host + ": " + result[1]);
            assertTrue(((String) result[1]).contains("TRANSPORT_HOST: " + host + " is not loopback"), (String) result[1]);
        }
        Object[] noHosts = ServerProcess.runToExit(Map.of("TRANSPORT_HOST", "0.0.0.0",
                "MCP_TLS_CERT_FILE", rsa.cert().toString(), "MCP_TLS_KEY_FILE", rsa.key().toString()));
        assertEquals(2, noHosts[0]);
        assertTrue(((String) noHosts[1]).contains("MCP_ALLOWED_HOSTS: required when TRANSPORT_HOST is not loopback"), (String) noHosts[1]);
    }

    @Test
    void refusesASessionIdleTimeoutTooLongToEnforceInsteadOfCrashing() throws Exception {
        Object[] result = ServerProcess.runToExit(Map.of("MCP_SESSION_IDLE_TIMEOUT", "3000000h"));
        String err = (String) result[1];
        assertEquals(2, result[0], err);
        assertTrue(err.contains("MCP_SESSION_IDLE_TIMEOUT: invalid value \"3000000h\": must be at most 168h"), err);
        assertFalse(err.contains("Exception"), err);
    }

    @Test
    void reportsAPortInUseAndExitsWithFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Object[] result = ServerProcess.runToExit(Map.of("TRANSPORT_PORT", String.valueOf(taken.getLocalPort())));
            assertEquals(1, result[0], (String) result[1]);
            assertTrue(((String) result[1]).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), (String) result[1]);
        }
    }

    @Test
    void logsTheUrlItListensOnWithTheChosenPort() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of())) {
            assertEquals("http", server.url.getScheme());
            assertEquals("127.0.0.1", server.url.getHost());
            assertTrue(server.port() > 0);
            assertEquals("/mcp", server.url.getPath());
            assertEquals(200, RawHttp.send(server.port(), "GET", "/health", List.of("Host: localhost"), null).status());
        }
    }
}
