package vaultmcp.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The operator's path allowlist and denylist ({@code MCP_ALLOWED_PATHS}, {@code MCP_DENIED_PATHS}), in Vault's
 * policy glob syntax: {@code +} stands for exactly one segment, a trailing {@code *} makes the rest a prefix. A
 * path is allowed when no deny rule matches it and, if there are allow rules, one of them does.
 */
public final class PathRules {
    private static final Pattern GLOB = Pattern.compile("(?!\\.\\.?(/|$))[A-Za-z0-9_.~@:=+*-]+"
            + "(/(?!\\.\\.?(/|$))[A-Za-z0-9_.~@:=+*-]+)*/?");

    /** One rule: its text, as the operator wrote it, and its segments. */
    private record Rule(String text, List<String> segments, boolean prefix) {
        boolean matches(String path) {
            String[] parts = path.split("/", -1);
            int n = segments.size();
            return (prefix ? parts.length >= n : parts.length == n) && IntStream.range(0, n).allMatch(i ->
                    prefix && i == n - 1 ? parts[i].startsWith(segments.get(i))
                    : segments.get(i).equals("+") ? !parts[i].isEmpty() : segments.get(i).equals(parts[i]));
        }

        /** True when some path below {@code folder} (which ends in "/") could match. */
        boolean reachesBelow(String folder) {
            String[] parts = folder.substring(0, folder.length() - 1).split("/", -1);
            int n = segments.size();
            return (parts.length < n || prefix) && IntStream.range(0, Math.min(parts.length, n)).allMatch(i ->
                    segments.get(i).equals("+") || (prefix && i == n - 1 // a prefix's last segment may go on
                            ? parts[i].startsWith(segments.get(i)) || segments.get(i).startsWith(parts[i])
                            : segments.get(i).equals(parts[i])));
        }
    }

    private final List<Rule> allowed;
    private final List<Rule> denied;

    private PathRules(List<Rule> allowed, List<Rule> denied) {
        this.allowed = allowed;
        this.denied = denied;
    }

    /** No rules: everything allowed. */
    public static PathRules none() {
        return new PathRules(List.of(), List.of());
    }

    /** Parses the two comma-separated lists; IllegalArgumentException names a rule outside Vault's syntax. */
    public static PathRules parse(String allow, String deny) {
        return new PathRules(rules(allow), rules(deny));
    }

    public boolean isEmpty() {
        return allowed.isEmpty() && denied.isEmpty();
    }

    /** The rule that refuses {@code path}, or null when it is allowed. */
    public String refusal(String path) {
        for (Rule rule : denied) {
            if (rule.matches(path)) {
                return "MCP_DENIED_PATHS rule \"" + rule.text() + "\"";
            }
        }
        if (!allowed.isEmpty() && allowed.stream().noneMatch(r -> r.matches(path))) {
            return "MCP_ALLOWED_PATHS (no rule allows it)";
        }
        return null;
    }

    /**
     * Whether a listing may show {@code path}: an allowed path, or a folder (ending in "/") below which
     * an allowed path could lie and which no deny rule covers as a whole.
     */
    public boolean shows(String path) {
        if (refusal(path) == null) {
            return true;
        }
        if (!path.endsWith("/") || denied.stream().anyMatch(r -> r.prefix() && r.matches(path))) {
            return false;
        }
        return allowed.stream().anyMatch(r -> r.reachesBelow(path));
    }

    private static List<Rule> rules(String list) {
        return list == null || list.isBlank() ? List.of()
                : Arrays.stream(list.split(",")).map(PathRules::rule).toList();
    }

    private static Rule rule(String item) {
        String glob = item.strip().replaceFirst("^/", "");
        Values.refuseIf(!GLOB.matcher(glob).matches() || !glob.matches("[^*]*\\*?"),
                "\"" + item.strip() + "\" is not a path glob (segments of letters, digits and _.-~@:= ; "
                + "no \".\" or \"..\" segment; \"+\" for one segment; \"*\" only at the end)");
        boolean prefix = glob.endsWith("*");
        String body = prefix ? glob.substring(0, glob.length() - 1) : glob;
        return new Rule(item.strip(), List.of(body.split("/", -1)), prefix);
    }
}
