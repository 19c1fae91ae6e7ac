package vaultmcp.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import vaultmcp.vault.RecordedRequest;

/**
 * An independent reading of a tool's declared reach, for tests: each template of its manifest
 * entry as a pattern over the wire (method, raw path, query), plus the guard's own mount-type
 * lookups. It shares no code with {@link Reach} or {@link Guard}, so a guard that sent something
 * else than the manifest says would be caught here.
 */
final class DeclaredReach {
    private static final String SEGMENT = "[^/?]+";
    private static final Pattern LOOKUP = Pattern.compile("GET /v1/sys/(internal/ui/mounts/" + SEGMENT + "(/" + SEGMENT + ")*|mounts)");

    private final List<Pattern> allowed = new ArrayList<>();

    DeclaredReach(JsonObject entry) {
        JsonObject vault = entry.getAsJsonObject("vault");
        JsonObject mounts = vault.getAsJsonObject("mounts");
        for (JsonElement element : vault.getAsJsonArray("requests")) {
            String[] words = element.getAsString().split(" ");
            String method = words[words.length - 2];
            String template = words[words.length - 1];
            String query = method.equals("LIST") ? "\\?list=true" : "";
            if (template.contains("?")) {
                String name = template.substring(template.indexOf('?') + 1, template.indexOf('='));
                query = "(\\?" + name + "=[^&]+)?";
                template = template.substring(0, template.indexOf('?'));
            }
            StringBuilder path = new StringBuilder();
            for (String segment : template.split("/")) {
                if (segment.endsWith("*}")) {
                    path.append("(/" + SEGMENT + ")*");
                } else if (segment.endsWith("+}") || mounts.has(segment.replaceAll("[{}]", ""))) {
                    path.append("(/" + SEGMENT + ")+");
                } else if (segment.startsWith("{")) {
                    path.append("/" + SEGMENT);
                } else {
                    path.append("/").append(Pattern.quote(segment));
                }
            }
            allowed.add(Pattern.compile((method.equals("LIST") ? "GET" : method) + " /v1" + path + query));
        }
    }

    /** Null when {@code request} matches a declaration or is a mount-type lookup; otherwise why not. */
    String problem(RecordedRequest request) {
        String line = request.method() + " " + request.rawPath() + (request.query() == null ? "" : "?" + request.query());
        if (request.rawPath().matches(".*(//|/\\./|/\\.\\./|/\\.?\\.?$).*") && !request.rawPath().equals("/v1/")) {
            return line + " is not a canonical path";
        }
        if (LOOKUP.matcher(line).matches() || allowed.stream().anyMatch(p -> p.matcher(line).matches())) {
            return null;
        }
        return line + " matches no declared request";
    }
}
