package vaultmcp.tools;

import com.google.gson.JsonElement;

/** Lenient reads of single fields of Vault's answers, where a missing field has a plain default. */
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
}
