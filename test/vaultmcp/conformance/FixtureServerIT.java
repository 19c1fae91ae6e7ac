package vaultmcp.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The fixture server's own parts, which the conformance run trusts: the credential front changes nothing
 * but the one header, the fake Vault's wrapping tickets are single-use as Vault's are, and the fixture tools
 * really go through the product's approval (so a scored scenario scores the product).
 */
class FixtureServerIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void frontAddsTheTokenOnlyWhereNoCredentialIsSentAndKeepsEachRequestWhole() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        backend.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(exchange.getRequestHeaders().getFirst("X-Vault-Token") + " "
                        + exchange.getRequestHeaders().getFirst("Authorization") + " "
                        + exchange.getRequestHeaders().getFirst("Host") + " " + body);
                exchange.sendResponseHeaders(200, 2);
                exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
            }
        });
        backend.start();
        try (CredentialFront front = new CredentialFront(backend.getAddress().getPort(), "hvs.injected");
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), front.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 5\r\n\r\nfirst"
                    + "POST /mcp HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer b\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n3\r\nsec\r\n3;x=y\r\nond\r\n0\r\n\r\n"
                    + "GET /mcp HTTP/1.1\r\nHost: localhost\r\nX-Vault-Token: hvs.own\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answers = read(socket.getInputStream(), 3);
            assertEquals(3, answers.split("HTTP/1.1 200", -1).length - 1, answers);
        } finally {
            backend.stop(0);
        }
        assertEquals(List.of("hvs.injected null evil.example first", "null Bearer b localhost second",
                "hvs.own null localhost "), seen);
    }

    @Test
    void fakeVaultWrapsOnlyWithATtlAndUnwrapsATicketOnce() throws Exception {
        try (FixtureVault vault = new FixtureVault("hvs.good")) {
            assertEquals(400, post(vault.url(), "sys/wrapping/wrap", "hvs.good", null).statusCode());
            assertEquals(403, post(vault.url(), "sys/wrapping/wrap", "hvs.bad", "60s").statusCode());
            HttpResponse<String> wrapped = post(vault.url(), "sys/wrapping/wrap", "hvs.good", "60s");
            assertEquals(200, wrapped.statusCode(), wrapped.body());
            JsonObject info = JsonParser.parseString(wrapped.body()).getAsJsonObject().getAsJsonObject("wrap_info");
            assertEquals("sys/wrapping/wrap", info.get("creation_path").getAsString());
            String ticket = info.get("token").getAsString();
            HttpResponse<String> first = post(vault.url(), "sys/wrapping/unwrap", ticket, null);
            assertEquals(200, first.statusCode());
            assertEquals("{\"n\":1}", JsonParser.parseString(first.body()).getAsJsonObject().get("data").toString());
            HttpResponse<String> again = post(vault.url(), "sys/wrapping/unwrap", ticket, null);
            assertEquals(400, again.statusCode());
            assertTrue(again.body().contains("wrapping token is not valid or does not exist"), again.body());
        }
    }

    @Test
    void fixtureToolsWriteOnlyAfterTheProductsApprovalAndEachApprovalOnce() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
        try (FixtureServer fixture = FixtureServer.start(Map.of(), err)) {
            JsonObject first = call(fixture.url(), "");
            assertEquals("input_required", first.get("resultType").getAsString(), first.toString());
            assertTrue(first.getAsJsonObject("inputRequests").has("approve"), first.toString());
            String retry = ",\"requestState\":" + first.get("requestState")
                    + ",\"inputResponses\":{\"approve\":{\"action\":\"accept\",\"content\":{\"approve\":true}}}";
            JsonObject approved = call(fixture.url(), retry);
            assertEquals("{\"written\":\"cubbyhole/conformance\"}", approved.get("structuredContent").toString());
            JsonObject replayed = call(fixture.url(), retry);
            assertTrue(replayed.get("isError").getAsBoolean(), replayed.toString());
            assertTrue(replayed.toString().contains("already used"), replayed.toString());
            JsonObject unasked = call(fixture.url(), "", "{}");
            assertEquals(-32021, unasked.get("code").getAsInt(), "MCP_APPROVAL=require, a client that cannot answer");
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("INFO listening on http://127.0.0.1:"));
    }

    /** A stateless-era tools/call of test_input_required_result_request_state; the result, or the error. */
    private JsonObject call(URI url, String extra) throws Exception {
        return call(url, extra, "{\"elicitation\":{}}");
    }

    private JsonObject call(URI url, String extra, String capabilities) throws Exception {
        String name = "test_input_required_result_request_state";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + name
                + "\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":" + capabilities + "}" + extra + "}}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                .header("Mcp-Name", name).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject message = JsonParser.parseString(response.body()).getAsJsonObject();
        return message.has("result") ? message.getAsJsonObject("result") : message.getAsJsonObject("error");
    }

    private HttpResponse<String> post(URI vault, String path, String token, String wrapTtl) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(vault.resolve("/v1/" + path))
                .header("X-Vault-Token", token).POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}"));
        if (wrapTtl != null) {
            request.header("X-Vault-Wrap-TTL", wrapTtl);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads until {@code responses} answers of two bytes ("ok") have arrived. */
    private static String read(InputStream in, int responses) throws Exception {
        StringBuilder text = new StringBuilder();
        while (text.toString().split("\r\n\r\nok", -1).length - 1 < responses) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            text.append((char) b);
        }
        return text.toString();
    }
}
