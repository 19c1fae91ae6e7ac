package vaultmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.json.StrictJson;

class JsonRpcTest {
    private final JsonRpc rpc = new JsonRpc(1000, 8);

    /** The whole error response for a refused message, as the client would read it. */
    private String refusal(String text) {
        JsonRpc.Failure f = assertThrows(JsonRpc.Failure.class, () -> parse(text), text);
        return StrictJson.write(f.response());
    }

    private Message parse(String text) throws JsonRpc.Failure {
        return rpc.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private JsonRpc.Failure failure(String text) {
        return assertThrows(JsonRpc.Failure.class, () -> parse(text), text);
    }

    /** The error code of a refusal, as the client reads it. */
    private static int code(JsonRpc.Failure f) {
        return f.response().getAsJsonObject("error").get("code").getAsInt();
    }

    @Test
    void parsesARequest() throws JsonRpc.Failure {
        Message m = parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}");
        assertTrue(m.isRequest());
        assertFalse(m.isNotification());
        assertFalse(m.isResponse());
        assertEquals("tools/list", m.method());
        assertEquals("x", m.params().get("cursor").getAsString());
        assertEquals("1", StrictJson.write(m.id()));
    }

    @Test
    void givesAnEmptyParamsObjectWhenParamsIsAbsent() throws JsonRpc.Failure {
        Message m = parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}");
        assertEquals(new JsonObject(), m.params());
    }

    @Test
    void parsesANotificationWhenThereIsNoId() throws JsonRpc.Failure {
        Message m = parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertTrue(m.isNotification());
        assertFalse(m.isRequest());
        assertFalse(m.isResponse());
        assertNull(m.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":1,\"message\":\"m\"}}"})
    void recognisesResponsesFromTheClient(String text) throws JsonRpc.Failure {
        Message m = parse(text);
        assertTrue(m.isResponse());
        assertFalse(m.isRequest());
        assertFalse(m.isNotification());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9007199254740993", "1.5", "1.50", "-1", "0", "1e3", "-0", "\"x\"", "\"\"", "\"9007199254740993\""})
    void echoesStringAndNumberIdsExactlyAsReceived(String id) throws JsonRpc.Failure {
        Message m = parse("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
        assertEquals(id, StrictJson.write(m.id()));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}", StrictJson.write(JsonRpc.result(m.id(), new JsonObject())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "{}", "{\"a\":1}", "[]", "[1]", "true", "false"})
    void refusesIdsThatAreNotStringsOrNumbers(String id) {
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
                + "\"message\":\"Invalid Request: \\\"id\\\" must be a string or a number\"}}",
                refusal("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"jsonrpc\":\"1.0\"", ",\"jsonrpc\":2.0", ",\"jsonrpc\":\"2\"", ",\"jsonrpc\":\"2.0 \"", ",\"jsonrpc\":null",
        ",\"jsonrpc\":[\"2.0\"]", ",\"jsonrpc\":{}"})
    void requiresJsonrpcToBeTheString20(String member) {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: \\\"jsonrpc\\\" must be \\\"2.0\\\"\"}}",
                refusal("{\"id\":7,\"method\":\"ping\"" + member + "}"));
    }

    @Test
    void answersAWrongVersionWithoutIdWhenTheIdIsInvalidToo() {
        JsonRpc.Failure f = failure("{\"id\":{},\"method\":\"ping\"}");
        assertFalse(f.response().has("id"), "an unreadable id is omitted");
        assertEquals(RpcException.INVALID_REQUEST, code(f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "null", "true", "{}", "[\"ping\"]"})
    void requiresMethodToBeAString(String method) {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: \\\"method\\\" must be a string\"}}",
                refusal("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":" + method + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1,2]", "\"x\"", "1", "true", "null"})
    void requiresParamsToBeAnObject(String params) {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request: \\\"params\\\" must be an object\"}}",
                refusal("{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"method\":\"ping\",\"params\":" + params + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]"})
    void refusesBatchRequests(String batch) {
        JsonRpc.Failure f = failure(batch);
        assertEquals(RpcException.INVALID_REQUEST, code(f));
        assertFalse(f.response().has("id"), "an unreadable id is omitted");
        assertTrue(f.getMessage().contains("batch"), f.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "\"ping\"", "null", "true"})
    void refusesMessagesThatAreNotObjects(String text) {
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request: a message must be a JSON object\"}}",
                refusal(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", "{'jsonrpc':'2.0'}", "",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x", "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"})
    void answersParseErrorsWithoutId(String text) {
        JsonRpc.Failure f = failure(text);
        assertEquals(RpcException.PARSE_ERROR, code(f));
        assertTrue(f.getMessage().startsWith("Parse error: "), f.getMessage());
        assertFalse(f.response().has("id"), "an unreadable id is omitted");
        assertFalse(f.response().has("result"));
    }

    @Test
    void refusesJsonNestedBeyondTheLimitAsAParseError() {
        JsonRpc.Failure f = failure("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":[[[[[[[[1]]]]]]]]}}");
        assertEquals(RpcException.PARSE_ERROR, code(f));
        assertEquals("Parse error: JSON nested deeper than 8 levels", f.getMessage());
    }

    @Test
    void refusesMessagesLargerThanTheCapBeforeParsingThem() {
        String padding = "x".repeat(1000);
        String text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"p\":\"" + padding + "\"}}";
        JsonRpc.Failure f = failure(text);
        assertEquals(RpcException.INVALID_REQUEST, code(f));
        assertEquals("Invalid Request: message larger than 1000 bytes", f.getMessage());
        assertFalse(f.response().has("id"), "an unreadable id is omitted");
        // Over the cap, even broken JSON is refused for its size, not parsed.
        assertEquals(RpcException.INVALID_REQUEST, code(failure("{".repeat(1001))));
    }

    @Test
    void measuresTheCapInUtf8Bytes() throws JsonRpc.Failure {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"p\":\"";
        String tail = "\"}}";
        int room = 1000 - head.length() - tail.length();
        // 600 chars but 1,200 bytes: over the cap.
        JsonRpc.Failure f = failure(head + "\u00e9".repeat(600) + tail);
        assertEquals("Invalid Request: message larger than 1000 bytes", f.getMessage());
        // Three-byte and four-byte characters filling the cap exactly are accepted.
        String threeByte = "\u20ac".repeat(room / 3) + "x".repeat(room % 3);
        assertEquals(1000, (head + threeByte + tail).getBytes(StandardCharsets.UTF_8).length);
        assertEquals("ping", parse(head + threeByte + tail).method());
        String fourByte = "\ud83d\udd11".repeat(room / 4) + "x".repeat(room % 4);
        assertEquals(1000, (head + fourByte + tail).getBytes(StandardCharsets.UTF_8).length);
        assertEquals("ping", parse(head + fourByte + tail).method());
        assertEquals(RpcException.INVALID_REQUEST, code(failure(head + fourByte + "x" + tail)));
    }

    @Test
    void acceptsAMessageExactlyAtTheCap() throws JsonRpc.Failure {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"p\":\"";
        String tail = "\"}}";
        String text = head + "x".repeat(1000 - head.length() - tail.length()) + tail;
        assertEquals(1000, text.length());
        assertEquals("ping", parse(text).method());
        assertEquals(1000, rpc.maxBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"result\":{}", "\"error\":{}", "\"extra\":1", "\"Method\":\"x\"", "\"ID\":1"})
    void refusesUnexpectedMembersInARequest(String member) {
        String refusal = refusal("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"," + member + "}");
        String name = member.substring(1, member.indexOf('"', 1));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: unexpected member \\\"" + name + "\\\"\"}}",
                refusal);
    }

    @Test
    void refusesUnexpectedMembersInAResponseAndInANotification() {
        assertTrue(refusal("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"params\":{}}").contains("unexpected member \\\"params\\\""));
        assertTrue(refusal("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\",\"extra\":true}").contains("unexpected member \\\"extra\\\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"result\":{}}",
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"m\"}}",
        "{\"jsonrpc\":\"2.0\"}"})
    void refusesAResponseWithoutExactlyOneOfResultOrErrorOrWithoutId(String text) {
        JsonRpc.Failure f = failure(text);
        assertEquals(RpcException.INVALID_REQUEST, code(f));
        assertEquals("Invalid Request: a request needs \"method\"; a response needs \"id\" and one of \"result\" or \"error\"",
                f.getMessage());
    }

    @Test
    void buildsResultsErrorsAndNotifications() {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{\"x\":1}}",
                StrictJson.write(JsonRpc.result(new JsonPrimitive("a"), parseObject("{\"x\":1}"))));
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}",
                StrictJson.write(JsonRpc.error(null, new RpcException(RpcException.INTERNAL_ERROR, "Internal error"))));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32010,\"message\":\"slow\",\"data\":{\"retryAfterMs\":5}}}",
                StrictJson.write(JsonRpc.error(new JsonPrimitive(2), new RpcException(RpcException.RATE_LIMITED, "slow",
                        parseObject("{\"retryAfterMs\":5}")))));
        assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\"}}",
                StrictJson.write(JsonRpc.notification("notifications/message", parseObject("{\"level\":\"info\"}"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "c3", "c0a9", "eda080"}) // a stray byte, a cut sequence, an overlong form, a surrogate
    void answersInvalidUtf8WithAParseErrorWithoutId(String hex) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"".getBytes(StandardCharsets.UTF_8));
        message.writeBytes(HexFormat.of().parseHex(hex));
        message.writeBytes("\"}}".getBytes(StandardCharsets.UTF_8));
        JsonRpc.Failure f = assertThrows(JsonRpc.Failure.class, () -> rpc.parse(message.toByteArray()));
        assertEquals("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error: the message is not valid UTF-8\"}}",
                StrictJson.write(f.response()));
    }

    @Test
    void usesTheStandardErrorCodes() {
        assertEquals(-32700, RpcException.PARSE_ERROR);
        assertEquals(-32600, RpcException.INVALID_REQUEST);
        assertEquals(-32601, RpcException.METHOD_NOT_FOUND);
        assertEquals(-32602, RpcException.INVALID_PARAMS);
        assertEquals(-32603, RpcException.INTERNAL_ERROR);
        assertEquals(-32010, RpcException.RATE_LIMITED);
    }

    private static JsonObject parseObject(String text) {
        try {
            return new StrictJson(8).parse(text).getAsJsonObject();
        } catch (vaultmcp.json.JsonException e) {
            throw new AssertionError(e);
        }
    }
}
