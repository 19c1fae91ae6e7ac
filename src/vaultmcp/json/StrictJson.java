package vaultmcp.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;

/**
 * Strict JSON text to gson tree and back, for everything from outside: MCP clients and Vault itself. Trusts
 * nothing: RFC 8259 only (gson STRICT), a nesting limit, no trailing data, and duplicate object keys are
 * rejected (RFC 8259 leaves them undefined, and a reviewer should never have to wonder which of two values
 * won). Numbers keep their exact text, so a request id like 9007199254740993 or 1.50 is echoed byte for byte.
 * Trees are written with gson's {@code JsonWriter} alone: no {@code Gson} instance, whose set-up is slow.
 */
public final class StrictJson {
    private final int maxDepth;

    public StrictJson(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** Parses one complete JSON document; the caller has already capped its size. */
    public JsonElement parse(String text) throws JsonException {
        return parse(new StringReader(text));
    }

    /** The same, read from {@code in} (which is closed). */
    public JsonElement parse(Reader in) throws JsonException {
        try (JsonReader reader = new JsonReader(in)) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement value = read(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonException("trailing data after the JSON value");
            }
            return value;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // gson's messages name positions and tokens only, never other input; keep them short.
            throw new JsonException("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Serialises a tree compactly, as gson writes it: nulls inside objects kept, no HTML escaping. */
    public static String write(JsonElement value) {
        return value.toString();
    }

    /** The same, straight into {@code out} (not flushed): a large answer is never copied into one string. */
    public static void write(JsonElement value, Writer out) throws IOException {
        write(new JsonWriter(out), value);
    }

    private static void write(JsonWriter out, JsonElement value) throws IOException {
        if (value instanceof JsonObject object) {
            out.beginObject();
            for (var member : object.entrySet()) {
                write(out.name(member.getKey()), member.getValue());
            }
            out.endObject();
        } else if (value instanceof JsonArray array) {
            out.beginArray();
            for (JsonElement element : array) {
                write(out, element);
            }
            out.endArray();
        } else if (value instanceof JsonPrimitive p && p.isString()) {
            out.value(p.getAsString()); // escaped as it streams: a long string is never copied
        } else {
            out.jsonValue(value.toString()); // a number (its exact text), a boolean or null, as gson writes it
        }
    }

    private JsonElement read(JsonReader reader, int depth) throws IOException, JsonException {
        JsonToken token = reader.peek();
        if ((token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY) && depth >= maxDepth) {
            throw new JsonException("JSON nested deeper than " + maxDepth + " levels");
        }
        switch (token) {
            case BEGIN_OBJECT:
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new JsonException("duplicate key \"" + shorten(name) + "\"");
                    }
                    object.add(name, read(reader, depth + 1));
                }
                reader.endObject();
                return object;
            case BEGIN_ARRAY:
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, depth + 1));
                }
                reader.endArray();
                return array;
            case STRING:
                return new JsonPrimitive(reader.nextString());
            case NUMBER:
                return new JsonPrimitive(new ExactNumber(reader.nextString()));
            case BOOLEAN:
                return new JsonPrimitive(reader.nextBoolean());
            case NULL:
                reader.nextNull();
                return JsonNull.INSTANCE;
            default:
                throw new JsonException("unexpected " + token);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String line = message.lines().findFirst().orElse("");
        // Drop gson's advice to the programmer; keep the position.
        return line.replaceAll("Use JsonReader\\.setStrictness\\(Strictness\\.LENIENT\\) to accept malformed JSON ", "")
                .replaceAll("\\s*See https?://\\S+", "").trim();
    }

    /** A JSON number that keeps the exact text it was read from; gson compares numbers by value, not with equals. */
    static final class ExactNumber extends Number {
        private static final long serialVersionUID = 1L;
        private final String text;

        ExactNumber(String text) {
            this.text = text;
        }

        @Override public int intValue() { return (int) longValue(); }
        @Override public long longValue() { return new java.math.BigDecimal(text).longValue(); }
        @Override public float floatValue() { return Float.parseFloat(text); }
        @Override public double doubleValue() { return Double.parseDouble(text); }
        @Override public String toString() { return text; }
    }
}
