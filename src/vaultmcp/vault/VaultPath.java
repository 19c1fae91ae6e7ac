package vaultmcp.vault;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import vaultmcp.config.Limits;

/**
 * A Vault API path made only of validated segments. Empty, "." and ".." segments and control characters are
 * refused before any request exists, and every segment is percent-encoded, so user input can name a secret
 * below a mount but never climb out of it (the Go server's path.Join let "../sys/policy/root" escape).
 */
public final class VaultPath {
    private final List<String> segments;

    private VaultPath(List<String> segments) {
        this.segments = List.copyOf(segments);
    }

    /** A path from segments written in our own code, such as "sys", "mounts". */
    public static VaultPath of(String... fixed) {
        VaultPath path = new VaultPath(List.of());
        for (String part : fixed) {
            path = path.append(part);
        }
        return path;
    }

    /**
     * Appends user input that may hold several segments separated by "/"; one leading and one trailing slash
     * are tolerated ("app/" is how Vault names a folder). IllegalArgumentException names the broken rule.
     */
    public VaultPath append(String input) {
        int from = input.startsWith("/") ? 1 : 0;
        String s = input.substring(from, Math.max(from, input.length() - (input.endsWith("/") ? 1 : 0)));
        if (s.isEmpty()) {
            return this;
        }
        List<String> next = new ArrayList<>(segments);
        for (String segment : s.split("/", -1)) {
            next.add(check(segment, input));
        }
        return new VaultPath(next);
    }

    private static String check(String segment, String input) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException("\"" + input + "\" contains an empty path segment (\"//\")");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException(
                    "\"" + input + "\" contains a \"" + segment + "\" segment; paths may not leave their mount");
        }
        if (segment.length() > Limits.MAX_PATH_SEGMENT_CHARS) {
            throw new IllegalArgumentException(
                    "a path segment is longer than " + Limits.MAX_PATH_SEGMENT_CHARS + " characters");
        }
        if (segment.chars().anyMatch(Character::isISOControl)) { // C0, DEL and C1
            throw new IllegalArgumentException("the path contains a control character");
        }
        // A lone surrogate would be sent as "?" and name a different secret.
        if (segment.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
            throw new IllegalArgumentException("the path contains an unpaired UTF-16 surrogate");
        }
        return segment;
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The readable form, for messages and logs: segments joined by "/". */
    @Override
    public String toString() {
        return String.join("/", segments);
    }

    /** The form sent on the wire: each segment percent-encoded, only RFC 3986's unreserved characters kept. */
    public String encoded() {
        return String.join("/", segments.stream().map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~")).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaultPath p && p.segments.equals(segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }
}
