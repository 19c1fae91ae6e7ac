package vaultmcp.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.StringWriter;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.config.Limits;

class StrictJsonTest {
    private final StrictJson json = new StrictJson(Limits.MAX_JSON_DEPTH);

    private JsonException refused(String text) {
        return assertThrows(JsonException.class, () -> json.parse(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'a':1}", "['x']", "{a:1}", "NaN", "[NaN]", "[Infinity]", "[-Infinity]",
        "{\"a\":1 /* c */}", "// c\n1", "# c\n1", "[1,]", "{\"a\":1,}", "[,1]", "{\"a\" 1}", "{\"a\":1;\"b\":2}",
        "01", "+1", ".5", "1.", "0x10", "-", "tru", "True", "nul", "undefined", "\"abc", "[1,2", "{\"a\":1",
        "\"tab\there\"", "\"bad escape \\'\"", "\"\\x41\"", "", "   ", "[1] [2]", "{}{}", "1 2", "\"a\" x", "[1] x"})
    void rejectsAnythingThatIsNotStrictJson(String text) {
        JsonException e = refused(text);
        assertTrue(e.getMessage().startsWith("malformed JSON") || e.getMessage().startsWith("trailing data"), e.getMessage());
    }

    @Test
    void rejectsTrailingDataAfterTheValue() {
        for (String text : new String[] {"{\"a\":1} {\"b\":2}", "[1]]", "{\"a\":1}}", "1 x", "null null"}) {
            JsonException e = refused(text);
            assertTrue(e.getMessage().contains("line 1 column"), e.getMessage());
        }
    }

    @Test
    void acceptsSurroundingWhitespace() throws JsonException {
        assertEquals("{\"a\":1}", StrictJson.write(json.parse(" \t\r\n{\"a\":1}\r\n ")));
    }

