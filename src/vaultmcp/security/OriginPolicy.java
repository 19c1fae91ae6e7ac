package vaultmcp.security;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import vaultmcp.config.Config.CorsMode;

/**
 * Which {@code Host} and {@code Origin} headers the HTTP endpoint accepts (DNS rebinding, cross-site requests).
 * Trusts only the operator's configuration; both headers come from the caller and are compared, never resolved.
 */
public record OriginPolicy(boolean loopbackBind, List<String> allowedHosts, List<String> allowedOrigins, CorsMode mode,
        boolean tls) {
    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");
    /** A Host header: a name or bracketed IPv6 address (group 1), then an optional port. */
    private static final Pattern HOST = Pattern.compile("^(\\[[^]]*]|[^:\\[]*)(:\\d{1,5})?$");

    public OriginPolicy {
        allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The Host header: a loopback name when bound to loopback, else one the operator listed. Any port. */
    public boolean hostAllowed(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String name = HOST.matcher(hostHeader.toLowerCase(Locale.ROOT)).replaceFirst("$1");
        return loopbackBind ? LOOPBACK_NAMES.contains(name) : allowedHosts.contains(name);
    }

    /**
     * The Origin header, for a request whose Host was accepted. No Origin (not a browser) passes; the server's
     * own origin passes (it serves no pages, so no script can run there); otherwise the CORS mode decides.
     */
    public boolean originAllowed(String origin, String hostHeader) {
        if (origin == null || origin.equalsIgnoreCase((tls ? "https://" : "http://") + hostHeader)) {
            return true;
        }
        return switch (mode) {
            case DISABLED -> true;
            case DEVELOPMENT -> allowedOrigins.contains(origin)
                    || origin.matches("https?://(localhost|127\\.0\\.0\\.1|\\[::1]):\\d{1,5}");
            case STRICT -> allowedOrigins.contains(origin);
        };
    }
}
