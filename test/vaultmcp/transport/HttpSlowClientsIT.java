package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.config.Limits;
import vaultmcp.security.TestCerts;

/**
 * Slow clients cannot take the listener down: jdk.httpserver reads headers and runs the TLS
 * handshake on the executor's thread, so 200 connections that dribble header bytes, or stop
 * half-way through a ClientHello, must hold only their own threads while a normal request is
 * answered within a second; at the connection cap, new connections are refused at once.
 */
class HttpSlowClientsIT {
    private static final int STALLED = 200;
    private static final long DELAY_LIMIT_MS = 1000;
    /** A TLS record header announcing a 512-byte handshake message, then the start of a ClientHello. */
    private static final byte[] HALF_CLIENT_HELLO = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};

    @TempDir
    static Path dir;
    static TestCerts.Pair rsa;

    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean dribbling = true;

    @BeforeAll
    static void makeCertificate() throws Exception {
        rsa = TestCerts.rsa(dir, "rsa");
    }

    @AfterEach
    void closeSockets() throws IOException {
        dribbling = false;
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void connectionsDribblingHeadersDelayANormalRequestByLessThanASecond() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of())) {
            health(server.port()); // warm up both ends
            stall(server.port(), STALLED, "POST /mcp HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            dribble();
            Thread.sleep(500); // every stalled connection is accepted and read by now
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertEquals(200, health(server.port()));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < DELAY_LIMIT_MS, "a normal request behind " + STALLED + " stalled ones took " + ms + " ms");
            }
        }
    }

    @Test
    void halfSentTlsClientHellosDelayANormalRequestByLessThanASecond() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("MCP_TLS_CERT_FILE", rsa.cert().toString(),
                "MCP_TLS_KEY_FILE", rsa.key().toString()))) {
            HttpClient warm = client();
            healthTls(warm, server.port());
            stall(server.port(), STALLED, new String(HALF_CLIENT_HELLO, StandardCharsets.ISO_8859_1));
            Thread.sleep(500);
            for (int i = 0; i < 3; i++) {
                HttpClient fresh = client(); // a new client: a full handshake each time
                long start = System.nanoTime();
                assertEquals(200, healthTls(fresh, server.port()));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < DELAY_LIMIT_MS, "a TLS request behind " + STALLED + " stalled handshakes took " + ms + " ms");
            }
        }
    }

    @Test
    void cutsOffHalfSentClientHellosAfterTheRequestTimeLimit() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("MCP_TLS_CERT_FILE", rsa.cert().toString(),
                "MCP_TLS_KEY_FILE", rsa.key().toString()), "-Dsun.net.httpserver.maxReqTime=1")) {
            stall(server.port(), 20, new String(HALF_CLIENT_HELLO, StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();
            for (Socket socket : sockets) {
                socket.setSoTimeout(15_000);
                try {
                    byte[] answer = socket.getInputStream().readAllBytes(); // nothing, or a TLS alert, then closed
                    assertTrue(answer.length == 0 || answer[0] == 0x15, "not a TLS alert: " + answer[0]);
                } catch (SocketException e) {
                    // reset by the server: cut off too
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 10_000, "stalled handshakes were cut off only after " + ms + " ms");
        }
    }

    @Test
    void refusesNewConnectionsAtTheCapAndServesAgainWhenOnesClose() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of())) {
            stall(server.port(), Limits.HTTP_MAX_CONNECTIONS, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            Thread.sleep(500);
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> health(server.port()), "a connection beyond the cap is closed");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < DELAY_LIMIT_MS, "the refusal took " + ms + " ms");
            for (Socket socket : sockets.subList(0, 10)) {
                socket.close();
            }
            // The server counts a connection out once its thread sees the close: on a loaded machine that
            // can take a while, so the first requests may still be refused; within 10 s one must be served.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!served(server.port()) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            start = System.nanoTime();
            assertEquals(200, health(server.port()), "below the cap again, the server serves");
            ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < DELAY_LIMIT_MS, "below the cap again, a request took " + ms + " ms");
        }
    }

    private static boolean served(int port) {
        try {
            return health(port) == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static int health(int port) throws IOException {
        return RawHttp.send(port, "GET", "/health", List.of("Host: localhost"), null).status();
    }

    private static HttpClient client() throws Exception {
        return HttpClient.newBuilder().sslContext(TestCerts.trusting(rsa.cert())).connectTimeout(Duration.ofSeconds(20)).build();
    }

    private static int healthTls(HttpClient client, int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health"))
                .timeout(Duration.ofSeconds(20)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Opens {@code count} connections that send {@code start} and stop there. */
    private void stall(int port, int count, String start) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
    }

    /** From now on every stalled connection gets one more header byte every 2 s (until the server cuts it off). */
    private void dribble() {
        Thread thread = new Thread(() -> {
            while (dribbling) {
                for (Socket socket : List.copyOf(sockets)) {
                    try {
                        OutputStream out = socket.getOutputStream();
                        out.write('a');
                        out.flush();
                    } catch (IOException e) {
                        // cut off by the server, as it should be after the request time limit
                    }
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dribble");
        thread.setDaemon(true);
        thread.start();
    }
}
