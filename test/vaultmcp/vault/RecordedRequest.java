package vaultmcp.vault;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as {@link FakeVault} received it, for assertions: method, the raw (still
 * percent-encoded) path, the decoded path, the raw query, headers with lower-case names, body text.
 */
public record RecordedRequest(String method, String rawPath, String path, String query,
                              Map<String, List<String>> headers, String body) {

    /** The first value of a header (name case-insensitive), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        return method + " " + rawPath + (query == null ? "" : "?" + query);
    }
}