    @Test
    void errorMessagesCarryNoAdviceOrAddressesFromGson() {
        for (String text : new String[] {"{'a':1}", "{a:1}", "[1,]", "[1] x", "\"abc", "{\"a\":1,}", "NaN", "[1,2", "// c\n1"}) {
            String message = refused(text).getMessage();
            assertFalse(message.contains("http"), message);
            assertFalse(message.contains("Troubleshooting"), message);
            assertFalse(message.contains("setStrictness") || message.contains("LENIENT") || message.contains("setLenient"), message);
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void acceptsArraysNestedExactlyToTheLimit() throws JsonException {
        StrictJson five = new StrictJson(5);
        assertEquals("[[[[[1]]]]]", StrictJson.write(five.parse("[[[[[1]]]]]")));
        JsonException e = assertThrows(JsonException.class, () -> five.parse("[[[[[[1]]]]]]"));
        assertEquals("JSON nested deeper than 5 levels", e.getMessage());
    }

    @Test
    void acceptsObjectsNestedExactlyToTheLimit() throws JsonException {
        StrictJson three = new StrictJson(3);
        assertEquals("{\"a\":{\"b\":{\"c\":1}}}", StrictJson.write(three.parse("{\"a\":{\"b\":{\"c\":1}}}")));
        JsonException e = assertThrows(JsonException.class, () -> three.parse("{\"a\":{\"b\":{\"c\":{}}}}"));
        assertEquals("JSON nested deeper than 3 levels", e.getMessage());
        JsonException mixed = assertThrows(JsonException.class, () -> three.parse("[{\"a\":[[]]}]"));
        assertEquals("JSON nested deeper than 3 levels", mixed.getMessage());
    }

    @Test
    void enforcesTheConfiguredProductionDepth() throws JsonException {
        int limit = Limits.MAX_JSON_DEPTH;
        json.parse("[".repeat(limit) + "]".repeat(limit));
        JsonException e = refused("[".repeat(limit + 1) + "]".repeat(limit + 1));
        assertEquals("JSON nested deeper than " + limit + " levels", e.getMessage());
        // Far deeper than gson's own limit: refused by ours first, without a stack overflow.
        refused("[".repeat(100_000));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertEquals("duplicate key \"a\"", refused("{\"a\":1,\"a\":1}").getMessage());
        assertEquals("duplicate key \"b\"", refused("{\"a\":{\"b\":1,\"c\":2,\"b\":3}}").getMessage());
        assertEquals("duplicate key \"x\"", refused("[1,{\"x\":null,\"x\":null}]").getMessage());
        // Keys are compared after unescaping: "\u0061" is "a".
        assertEquals("duplicate key \"a\"", refused("{\"a\":1,\"\\u0061\":2}").getMessage());
    }

    @Test
    void shortensLongDuplicateKeysInTheMessage() {
        String key = "k".repeat(1000);
        String message = refused("{\"" + key + "\":1,\"" + key + "\":2}").getMessage();
        assertTrue(message.length() < 100, message);
    }

    @Test
    void keepsEqualKeysInDifferentObjects() throws JsonException {
        assertEquals("[{\"a\":1},{\"a\":2}]", StrictJson.write(json.parse("[{\"a\":1},{\"a\":2}]")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9007199254740993", "1.50", "-0", "1e5", "1E+5", "1.0e-3", "-12.340E-10", "0",
        "123456789012345678901234567890", "0.30000000000000000000001"})
    void keepsTheExactTextOfNumbers(String number) throws JsonException {
        assertEquals("[" + number + "]", StrictJson.write(json.parse("[" + number + "]")));
        assertEquals("{\"n\":" + number + "}", StrictJson.write(json.parse("{\"n\":" + number + "}")));
        assertEquals(number, StrictJson.write(json.parse(number)));
    }

    @Test
    void refusesNumbersLongerThanAThousandCharacters() throws JsonException {
        // gson gives up on a number longer than its 1024-char buffer; that bounds what BigDecimal
        // (quadratic in the digits) is ever asked to parse downstream, e.g. in Args.
        String ok = "1." + "0".repeat(1000);
        assertEquals(ok, StrictJson.write(json.parse(ok)));
        String tooLong = "1." + "0".repeat(1100);
        assertTrue(assertThrows(JsonException.class, () -> json.parse(tooLong)).getMessage().startsWith("malformed JSON"));
    }

    @Test
    void readsNumbersExactlyAsValues() throws JsonException {
        JsonElement n = json.parse("9007199254740993");
        assertEquals(9007199254740993L, n.getAsLong());
        assertEquals(new BigDecimal("9007199254740993"), n.getAsBigDecimal());
        assertTrue(n.getAsJsonPrimitive().isNumber());
    }

    @Test
    void keepsNullMembersAndDoesNotEscapeHtml() throws JsonException {
        JsonObject o = json.parse("{\"a\":null,\"b\":\"<tag>&'\"}").getAsJsonObject();
        assertEquals(JsonNull.INSTANCE, o.get("a"));
        assertEquals("{\"a\":null,\"b\":\"<tag>&'\"}", StrictJson.write(o));
    }

    @Test
    void readsEscapesAndUnicode() throws JsonException {
        assertEquals("a\"b\\c\nd\u00e9\ud83d\ude00", json.parse("\"a\\\"b\\\\c\\nd\\u00e9\ud83d\ude00\"").getAsString());
        assertEquals("\"line\\nbreak\"", StrictJson.write(json.parse("\"line\\nbreak\"")));
    }

    @Test
    void writesByteForByteWhatGsonWritesSoDigestsStayTheSame() throws Exception {
        JsonObject tree = json.parse("{\"s\":\"\\u2028 \\u0000 \\\" \\\\ \u00e9 <>&=\",\"n\":[1.50,-0,1e3,9007199254740993],"
                + "\"b\":[true,false],\"z\":null,\"o\":{\"\":{},\"a\":[]}}").getAsJsonObject();
        tree.addProperty("added", 3L);
        tree.addProperty("text", "line\nbreak\t\u007f");
        String gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(tree);
        assertEquals(gson, StrictJson.write(tree));
        StringWriter out = new StringWriter();
        StrictJson.write(tree, out);
        assertEquals(gson, out.toString());
    }

    @Test
    void readsScalarsAtTheTopLevel() throws JsonException {
        assertEquals(JsonNull.INSTANCE, json.parse("null"));
        assertTrue(json.parse("true").getAsBoolean());
        assertEquals("x", json.parse("\"x\"").getAsString());
    }
}
