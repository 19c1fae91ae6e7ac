package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.security.TestCerts;
import vaultmcp.security.Tls;

/** The listener really speaks TLS 1.3/1.2 when a certificate is configured, and nothing else. */
class HttpsIT {
    @TempDir
    static Path dir;
    static TestCerts.Pair rsa;
    static TestCerts.Pair ec;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = TestCerts.rsa(dir, "rsa");
        ec = TestCerts.ec(dir, "ec", "prime256v1");
    }

    private static HttpResponse<String> initialize(HttpClient client, int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/mcp"))
                .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(HttpFixture.INITIALIZE)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMcpOverTls13WithEveryKeyFormatOpensslWrites() throws Exception {
        Map<String, TestCerts.Pair> keys = Map.of(
                "RSA PKCS#8", rsa,
                "RSA PKCS#1", new TestCerts.Pair(rsa.cert(), TestCerts.convert(rsa.key(), "rsa1.key", "-traditional")),
                "EC SEC1", ec,
                "EC PKCS#8", new TestCerts.Pair(ec.cert(), TestCerts.convert(ec.key(), "ec8.key")));
        for (var entry : keys.entrySet()) {
            TestCerts.Pair pair = entry.getValue();
            try (HttpFixture https = new HttpFixture(Map.of(), System::nanoTime, Tls.context(pair.cert(), pair.key()))) {
                HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(pair.cert())).build();
                HttpResponse<String> r = initialize(client, https.port);
                assertEquals(200, r.statusCode(), entry.getKey());
                assertTrue(r.headers().firstValue("Mcp-Session-Id").isPresent(), entry.getKey());
                assertEquals("TLSv1.3", r.sslSession().orElseThrow().getProtocol(), entry.getKey());
                assertEquals("https", https.transport.url().getScheme());
            }
        }
    }

    @Test
    void speaksTls12ToAClientThatOffersOnlyIt() throws Exception {
        try (HttpFixture https = new HttpFixture(Map.of(), System::nanoTime, Tls.context(rsa.cert(), rsa.key()))) {
            SSLParameters only12 = new SSLParameters();
            only12.setProtocols(new String[] {"TLSv1.2"});
            HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(rsa.cert())).sslParameters(only12).build();
            HttpResponse<String> r = initialize(client, https.port);
            assertEquals(200, r.statusCode());
            assertEquals("TLSv1.2", r.sslSession().orElseThrow().getProtocol());
            assertTrue(r.sslSession().orElseThrow().getCipherSuite().matches("TLS_ECDHE_RSA_WITH_.*(_GCM_|CHACHA20).*"));
        }
    }

    @Test
    void refusesPlainHttpOnTheTlsPort() throws Exception {
        try (HttpFixture https = new HttpFixture(Map.of(), System::nanoTime, Tls.context(rsa.cert(), rsa.key()))) {
            HttpRequest plain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + https.port + "/health"))
                    .timeout(Duration.ofSeconds(20)).build();
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), https.port)) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] answer = socket.getInputStream().readNBytes(5);
                assertFalse(new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/"), "a plaintext answer came back");
            } catch (IOException expected) {
                // a reset connection is a refusal too
            }
        }
    }

    @Test
    void refusesTls11AndTls10EvenWhenTheJdkWouldAllowThem() throws Exception {
        // The JDK disables TLS 1.0/1.1 by default; lift that for the server process so only our
        // protocol list can refuse them. openssl at security level 0 still offers them.
        Path props = dir.resolve("old-tls.security");
        Files.writeString(props, "jdk.tls.disabledAlgorithms=RC4, DES, NULL, anon\n");
        try (ServerProcess server = ServerProcess.start(Map.of("MCP_TLS_CERT_FILE", rsa.cert().toString(),
                "MCP_TLS_KEY_FILE", rsa.key().toString()), "-Djava.security.properties=" + props)) {
            assertEquals("https", server.url.getScheme());
            assertEquals(0, sClient(server.port(), "-tls1_2"), "control: TLS 1.2 works");
            assertNotEquals(0, sClient(server.port(), "-tls1_1"));
            assertNotEquals(0, sClient(server.port(), "-tls1"));
        }
    }

    private static int sClient(int port, String version) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, version,
                "-cipher", "DEFAULT:@SECLEVEL=0").redirectErrorStream(true).start();
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }
}
