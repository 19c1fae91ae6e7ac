package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;

class ArgsTest {
    private static final JsonObject SCHEMA = object("""
            {"type": "object", "additionalProperties": false, "required": ["name"], "properties": {
              "name":  {"type": "string", "description": "d", "minLength": 1, "maxLength": 5},
              "mode":  {"type": "string", "description": "d", "enum": ["a", "b"], "default": "a"},
              "code":  {"type": "string", "description": "d", "minLength": 2, "pattern": "[a-z]+"},
              "free":  {"type": "string", "description": "d"},
              "flag":  {"type": "boolean", "description": "d", "default": false},
              "count": {"type": "integer", "description": "d", "minimum": 1, "maximum": 10},
              "big":   {"type": "integer", "description": "d"},
              "tags":  {"type": "object", "description": "d"}}}""");

    static JsonObject object(String text) {
        try {
            return new StrictJson(64).parse(text).getAsJsonObject();
        } catch (JsonException e) {
            throw new AssertionError(text, e);
        }
    }

    private static Args check(String input) throws ToolException {
        return Args.check(SCHEMA, object(input));
    }

    private static String refused(String input) {
        return assertThrows(ToolException.class, () -> check(input), input).getMessage();
    }

    private static String schemaRefused(String property) {
        JsonObject schema = object("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"p\":" + property + "}}");
        return assertThrows(IllegalStateException.class, () -> Args.checkSchema("t", schema), property).getMessage();
    }

    @Test
    void appliesDefaultsOnTheServer() throws ToolException {
        Args args = check("{\"name\":\"x\"}");
        assertEquals("x", args.string("name"));
        assertEquals("a", args.string("mode"));
        assertTrue(args.has("flag"));
        assertFalse(args.bool("flag"));
        assertFalse(args.has("count"));
        assertNull(args.integer("count"));
        assertNull(args.string("free"));
        assertNull(args.raw("tags"));
        assertFalse(args.has("nope"));
    }

    @Test
    void treatsNullAsAbsentSoTheDefaultApplies() throws ToolException {
        Args args = check("{\"name\":\"x\",\"mode\":null,\"flag\":null,\"free\":null}");
        assertEquals("a", args.string("mode"));
        assertFalse(args.bool("flag"));
        assertNull(args.string("free"));
    }

    @Test
    void readsEveryType() throws ToolException {
        Args args = check("{\"name\":\"x\",\"mode\":\"b\",\"code\":\"ab\",\"free\":\"\",\"flag\":true,\"count\":10,\"big\":-5,\"tags\":{\"k\":\"v\"}}");
        assertEquals("b", args.string("mode"));
        assertEquals("ab", args.string("code"));
        assertEquals("", args.string("free"));
        assertTrue(args.bool("flag"));
        assertEquals(10L, args.integer("count"));
        assertEquals(-5L, args.integer("big"));
        assertEquals("v", args.raw("tags").getAsJsonObject().get("k").getAsString());
    }

    @Test
    void refusesUnknownArguments() {
        assertEquals("Invalid arguments: unknown argument \"zzz\".", refused("{\"name\":\"x\",\"zzz\":1}"));
        String longName = "n".repeat(200);
        String message = refused("{\"name\":\"x\",\"" + longName + "\":1}");
        assertEquals("Invalid arguments: unknown argument \"" + "n".repeat(40) + "...\".", message);
    }

