package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Collection;

/** Lenient reads of single fields of Vault's answers, where a missing field has a plain default; arrays from lists. */
final class Field {
    private Field() {}

    /** A primitive as text; empty when absent or not a primitive. */
    static String text(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }

    /** A number; 0 when absent or not a number. */
    static long number(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsLong() : 0;
    }

    /** A boolean; false when absent or not a boolean. */
    static boolean bool(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    /** An object; empty when absent or not an object. */
    static JsonObject object(JsonElement e) {
        return e instanceof JsonObject o ? o : new JsonObject();
    }

    /** The elements in order, as a JSON array. */
    static JsonArray array(Collection<? extends JsonElement> items) {
        JsonArray out = new JsonArray();
        items.forEach(out::add);
        return out;
    }

    /** The strings in order, as a JSON array. */
    static JsonArray strings(Collection<String> items) {
        return array(items.stream().map(JsonPrimitive::new).toList());
    }
}
