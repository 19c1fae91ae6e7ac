package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the request/expected-answer cases of {@code fidelity-cases.json} against any Vault address:
 * {@link FakeVaultTest} against {@link FakeVault}, the end-to-end suite against a real dev server,
 * so both are held to the same list. Cases run in order and share variables (captured values,
 * plus {@code root} and {@code unsealKey} given by the caller). Plain java.net.http, redirects not
 * followed. The file's "about" lists the expectation keys. {@link #shapeDifferences} compares the
 * answers of two servers to the same case key by key, for a stricter drift check.
 */
public final class FidelityCases {
    private static final Pattern VAR = Pattern.compile("\\$([A-Za-z][A-Za-z0-9]*)");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SERIAL = Pattern.compile("([0-9a-f]{2}:)+[0-9a-f]{2}");

    private final String address;
    private final Map<String, String> vars;
    private volatile HttpResponse<String> last;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code vars} must hold "root" (a root token) and "unsealKey". */
    public FidelityCases(String address, Map<String, String> vars) {
        this.address = address;
        this.vars = new HashMap<>(vars);
    }

    /** The cases, in file order. */
    public static List<JsonObject> load() {
        try (InputStream in = FidelityCases.class.getResourceAsStream("fidelity-cases.json")) {
            if (in == null) {
                throw new IllegalStateException("missing resource vaultmcp/vault/fidelity-cases.json");
            }
            JsonArray cases = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonArray("cases");
            List<JsonObject> out = new ArrayList<>();
            cases.forEach(c -> out.add(c.getAsJsonObject()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String name(JsonObject c) {
        return c.get("name").getAsString() + ": " + c.get("method").getAsString() + " " + c.get("path").getAsString();
    }

    /** Sends the case's request (again while it is retried); null when the answer met every expectation. */
    public String run(JsonObject c) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (c.has("retrySeconds") ? c.get("retrySeconds").getAsDouble() * 1e9 : 0);
        while (true) {
            HttpResponse<String> response;
            try {
                response = http.send(request(c), HttpResponse.BodyHandlers.ofString());
                last = response;
            } catch (IOException e) {
                return "request failed: " + e;
            }
            List<String> problems = check(c.getAsJsonObject("expect"), response);
            if (problems.isEmpty()) {
                capture(c, response.body());
                return null;
            }
            if (System.nanoTime() - deadline >= 0) {
                return String.join("; ", problems) + " -- got " + response.statusCode() + " " + response.body().strip();
            }
            Thread.sleep(200);
        }
    }

    /** The last answer received (status and body), for comparing two servers answer by answer. */
    public HttpResponse<String> lastAnswer() {
        return last;
    }

    /**
     * How two answers to the same case differ in shape: status, the presence and JSON type of every
     * key (values ignored), and the exact errors and warnings lists. Empty when they agree. Run a
     * case on FakeVault and on a real server, then compare their {@link #lastAnswer()}s.
     */
    public static List<String> shapeDifferences(HttpResponse<String> fake, HttpResponse<String> real) {
        return shapeDifferences(fake.statusCode(), fake.body(), real.statusCode(), real.body());
    }

    public static List<String> shapeDifferences(int fakeStatus, String fakeBody, int realStatus, String realBody) {
        List<String> out = new ArrayList<>();
        if (fakeStatus != realStatus) {
            out.add("status: fake " + fakeStatus + ", real " + realStatus);
        }
        JsonElement f = parseOrNull(fakeBody);
        JsonElement r = parseOrNull(realBody);
        compareShapes("", f, r, out);
        for (String list : List.of("errors", "warnings")) {
            JsonElement fl = f instanceof JsonObject o ? o.get(list) : null;
            JsonElement rl = r instanceof JsonObject o ? o.get(list) : null;
            if (rl != null && fl != null && !rl.equals(fl)) {
                out.add(list + ": fake " + fl + ", real " + rl);
            }
        }
        return out;
    }

    private static JsonElement parseOrNull(String text) {
        try {
            return text.isBlank() ? null : JsonParser.parseString(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String shape(JsonElement e) {
        if (e == null) {
            return "absent";
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            return p.isString() ? "string" : p.isNumber() ? "number" : "boolean";
        }
        return e.isJsonNull() ? "null" : e.isJsonArray() ? "array" : "object";
    }

    private static void compareShapes(String path, JsonElement f, JsonElement r, List<String> out) {
        if (!shape(f).equals(shape(r))) {
            out.add((path.isEmpty() ? "body" : path) + ": fake " + shape(f) + ", real " + shape(r));
            return;
        }
        // Maps keyed by generated ids (issuer ids) cannot line up; their entries are checked by the cases.
        if (f instanceof JsonObject fo && r instanceof JsonObject ro && !path.endsWith("key_info") && !path.endsWith("mapping")) {
            java.util.TreeSet<String> keys = new java.util.TreeSet<>(fo.keySet());
            keys.addAll(ro.keySet());
            for (String k : keys) {
                compareShapes(path.isEmpty() ? k : path + "." + k, fo.get(k), ro.get(k), out);
            }
        }
    }

    private HttpRequest request(JsonObject c) {
        String method = c.get("method").getAsString();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (c.has("body")) {
            body = HttpRequest.BodyPublishers.ofString(substitute(c.get("body")).toString());
        } else if (c.has("bodyText")) {
            body = HttpRequest.BodyPublishers.ofString(c.get("bodyText").getAsString());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(address + "/v1/" + substitute(c.get("path").getAsString())))
                .timeout(Duration.ofSeconds(30)).method(method, body);
        JsonElement token = c.has("token") ? c.get("token") : new JsonPrimitive("$root");
        if (!token.isJsonNull()) {
            b.header("X-Vault-Token", substitute(token.getAsString()));
        }
        if (c.get("headers") instanceof JsonObject headers) {
            headers.entrySet().forEach(h -> b.header(h.getKey(), substitute(h.getValue().getAsString())));
        }
        return b.build();
    }

    private void capture(JsonObject c, String body) {
        if (c.get("capture") instanceof JsonObject capture) {
            JsonElement root = JsonParser.parseString(body);
            capture.entrySet().forEach(e -> {
                JsonElement value = at(root, e.getValue().getAsString());
                if (value != null && value.isJsonPrimitive()) {
                    vars.put(e.getKey(), value.getAsString());
                }
            });
        }
    }

    private List<String> check(JsonObject expect, HttpResponse<String> response) {
        List<String> problems = new ArrayList<>();
        JsonElement status = expect.get("status");
        boolean statusOk = false;
        for (JsonElement s : status.isJsonArray() ? status.getAsJsonArray() : single(status)) {
            statusOk |= s.getAsInt() == response.statusCode();
        }
        if (!statusOk) {
            problems.add("status " + response.statusCode() + ", expected " + status);
        }
        String text = response.body();
        if (expect.has("emptyBody") && !text.isEmpty()) {
            problems.add("body should be empty");
        }
        if (expect.get("headers") instanceof JsonObject headers) {
            headers.entrySet().forEach(h -> {
                String want = substitute(h.getValue().getAsString());
                String got = response.headers().firstValue(h.getKey()).orElse(null);
                if (!want.equals(got)) {
                    problems.add("header " + h.getKey() + " is " + got + ", expected " + want);
                }
            });
        }
        JsonElement body = null;
        try {
            body = text.isBlank() ? null : JsonParser.parseString(text);
        } catch (RuntimeException e) {
            // not JSON
        }
        if (expect.has("notJson")) {
            if (body != null && body.isJsonObject()) {
                problems.add("body should not be a JSON object");
            }
            return problems;
        }
        if (expect.has("body") && !substitute(expect.get("body")).equals(body)) {
            problems.add("body should be exactly " + expect.get("body"));
        }
        checkFields(expect, body, problems);
        return problems;
    }

    private void checkFields(JsonObject expect, JsonElement body, List<String> problems) {
        each(expect, "equals", (path, want) -> {
            JsonElement got = at(body, path);
            if (!substitute(want).equals(got)) {
                problems.add(path + " is " + got + ", expected " + substitute(want));
            }
        });
        each(expect, "types", (path, want) -> {
            JsonElement got = at(body, path);
            if (!hasType(got, want.getAsString())) {
                problems.add(path + " is " + shorten(got) + ", expected a " + want.getAsString());
            }
        });
        each(expect, "startsWith", (path, want) -> {
            JsonElement got = at(body, path);
            if (got == null || !got.isJsonPrimitive() || !got.getAsString().startsWith(substitute(want.getAsString()))) {
                problems.add(path + " is " + shorten(got) + ", expected to start with " + want);
            }
        });
        each(expect, "endsWith", (path, want) -> {
            JsonElement got = at(body, path);
            if (got == null || !got.isJsonPrimitive() || !got.getAsString().endsWith(substitute(want.getAsString()))) {
                problems.add(path + " is " + shorten(got) + ", expected to end with " + want);
            }
        });
        each(expect, "contains", (path, want) -> {
            JsonElement got = at(body, path);
            for (JsonElement w : want.isJsonArray() ? want.getAsJsonArray() : single(want)) {
                String needle = substitute(w.getAsString());
                boolean found = got != null && (got.isJsonArray() ? got.getAsJsonArray().contains(new JsonPrimitive(needle))
                        : got.isJsonPrimitive() && got.getAsString().contains(needle));
                if (!found) {
                    problems.add(path + " is " + shorten(got) + ", expected to contain " + needle);
                }
            }
        });
        if (expect.get("present") instanceof JsonArray present) {
            present.forEach(p -> {
                if (at(body, substitute(p.getAsString())) == null) {
                    problems.add(p.getAsString() + " is missing");
                }
            });
        }
        if (expect.get("absent") instanceof JsonArray absent) {
            absent.forEach(p -> {
                if (at(body, substitute(p.getAsString())) != null) {
                    problems.add(p.getAsString() + " should be absent");
                }
            });
        }
    }

    private interface FieldCheck {
        void check(String path, JsonElement want);
    }

    private void each(JsonObject expect, String key, FieldCheck check) {
        if (expect.get(key) instanceof JsonObject fields) {
            fields.entrySet().forEach(f -> check.check(substitute(f.getKey()), f.getValue()));
        }
    }

    private static JsonArray single(JsonElement e) {
        JsonArray a = new JsonArray();
        a.add(e);
        return a;
    }

    private static boolean hasType(JsonElement e, String type) {
        if (e == null) {
            return false;
        }
        String s = e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
        return switch (type) {
            case "string" -> s != null;
            case "nonEmptyString" -> s != null && !s.isEmpty();
            case "number" -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
            case "boolean" -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean();
            case "null" -> e.isJsonNull();
            case "object" -> e.isJsonObject();
            case "array" -> e.isJsonArray();
            case "nonEmptyArray" -> e.isJsonArray() && !e.getAsJsonArray().isEmpty();
            case "uuid" -> s != null && UUID.matcher(s).matches();
            case "pem" -> s != null && s.startsWith("-----BEGIN CERTIFICATE-----") && s.strip().endsWith("-----END CERTIFICATE-----");
            case "serial" -> s != null && SERIAL.matcher(s).matches();
            default -> throw new IllegalArgumentException("unknown type in fidelity-cases.json: " + type);
        };
    }

    /** The element at a dot-separated path of keys and array indexes; Java null when absent. */
    static JsonElement at(JsonElement root, String path) {
        JsonElement e = root;
        for (String part : path.split("\\.")) {
            if (e instanceof JsonObject o) {
                e = o.get(part);
            } else if (e instanceof JsonArray a && part.matches("\\d+") && Integer.parseInt(part) < a.size()) {
                e = a.get(Integer.parseInt(part));
            } else {
                return null;
            }
        }
        return e;
    }

    private String substitute(String s) {
        Matcher m = VAR.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(b).toString();
    }

    private JsonElement substitute(JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return new JsonPrimitive(substitute(e.getAsString()));
        }
        if (e instanceof JsonObject o) {
            JsonObject out = new JsonObject();
            o.entrySet().forEach(x -> out.add(substitute(x.getKey()), substitute(x.getValue())));
            return out;
        }
        if (e instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(x -> out.add(substitute(x)));
            return out;
        }
        return e;
    }

    private static String shorten(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
