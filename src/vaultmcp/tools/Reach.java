package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import vaultmcp.vault.VaultPath;

/**
 * A tool's declared reach: the {@code vault} field of its manifest entry, which lists every
 * Vault request its handler may make and the engine type each mount argument must have. The
 * handler names a request by its template; {@link Guard} fills it from the checked arguments,
 * so a reviewer learns what a tool can touch from tools.json alone.
 *
 * <pre>
 * request   = [condition " "] method " " template ["?" name "={" argument "}"]
 * condition = "kv1" | "kv2"          only when the template's mount is of that KV version
 *           | "global"               sent without X-Vault-Namespace (root-only endpoints such as sys/health)
 * method    = GET | LIST | POST | PATCH | DELETE
 * segment   = literal                a fixed segment
 *           | "{" argument "}"       a mount (named in "mounts") or a name: exactly one segment
 *           | "{" argument "*}"      a path below the mount: zero or more segments ("+": one or more)
 *           | "{answer:" name "}"    one segment the handler took from an earlier answer of this call
 * </pre>
 *
 * Mount types: {@code kv}, {@code pki}, {@code transit} (an existing mount of that engine whose path is the
 * argument), {@code new} (no mount there yet), {@code any} (an existing mount of any engine but
 * the system ones). Start-up fails on a declaration that does not parse or names an argument the
 * input schema lacks.
 */
record Reach(Map<String, String> mounts, Map<String, Request> declared) {
    static final Set<String> METHODS = Set.of("GET", "LIST", "POST", "PATCH", "DELETE");
    static final Set<String> MOUNT_TYPES = Set.of("kv", "pki", "transit", "new", "any");
    /** Mounts no tool may create or delete: Vault's own. */
    static final Set<String> SYSTEM_MOUNTS = Set.of("sys", "auth", "identity", "cubbyhole");
    /** The KV v2 API segments after the mount; a path rule names the secret, whichever API reaches it. */
    private static final Set<String> KV2_APIS = Set.of("data", "metadata", "delete", "undelete", "destroy");

    enum Kind { LITERAL, MOUNT, NAME, PATH, SOME_PATH, ANSWER }

    record Part(Kind kind, String text) {}

    /** One declared request; {@code mount} is the argument of its mount part, or null. */
    record Request(String text, String condition, String method, List<Part> parts, String mount, String query,
            String queryArg) {
        boolean writes() {
            return !method.equals("GET") && !method.equals("LIST");
        }
    }

    /** {@code mounts}: mount arguments and the engine type each must have; {@code declared}: by "method template". */
    Reach {
        mounts = Map.copyOf(mounts);
        declared = Collections.unmodifiableMap(new LinkedHashMap<>(declared));
    }

    /** Every argument that fills a segment, with its kind. */
    Map<String, Kind> placeholders() {
        Map<String, Kind> out = new LinkedHashMap<>();
        declared.values().stream().flatMap(request -> request.parts().stream())
                .filter(part -> part.kind() != Kind.LITERAL && part.kind() != Kind.ANSWER)
                .forEach(part -> out.put(part.text(), part.kind()));
        return out;
    }

    static Reach parse(String tool, JsonObject declaration, JsonObject schema) {
        check(declaration != null && declaration.keySet().equals(Set.of("mounts", "requests")), tool,
                "needs \"vault\": {\"mounts\": {...}, \"requests\": [...]}");
        JsonObject properties = schema.has("properties") ? schema.getAsJsonObject("properties") : new JsonObject();
        Map<String, String> mounts = new LinkedHashMap<>();
        for (var entry : declaration.getAsJsonObject("mounts").entrySet()) {
            String type = entry.getValue().getAsString();
            check(MOUNT_TYPES.contains(type), tool, "unknown mount type ", type);
            check(isString(properties, entry.getKey()), tool, "mount ", entry.getKey(), " is not a string argument");
            mounts.put(entry.getKey(), type);
        }
        Map<String, Request> requests = new LinkedHashMap<>();
        for (JsonElement element : declaration.getAsJsonArray("requests")) {
            String text = element.getAsString();
            Request request = request(tool, text, mounts, properties);
            check(requests.put(request.method() + text.substring(text.lastIndexOf(' ')), request) == null, tool,
                    "request declared twice: ", text);
        }
        check(requests.values().stream().map(Request::mount).filter(m -> m != null).collect(Collectors.toSet())
                .equals(mounts.keySet()), tool, "every mount argument must appear in a request");
        return new Reach(mounts, requests);
    }

