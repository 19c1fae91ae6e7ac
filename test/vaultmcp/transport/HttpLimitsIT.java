package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;

/**
 * The jdk.httpserver limits, in a server process of its own (they are fixed per JVM): stalled
 * clients are cut off, oversized headers refused, and an operator's -D setting wins over ours.
 */
class HttpLimitsIT {

    @Test
    void cutsOffClientsThatStallMidRequestAndServesTheOthers() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(), "-Dsun.net.httpserver.maxReqTime=1")) {
            List<Socket> few = stall(server.port(), 4);
            assertEquals(200, health(server.port()), "a few stalled clients leave workers for the others");
            // Each stalled client holds a thread of its own (HttpSlowClientsIT) until the time limit cuts it off.
            List<Socket> many = stall(server.port(), Limits.HTTP_WORKERS + 4);
            for (Socket socket : few) {
                assertClosedByServer(socket);
            }
            for (Socket socket : many) {
                assertClosedByServer(socket);
            }
            assertEquals(200, health(server.port()));
        }
    }

    private static int health(int port) throws IOException {
        return RawHttp.send(port, "GET", "/health", List.of("Host: localhost"), null).status();
    }

    /** Opens {@code count} connections that send half a request (half the headers, or half the body) and stop. */
    private static List<Socket> stall(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(15_000);
            String half = i % 2 == 0 ? "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Le"
                    : "POST /mcp HTTP/1.1\r\nHost: localhost\r\nAccept: application/json, text/event-stream\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 300\r\n\r\n{\"jsonrpc\":";
            socket.getOutputStream().write(half.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }
        return sockets;
    }

    private static void assertClosedByServer(Socket socket) {
        try (socket) {
            byte[] answer = socket.getInputStream().readAllBytes();
            assertFalse(new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
        } catch (SocketTimeoutException e) {
            fail("the server still holds a stalled connection after the request time limit");
        } catch (IOException e) {
            // reset by the server: closed, as it should be
        }
    }

    @Test
    void refusesTooManyOrTooLargeHeadersByDefaultAndLetsTheOperatorRaiseTheLimit() throws Exception {
        List<String> many = new ArrayList<>(List.of("Host: localhost"));
        for (int i = 0; i < 150; i++) {
            many.add("X-Header-" + i + ": a");
        }
        List<String> large = List.of("Host: localhost", "X-Large: " + "a".repeat(Limits.HTTP_MAX_HEADER_BYTES + 1024));
        List<String> fine = new ArrayList<>(many.subList(0, Limits.HTTP_MAX_HEADERS - 3));
        fine.add("X-Fair: " + "a".repeat(Limits.HTTP_MAX_HEADER_BYTES / 2));
        try (ServerProcess server = ServerProcess.start(Map.of())) {
            assertEquals(200, RawHttp.send(server.port(), "GET", "/health", fine, null).status());
            assertRefused(server.port(), many);
            assertRefused(server.port(), large);
        }
        try (ServerProcess server = ServerProcess.start(Map.of(), "-Dsun.net.httpserver.maxReqHeaders=300")) {
            assertEquals(200, RawHttp.send(server.port(), "GET", "/health", many, null).status());
        }
    }

    private static void assertRefused(int port, List<String> headers) {
        try {
            RawHttp.Response r = RawHttp.send(port, "GET", "/health", headers, null);
            fail("expected the connection to be dropped, got " + r.status());
        } catch (IOException expected) {
            // jdk.httpserver drops the connection without an answer
        }
    }
}
