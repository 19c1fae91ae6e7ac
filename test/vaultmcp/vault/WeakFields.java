package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request fields decoded as Vault's framework does (weakly typed: "5" is an int, true is 1, 7 is
 * a string), with the error texts a real 1.21 server answers when a value does not convert.
 */
final class WeakFields {
    /** A field that does not convert; the message is Vault's whole error text. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message, null, false, false);
        }
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d*)(?:\\.(\\d*))?([^\\d.]*)");

    private WeakFields() {}

    private static String converting(String field) {
        return "error converting input for field \"" + field + "\": ";
    }

    /** TypeInt: null is 0, booleans 1/0, numbers and strings through Go's strconv.ParseInt. */
    static long integer(String field, JsonElement e) throws Bad {
        if (e == null || e.isJsonNull()) {
            return 0;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean() ? 1 : 0;
        }
        String s = e.isJsonPrimitive() ? e.getAsString() : e.toString();
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException x) {
            throw new Bad(converting(field) + "cannot parse '' as int: strconv.ParseInt: parsing \"" + s + "\": invalid syntax");
        }
    }

    /** TypeBool: null is false, numbers are true unless 0, strings through Go's strconv.ParseBool. */
    static boolean bool(String field, JsonElement e) throws Bad {
        if (e == null || e.isJsonNull()) {
            return false;
        }
        JsonPrimitive p = e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
        if (p != null && p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p != null && p.isNumber()) {
            return p.getAsDouble() != 0;
        }
        Boolean b = p == null ? null : FakeVault.parseBool(p.getAsString());
        if (b == null) {
            throw new Bad(converting(field) + "cannot parse '' as bool: strconv.ParseBool: parsing \"" + e.getAsString() + "\": invalid syntax");
        }
        return b;
    }

    /**
     * TypeDurationSecond (parseutil.ParseDurationSecond): a number of seconds, digits, "<n>d", or a
     * Go duration ("1h30m", "1.5h", "1500ms"); whole seconds, never negative.
     */
    static long durationSeconds(String field, JsonElement e) throws Bad {
        if (e == null || e.isJsonNull()) {
            return 0;
        }
        if (!e.isJsonPrimitive() || e.getAsJsonPrimitive().isBoolean()) {
            throw new Bad(converting(field) + "could not parse duration from input");
        }
        String s = e.getAsString();
        long seconds;
        if (s.isEmpty()) {
            seconds = 0;
        } else if (s.matches("[+-]?\\d+")) {
            seconds = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } else if (s.endsWith("d")) {
            String n = s.substring(0, s.length() - 1);
            if (!n.matches("[+-]?\\d+")) {
                throw new Bad(converting(field) + "strconv.ParseInt: parsing \"" + n + "\": invalid syntax");
            }
            seconds = Long.parseLong(n.startsWith("+") ? n.substring(1) : n) * 86400;
        } else {
            seconds = goDuration(field, s);
        }
        if (seconds < 0) {
            throw new Bad(converting(field) + "cannot provide negative value '" + seconds + "'");
        }
        return seconds;
    }

    /** Go's time.ParseDuration, truncated to whole seconds. */
    private static long goDuration(String field, String orig) throws Bad {
        String s = orig;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        Bad invalid = new Bad(converting(field) + "time: invalid duration \"" + orig + "\"");
        if (s.isEmpty()) {
            throw invalid;
        }
        double nanos = 0;
        Matcher m = DURATION_PART.matcher(s);
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at || m.end() == at) {
                throw invalid;
            }
            String whole = m.group(1);
            String fraction = m.group(2);
            String unit = m.group(3);
            if (whole.isEmpty() && (fraction == null || fraction.isEmpty())) {
                throw invalid;
            }
            if (unit.isEmpty()) {
                throw new Bad(converting(field) + "time: missing unit in duration \"" + orig + "\"");
            }
            double scale = switch (unit) {
                case "ns" -> 1;
                case "us", "\u00b5s", "\u03bcs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new Bad(converting(field) + "time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
            };
            double value = Double.parseDouble((whole.isEmpty() ? "0" : whole) + "." + (fraction == null || fraction.isEmpty() ? "0" : fraction));
            nanos += value * scale;
            at = m.end();
        }
        long seconds = (long) (nanos / 1e9);
        return negative ? -seconds : seconds;
    }

    /** Go's time.Duration.String() of whole seconds: "0s", "45s", "1m30s", "48h0m0s". */
    static String goDuration(long seconds) {
        if (seconds == 0) {
            return "0s";
        }
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return h > 0 ? h + "h" + m + "m" + s + "s" : m > 0 ? m + "m" + s + "s" : s + "s";
    }

    /**
     * custom_metadata (TypeKVPairs): an object whose values become strings (booleans "1"/"0",
     * null ""); null or {} clears it (returns null).
     */
    static Map<String, String> stringMap(String field, JsonElement e) throws Bad {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            throw new Bad(converting(field) + "'" + (a.isEmpty() ? "" : "[0]") + "' expected a map, got '"
                    + (a.isEmpty() ? "slice" : goType(a.get(0))) + "'");
        }
        if (!(e instanceof JsonObject o)) {
            throw new Bad(converting(field) + "'' expected a map, got '" + goType(e) + "'");
        }
        Map<String, String> out = new TreeMap<>();
        for (var entry : o.entrySet()) {
            JsonElement v = entry.getValue();
            if (v.isJsonObject() || v.isJsonArray()) {
                throw new Bad(field + " validation failed: '' expected type 'string', got unconvertible type '"
                        + (v.isJsonObject() ? "map[string]interface {}" : "[]interface {}") + "', value: '" + goValue(v) + "'");
            }
            out.put(entry.getKey(), v.isJsonNull() ? "" : v.getAsJsonPrimitive().isBoolean() ? (v.getAsBoolean() ? "1" : "0") : v.getAsString());
        }
        return out.isEmpty() ? null : out;
    }

    /** Go's type name of a decoded JSON value, as mapstructure reports it (numbers arrive as json.Number strings). */
    private static String goType(JsonElement e) {
        if (e.isJsonPrimitive()) {
            return e.getAsJsonPrimitive().isBoolean() ? "bool" : "string";
        }
        return e.isJsonObject() ? "map" : e.isJsonArray() ? "slice" : "invalid";
    }

    /** Go's %v of a decoded JSON value (maps with sorted keys). */
    static String goValue(JsonElement e) {
        if (e instanceof JsonObject o) {
            List<String> parts = new ArrayList<>();
            new TreeMap<>(o.asMap()).forEach((k, v) -> parts.add(k + ":" + goValue(v)));
            return "map[" + String.join(" ", parts) + "]";
        }
        if (e instanceof JsonArray a) {
            List<String> parts = new ArrayList<>();
            a.forEach(x -> parts.add(goValue(x)));
            return "[" + String.join(" ", parts) + "]";
        }
        return e.isJsonNull() ? "<nil>" : e.getAsString();
    }

    /**
     * TypeCommaIntSlice ("versions"): an array of integers or a comma-separated string;
     * the error lists each element that is not an integer.
     */
    static List<Long> integers(String field, JsonElement e) throws Bad {
        List<Long> out = new ArrayList<>();
        if (e == null || e.isJsonNull()) {
            return out;
        }
        List<JsonElement> items = new ArrayList<>();
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(items::add);
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            for (String part : e.getAsString().split(",")) {
                if (!part.isBlank()) {
                    items.add(new JsonPrimitive(part.strip()));
                }
            }
        } else {
            items.add(e);
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonElement x = items.get(i);
            if (x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber()) {
                out.add((long) x.getAsDouble());
            } else if (x.isJsonPrimitive() && x.getAsJsonPrimitive().isBoolean()) {
                out.add(x.getAsBoolean() ? 1L : 0L);
            } else if (x.isJsonPrimitive() && x.getAsString().matches("[+-]?\\d+")) {
                out.add(Long.parseLong(x.getAsString().replace("+", "")));
            } else {
                problems.add("* cannot parse '[" + i + "]' as int: strconv.ParseInt: parsing \""
                        + (x.isJsonPrimitive() ? x.getAsString() : goValue(x)) + "\": invalid syntax");
            }
        }
        if (!problems.isEmpty()) {
            throw new Bad("Field validation failed: " + converting(field) + problems.size() + " error(s) decoding:\n\n"
                    + String.join("\n", problems));
        }
        return out;
    }
}