    @Test
    void refusesEveryArgumentWhenTheSchemaHasNoProperties() {
        JsonObject empty = object("{\"type\":\"object\",\"additionalProperties\":false}");
        ToolException e = assertThrows(ToolException.class, () -> Args.check(empty, object("{\"a\":1}")));
        assertEquals("Invalid arguments: unknown argument \"a\".", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"name\":1|\"name\" must be a string", "\"name\":true|\"name\" must be a string", "\"name\":[\"x\"]|\"name\" must be a string",
        "\"name\":{}|\"name\" must be a string",
        "\"flag\":\"true\"|\"flag\" must be true or false", "\"flag\":1|\"flag\" must be true or false", "\"flag\":{}|\"flag\" must be true or false",
        "\"big\":\"1\"|\"big\" must be a whole number", "\"big\":true|\"big\" must be a whole number", "\"big\":[1]|\"big\" must be a whole number",
        "\"tags\":[]|\"tags\" must be an object", "\"tags\":\"k=v\"|\"tags\" must be an object",
        "\"tags\":{\"k\":1}|\"tags\" must map names to strings (\"k\" does not)",
        "\"tags\":{\"k\":null}|\"tags\" must map names to strings (\"k\" does not)",
        "\"tags\":{\"k\":{\"x\":\"y\"}}|\"tags\" must map names to strings (\"k\" does not)"})
    void refusesWrongTypes(String member, String problem) {
        String input = member.startsWith("\"name\"") ? "{" + member + "}" : "{\"name\":\"x\"," + member + "}";
        assertEquals("Invalid arguments: " + problem + ".", refused(input));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1.0,1", "1.000,1", "1e0,1", "10E-1,1", "0,0", "-0,0", "-7,-7", "2e3,2000",
        "9223372036854775807,9223372036854775807", "-9223372036854775807,-9223372036854775807"})
    void acceptsWholeNumbersInAnyNotation(String number, long value) throws ToolException {
        assertEquals(value, check("{\"name\":\"x\",\"big\":" + number + "}").integer("big"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "0.1", "1e-1", "10.00001", "9223372036854775808", "-9223372036854775809", "1e19", "1e400",
        "123456789012345678901234567890"})
    void refusesFractionsAndNumbersOutOfRange(String number) {
        assertEquals("Invalid arguments: \"big\" must be a whole number.", refused("{\"name\":\"x\",\"big\":" + number + "}"));
    }

    @Test
    void checksStringLengths() {
        assertEquals("Invalid arguments: \"name\" must not be empty.", refused("{\"name\":\"\"}"));
        assertEquals("Invalid arguments: \"name\" is longer than 5 characters.", refused("{\"name\":\"abcdef\"}"));
        assertEquals("Invalid arguments: \"code\" is shorter than 2 characters.", refused("{\"name\":\"x\",\"code\":\"a\"}"));
    }

    @Test
    void capsEveryStringWhateverTheSchemaSays() throws ToolException {
        assertEquals(Args.MAX_STRING, check("{\"name\":\"x\",\"free\":\"" + "f".repeat(Args.MAX_STRING) + "\"}").string("free").length());
        assertEquals("Invalid arguments: \"free\" is longer than " + Args.MAX_STRING + " characters.",
                refused("{\"name\":\"x\",\"free\":\"" + "f".repeat(Args.MAX_STRING + 1) + "\"}"));
        JsonObject generous = object("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":"
                + "{\"s\":{\"type\":\"string\",\"description\":\"d\",\"maxLength\":1000000}}}");
        ToolException e = assertThrows(ToolException.class,
                () -> Args.check(generous, object("{\"s\":\"" + "s".repeat(Args.MAX_STRING + 1) + "\"}")));
        assertEquals("Invalid arguments: \"s\" is longer than " + Args.MAX_STRING + " characters.", e.getMessage());
    }

    @Test
    void checksEnumsPatternsAndBounds() throws ToolException {
        assertEquals("Invalid arguments: \"mode\" must be one of [\"a\",\"b\"].", refused("{\"name\":\"x\",\"mode\":\"c\"}"));
        assertEquals("Invalid arguments: \"code\" must match [a-z]+.", refused("{\"name\":\"x\",\"code\":\"ab1\"}"));
        assertEquals("Invalid arguments: \"count\" must be at least 1.", refused("{\"name\":\"x\",\"count\":0}"));
        assertEquals("Invalid arguments: \"count\" must be at most 10.", refused("{\"name\":\"x\",\"count\":11}"));
        assertEquals("Invalid arguments: \"count\" must be at most 10.", refused("{\"name\":\"x\",\"count\":1e3}"));
        assertEquals(1L, check("{\"name\":\"x\",\"count\":1}").integer("count"));
    }

    @Test
    void requiresRequiredArguments() {
        assertEquals("Invalid arguments: \"name\" is required.", refused("{}"));
        assertEquals("Invalid arguments: \"name\" is required.", refused("{\"mode\":\"a\"}"));
    }

    @Test
    void treatsNullForARequiredArgumentAsMissing() {
        assertEquals("Invalid arguments: \"name\" is required.", refused("{\"name\":null}"));
    }

    @Test
    void reportsAWrongTypeOnceNotAlsoAsMissing() {
        assertEquals("Invalid arguments: \"name\" must be a string.", refused("{\"name\":5}"));
    }

    @Test
    void reportsEveryProblemInOneMessage() {
        assertEquals("Invalid arguments: unknown argument \"zzz\"; \"mode\" must be one of [\"a\",\"b\"]; \"flag\" must be true or false; "
                + "\"count\" must be at least 1; \"name\" is required.",
                refused("{\"zzz\":1,\"mode\":\"c\",\"flag\":\"no\",\"count\":0}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"free\":\"a\\ud800b\"", "\"free\":\"\\udc00\"", "\"free\":\"x\\udfff\\ud800\"", "\"free\":\"\\ud83d\"",
        "\"tags\":{\"k\\ud800\":\"v\"}", "\"tags\":{\"k\":\"v\\udc00\"}", "\"tags\":{\"ok\":\"v\",\"\\ud83d\":\"v\"}"})
    void refusesUnpairedSurrogatesInAnyStringSoTwoKeysCannotCollideAtVault(String member) {
        String name = member.substring(1, member.indexOf('"', 1));
        assertEquals("Invalid arguments: \"" + name + "\" contains an unpaired UTF-16 surrogate.",
                refused("{\"name\":\"x\"," + member + "}"));
    }

    @Test
    void acceptsPairedSurrogatesInStringsAndMaps() throws ToolException {
        Args args = check("{\"name\":\"\\ud83d\\udd11\",\"tags\":{\"\\ud83d\\udd11\":\"\\ud83d\\udd11\"}}");
        assertEquals("\ud83d\udd11", args.string("name"));
        assertEquals("\ud83d\udd11", args.raw("tags").getAsJsonObject().get("\ud83d\udd11").getAsString());
    }

    @Test
    void acceptsTheSchemaSubsetItEnforces() {
        Args.checkSchema("t", SCHEMA);
        Args.checkSchema("t", object("{\"type\":\"object\",\"additionalProperties\":false}"));
        Args.checkSchema("t", object("{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"));
    }

    @Test
    void refusesASchemaThatIsNotAClosedObject() {
        assertEquals("manifest entry t: inputSchema type must be object", assertThrows(IllegalStateException.class,
                () -> Args.checkSchema("t", object("{\"type\":\"string\",\"additionalProperties\":false}"))).getMessage());
        assertEquals("manifest entry t: inputSchema needs additionalProperties: false", assertThrows(IllegalStateException.class,
                () -> Args.checkSchema("t", object("{\"type\":\"object\"}"))).getMessage());
        assertEquals("manifest entry t: inputSchema needs additionalProperties: false", assertThrows(IllegalStateException.class,
                () -> Args.checkSchema("t", object("{\"type\":\"object\",\"additionalProperties\":true}"))).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"format", "items", "oneOf", "$ref", "exclusiveMinimum", "const", "multipleOf"})
    void refusesSchemaKeywordsItDoesNotEnforce(String keyword) {
        assertTrue(schemaRefused("{\"type\":\"string\",\"description\":\"d\",\"" + keyword + "\":1}")
                .startsWith("manifest entry t: unsupported schema keyword " + keyword));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"number\"", "\"list\"", "\"null\"", "\"STRING\""})
    void refusesTypesItDoesNotEnforce(String type) {
        assertEquals("manifest entry t: p: unsupported type", schemaRefused("{\"type\":" + type + ",\"description\":\"d\"}"));
    }

    @Test
    void refusesAPropertyWithoutTypeOrDescription() {
        assertEquals("manifest entry t: p: unsupported type", schemaRefused("{\"description\":\"d\"}"));
        assertEquals("manifest entry t: p: needs a description", schemaRefused("{\"type\":\"string\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"string\",\"description\":\"d\",\"default\":1}",
        "{\"type\":\"string\",\"description\":\"d\",\"enum\":[\"a\"],\"default\":\"b\"}",
        "{\"type\":\"string\",\"description\":\"d\",\"minLength\":1,\"default\":\"\"}",
        "{\"type\":\"integer\",\"description\":\"d\",\"minimum\":1,\"default\":0}",
        "{\"type\":\"integer\",\"description\":\"d\",\"default\":1.5}",
        "{\"type\":\"boolean\",\"description\":\"d\",\"default\":\"false\"}"})
    void refusesADefaultThatViolatesItsOwnSchema(String property) {
        assertEquals("manifest entry t: p: default violates its own schema", schemaRefused(property));
    }

    @Test
    void checksListsAgainstTheirItemsAndBounds() throws ToolException {
        JsonObject schema = object("{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"array\",\"description\":\"d\","
                + "\"minItems\":1,\"maxItems\":3,\"items\":{\"type\":\"integer\",\"minimum\":1}}},\"additionalProperties\":false}");
        assertEquals(2, Args.check(schema, object("{\"v\":[1,2]}")).raw("v").getAsJsonArray().size());
        for (String[] bad : new String[][] {{"[]", "must hold 1 to 3 items"}, {"[1,2,3,4]", "must hold 1 to 3 items"},
            {"[1,0]", "item 2 must be at least 1"}, {"[\"1\"]", "item 1 must be a whole number"}, {"1", "must be a list"}}) {
            ToolException e = assertThrows(ToolException.class, () -> Args.check(schema, object("{\"v\":" + bad[0] + "}")));
            assertTrue(e.getMessage().contains("\"v\" " + bad[1]), e.getMessage());
        }
        assertTrue(schemaRefused("{\"type\":\"array\",\"description\":\"d\",\"items\":{\"type\":\"string\"}}")
                .contains("a list needs maxItems"));
        assertTrue(schemaRefused("{\"type\":\"array\",\"description\":\"d\",\"maxItems\":2,\"items\":{\"type\":\"object\"}}")
                .contains("items of type string or integer"));
    }

    @Test
    void anObjectMayHoldNullsOnlyWhereItsSchemaSaysSo() throws ToolException {
        JsonObject nullable = object("{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"object\",\"description\":\"d\","
                + "\"additionalProperties\":{\"type\":[\"string\",\"null\"]}}},\"additionalProperties\":false}");
        assertTrue(Args.check(nullable, object("{\"d\":{\"a\":null,\"b\":\"x\"}}")).raw("d").getAsJsonObject().get("a").isJsonNull());
        JsonObject strings = object("{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"object\",\"description\":\"d\","
                + "\"additionalProperties\":{\"type\":\"string\"}}},\"additionalProperties\":false}");
        assertThrows(ToolException.class, () -> Args.check(strings, object("{\"d\":{\"a\":null}}")));
    }
}
