package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import vaultmcp.config.Limits;
import vaultmcp.json.StrictJson;

/**
 * A tool's arguments after checking them against the tool's input schema from the manifest:
 * no unknown names, the right types, required ones present, lengths within bounds, and every
 * schema default applied here on the server (the Go server only advertised its defaults).
 * Handles the small schema subset the manifest uses; {@link #checkSchema} refuses any other.
 */
public final class Args {
    /** Upper bound for any string argument, whatever the schema says. */
    static final int MAX_STRING = Limits.MAX_ARGUMENT_CHARS;

    static final Set<String> SCHEMA_KEYWORDS = Set.of("type", "description", "properties", "required",
            "additionalProperties", "default", "enum", "minLength", "maxLength", "minimum", "maximum",
            "pattern", "title", "items", "minItems", "maxItems");
    private static final Set<String> TYPES = Set.of("string", "boolean", "integer", "object", "array");
    private static final String UNPAIRED = "contains an unpaired UTF-16 surrogate";

    private final JsonObject values;

    private Args(JsonObject values) {
        this.values = values;
    }

    /** Validates {@code input} against {@code schema}; all problems are reported in one message. */
    public static Args check(JsonObject schema, JsonObject input) throws ToolException {
        List<String> problems = new ArrayList<>();
        JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
        JsonObject values = new JsonObject();
        for (String name : input.keySet()) {
            if (!properties.has(name)) {
                problems.add("unknown argument \"" + shorten(name) + "\"");
            }
        }
        for (String name : properties.keySet()) {
            JsonObject property = properties.getAsJsonObject(name);
            JsonElement value = input.get(name);
            if (value == null || value.isJsonNull()) {
                value = property.get("default");
            }
            if (value == null) {
                continue;
            }
            String problem = checkValue(property, value);
            if (problem != null) {
                problems.add("\"" + name + "\" " + problem);
            } else {
                values.add(name, value);
            }
        }
        if (schema.has("required")) {
            for (JsonElement name : schema.getAsJsonArray("required")) {
                // Missing unless it has a value or was given one of the wrong type (reported above).
                JsonElement given = input.get(name.getAsString());
                if (!values.has(name.getAsString()) && (given == null || given.isJsonNull())) {
                    problems.add("\"" + name.getAsString() + "\" is required");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ToolException("Invalid arguments: " + String.join("; ", problems) + ".");
        }
        return new Args(values);
    }

    private static String checkValue(JsonObject property, JsonElement value) {
        switch (property.get("type").getAsString()) {
            case "string":
                if (!isString(value)) {
                    return "must be a string";
                }
                String s = value.getAsString();
                int max = property.has("maxLength") ? property.get("maxLength").getAsInt() : MAX_STRING;
                if (s.length() > Math.min(max, MAX_STRING)) {
                    return "is longer than " + Math.min(max, MAX_STRING) + " characters";
                }
                if (unpaired(s)) {
                    return UNPAIRED;
                }
                if (property.has("minLength") && s.length() < property.get("minLength").getAsInt()) {
                    return s.isEmpty() ? "must not be empty"
                            : "is shorter than " + property.get("minLength") + " characters";
                }
                if (property.has("enum") && !property.getAsJsonArray("enum").contains(value)) {
                    return "must be one of " + property.getAsJsonArray("enum");
                }
                if (property.has("pattern") && !s.matches(property.get("pattern").getAsString())) {
                    return "must match " + property.get("pattern").getAsString();
                }
                return null;
            case "boolean":
                return value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()
                        ? null : "must be true or false";
            case "integer":
                BigDecimal n = integer(value);
                if (n == null) {
                    return "must be a whole number";
                }
                if (property.has("minimum") && n.compareTo(property.get("minimum").getAsBigDecimal()) < 0) {
                    return "must be at least " + property.get("minimum");
                }
                if (property.has("maximum") && n.compareTo(property.get("maximum").getAsBigDecimal()) > 0) {
                    return "must be at most " + property.get("maximum");
                }
                return null;
            case "array":
                return checkArray(property, value);
            default: // "object": a map of string values (or null, where the schema says so)
                if (!value.isJsonObject()) {
                    return "must be an object";
                }
                boolean nulls = property.has("additionalProperties")
                        && property.getAsJsonObject("additionalProperties").get("type").isJsonArray();
                for (var entry : value.getAsJsonObject().entrySet()) {
                    if (unpaired(entry.getKey())) {
                        return UNPAIRED;
                    }
                    if (nulls && entry.getValue().isJsonNull()) {
                        continue;
                    }
                    if (!isString(entry.getValue()) || entry.getValue().getAsString().length() > MAX_STRING) {
                        return "must map names to strings (\"" + shorten(entry.getKey()) + "\" does not)";
                    }
                    if (unpaired(entry.getValue().getAsString())) {
                        return UNPAIRED;
                    }
                }
                return null;
        }
    }

    /** A list of items of one type, its length within minItems and maxItems, each item checked by {@code items}. */
    private static String checkArray(JsonObject property, JsonElement value) {
        if (!value.isJsonArray()) {
            return "must be a list";
        }
        int size = value.getAsJsonArray().size();
        int min = property.has("minItems") ? property.get("minItems").getAsInt() : 0;
        if (size < min || size > property.get("maxItems").getAsInt()) {
            return "must hold " + min + " to " + property.get("maxItems") + " items";
        }
        for (int i = 0; i < size; i++) {
            String problem = checkValue(property.getAsJsonObject("items"), value.getAsJsonArray().get(i));
            if (problem != null) {
                return "item " + (i + 1) + " " + problem;
            }
        }
        return null;
    }

    /**
     * Refuses a manifest schema this class would not enforce completely: a keyword or type it
     * does not know would otherwise be advertised to clients but silently not checked.
     */
    static void checkSchema(String tool, JsonObject schema) {
        require(tool, "object".equals(schema.get("type").getAsString()), "inputSchema type must be object");
        require(tool, schema.has("additionalProperties") && !schema.get("additionalProperties").getAsBoolean(),
                "inputSchema needs additionalProperties: false");
        JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
        for (String name : properties.keySet()) {
            JsonObject property = properties.getAsJsonObject(name);
            for (String keyword : property.keySet()) {
                require(tool, SCHEMA_KEYWORDS.contains(keyword), "unsupported schema keyword ", keyword);
            }
            require(tool, property.has("type") && TYPES.contains(property.get("type").getAsString()),
                    name, ": unsupported type");
            require(tool, property.has("description"), name, ": needs a description");
            boolean array = property.get("type").getAsString().equals("array");
            require(tool, array || !property.has("items") && !property.has("minItems") && !property.has("maxItems"),
                    "unsupported schema keyword ", property.has("items") ? "items" : "minItems/maxItems",
                    " on a ", property.get("type").getAsString());
            if (array) {
                JsonObject items = property.has("items") ? property.getAsJsonObject("items") : new JsonObject();
                require(tool, property.has("maxItems") && items.has("type")
                        && Set.of("string", "integer").contains(items.get("type").getAsString())
                        && SCHEMA_KEYWORDS.containsAll(items.keySet()), name, ": a list needs maxItems and "
                        + "items of type string or integer");
            }
            if (property.get("type").getAsString().equals("object") && property.has("additionalProperties")) {
                String values = StrictJson.write(property.getAsJsonObject("additionalProperties").get("type"));
                require(tool, values.equals("\"string\"") || values.equals("[\"string\",\"null\"]"),
                        name, ": object values must be strings, or strings and null");
            }
            if (property.has("default")) {
                require(tool, checkValue(property, property.get("default")) == null,
                        name, ": default violates its own schema");
            }
        }
    }

    /** {@code problem}: the parts of the message, joined only on failure. */
    private static void require(String tool, boolean condition, String... problem) {
        if (!condition) {
            throw new IllegalStateException("manifest entry " + tool + ": " + String.join("", problem));
        }
    }

    public boolean has(String name) {
        return values.has(name);
    }

    /** A string argument, or null when it is optional, absent and has no default. */
    public String string(String name) {
        return values.has(name) ? values.get(name).getAsString() : null;
    }

    public boolean bool(String name) {
        return values.has(name) && values.get(name).getAsBoolean();
    }

    /** An integer argument, or null when absent. */
    public Long integer(String name) {
        return values.has(name) ? integer(values.get(name)).longValueExact() : null;
    }

    /** An argument as the JSON it was given (after the schema check), or null when absent. */
    public JsonElement raw(String name) {
        return values.get(name);
    }

    /** Those of {@code names} that have a value, under their own names: a request body. */
    public JsonObject copy(String... names) {
        JsonObject out = new JsonObject();
        Stream.of(names).filter(values::has).forEach(name -> out.add(name, values.get(name)));
        return out;
    }

    /**
     * A surrogate without its pair: Vault would receive it as "?", so two different names (of a
     * secret key, say) would collide into one.
     */
    private static boolean unpaired(String s) {
        return s.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE);
    }

    private static boolean isString(JsonElement value) {
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
    }

    private static BigDecimal integer(JsonElement value) {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        try {
            BigDecimal n = new BigDecimal(value.getAsJsonPrimitive().getAsNumber().toString());
            return n.stripTrailingZeros().scale() <= 0 && n.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                    ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