    private static Request request(String tool, String text, Map<String, String> mounts, JsonObject properties) {
        String[] words = text.split(" ");
        check(words.length == 2 || words.length == 3, tool, "bad request ", text);
        String condition = words.length == 3 ? words[0] : null;
        String method = words[words.length - 2];
        check(METHODS.contains(method), tool, "unknown method in ", text);
        String template = words[words.length - 1];
        String query = null;
        String queryArg = null;
        int q = template.indexOf('?');
        if (q >= 0) {
            String[] pair = template.substring(q + 1).split("=", 2);
            check(pair.length == 2 && pair[1].matches("\\{[a-z_]+}") && properties.has(inner(pair[1])), tool,
                    "bad query in ", text);
            query = pair[0];
            queryArg = inner(pair[1]);
            template = template.substring(0, q);
        }
        List<Part> parts = new ArrayList<>();
        String mount = null;
        for (String segment : template.split("/", -1)) {
            Part part = part(tool, text, segment, mounts, properties);
            if (part.kind() == Kind.MOUNT) {
                check(mount == null, tool, "two mounts in ", text);
                mount = part.text();
            }
            parts.add(part);
        }
        check(condition == null || condition.equals("global")
                || condition.matches("kv[12]") && mount != null && "kv".equals(mounts.get(mount)), tool,
                "a kv1/kv2 condition needs a kv mount in ", text);
        return new Request(text, condition, method, List.copyOf(parts), mount, query, queryArg);
    }

    private static Part part(String tool, String text, String segment, Map<String, String> mounts,
            JsonObject properties) {
        if (!segment.startsWith("{")) {
            check(segment.matches("[a-z0-9_-]+"), tool, "bad literal segment in ", text);
            return new Part(Kind.LITERAL, segment);
        }
        check(segment.endsWith("}"), tool, "bad placeholder in ", text);
        String name = inner(segment);
        if (name.startsWith("answer:")) {
            check(name.matches("answer:[a-z_]+"), tool, "bad answer placeholder in ", text);
            return new Part(Kind.ANSWER, name.substring("answer:".length()));
        }
        Kind kind = name.endsWith("*") ? Kind.PATH : name.endsWith("+") ? Kind.SOME_PATH
                : mounts.containsKey(name) ? Kind.MOUNT : Kind.NAME;
        String argument = kind == Kind.PATH || kind == Kind.SOME_PATH ? name.substring(0, name.length() - 1) : name;
        check(isString(properties, argument), tool, "placeholder ", argument, " is not a string argument in ", text);
        check(kind == Kind.MOUNT || !mounts.containsKey(argument), tool,
                "mount ", argument, " used as a path in ", text);
        return new Part(kind, argument);
    }

    /** One argument as the segments it fills; each kind has its own rule. */
    static VaultPath segments(String name, String value, Kind kind) throws ToolException {
        try {
            if (kind == Kind.NAME && value.contains("/")) {
                throw new IllegalArgumentException("must be a single name, without \"/\"");
            }
            VaultPath path = VaultPath.of().append(value);
            boolean blank = Stream.of(path.toString().split("/")).anyMatch(String::isBlank);
            if ((kind == Kind.MOUNT || kind == Kind.NAME) && blank) {
                throw new ToolException("Invalid arguments: \"" + name + "\" must name a "
                        + (kind == Kind.MOUNT ? "mount, such as \"secret\"." : "single item, not only spaces."));
            }
            if (path.isEmpty() && kind == Kind.SOME_PATH) { // an empty mount or name is blank, above
                throw new ToolException("Invalid arguments: \"" + name + "\" must name a secret, such as "
                        + "\"app/config\".");
            }
            return path;
        } catch (IllegalArgumentException e) {
            throw new ToolException("Invalid arguments: \"" + name + "\": " + e.getMessage() + ".");
        }
    }

    /**
     * The logical path of a request, which the operator's path rules are matched against: the Vault
     * path, except that on KV v2 the API segment after the mount ({@code data/}, {@code metadata/},
     * {@code delete/}, ...) is left out (a rule names a secret, not an API), on PKI {@code issue/<role>}
     * counts as {@code roles/<role>} and {@code issuer/<id>} as {@code issuers/<id>}, on transit every
     * API ({@code encrypt/<key>}, {@code sign/<key>}, ...) counts as {@code keys/<key>} (a rule names the key),
     * and the mount tools' paths are {@code sys/mounts/<path>} as sent. {@code type} is the declared type of
     * the request's mount, {@code condition} its KV condition or null, {@code mount} the resolved mount path.
     */
    static String logical(String type, String condition, String mount, String path) {
        if (!path.startsWith(mount) || type.equals("new") || type.equals("any")) {
            return path;
        }
        String rest = path.length() > mount.length() ? path.substring(mount.length() + 1) : "";
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        String tail = slash < 0 ? "" : rest.substring(slash);
        String renamed = switch (type) {
            case "kv" -> "kv2".equals(condition) && KV2_APIS.contains(first) ? "" : first;
            case "pki" -> first.equals("issue") ? "roles" : first.equals("issuer") ? "issuers" : first;
            case "transit" -> "keys";
            default -> first;
        };
        String logical = renamed.isEmpty() ? tail.replaceFirst("^/", "") : renamed + tail;
        return logical.isEmpty() ? mount : mount + "/" + logical;
    }

    private static String inner(String placeholder) {
        return placeholder.substring(1, placeholder.length() - 1);
    }

    private static boolean isString(JsonObject properties, String name) {
        return properties.has(name) && "string".equals(properties.getAsJsonObject(name).get("type").getAsString());
    }

    /** {@code problem}: the parts of the message, joined only on failure (start-up checks thousands). */
    private static void check(boolean condition, String tool, String... problem) {
        if (!condition) {
            throw new IllegalStateException("tool manifest: " + tool + ": vault: " + String.join("", problem));
        }
    }
}
