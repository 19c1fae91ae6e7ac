package vaultmcp.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vaultmcp.config.Config.Rate;

/** Parsers for setting values: IllegalArgumentException's message, after the variable's name, says what is expected. */
final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|)");
    private static final Map<String, ChronoUnit> UNITS = Map.of("ms", ChronoUnit.MILLIS, "", ChronoUnit.SECONDS,
            "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS);

    private Values() {}

    static URI vaultAddress(String v) {
        URI uri = orNull(() -> URI.create(v));
        refuseIf(uri == null, "not a URL");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        refuseIf(!scheme.equals("http") && !scheme.equals("https"), "must start with http:// or https://");
        refuseIf(uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null, "must be scheme://host[:port][/path] without user, query or fragment");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    /** Go's strconv.ParseBool set, as the Go server reads its flags. */
    static boolean bool(String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static boolean isBoolean(String v) {
        return orNull(() -> bool(v)) != null;
    }

    static int integer(String v, int min, int max) {
        BigInteger n = orNull(() -> new BigInteger(v)); // any length: too large for an int is out of range
        refuseIf(n == null, "must be a whole number");
        refuseIf(n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0,
                "must be between " + min + " and " + max);
        return n.intValue();
    }

    /** A duration as Vault writes them: 90, 90s, 15m, 2h; more than zero, at most {@link Limits#MAX_DURATION}. */
    static Duration duration(String v) {
        Matcher m = DURATION.matcher(v);
        refuseIf(!m.matches(), "must be a duration such as 30s, 5m or 1h");
        // A number too long for a Duration gives null: refused as too long, like any other.
        Duration d = orNull(() -> Duration.of(Long.parseLong(m.group(1)), UNITS.get(m.group(2))));
        refuseIf(d == null || d.compareTo(Limits.MAX_DURATION) > 0,
                "must be at most " + Limits.MAX_DURATION.toHours() + "h");
        refuseIf(d.isZero(), "must be more than zero");
        return d;
    }

    static Rate rate(String v) {
        String[] parts = v.split(":", -1);
        Rate rate = parts.length != 2 ? null
                : orNull(() -> new Rate(Double.parseDouble(parts[0]), Integer.parseInt(parts[1])));
        refuseIf(rate == null || !(rate.perSecond() > 0) || rate.burst() < 1,
                "must be rate:burst with rate > 0 and burst >= 1, e.g. 10:20");
        // Slower than the minimum, a refusal's retry hint would overflow; faster than the maximum is no limit.
        refuseIf(!(rate.perSecond() >= Limits.MIN_RATE && rate.perSecond() <= Limits.MAX_RATE),
                "the rate must be between " + Limits.MIN_RATE + " and " + Limits.MAX_RATE + " requests per second");
        return rate;
    }

    static String host(String v) {
        refuseIf(v.isEmpty() || !v.matches("[A-Za-z0-9.:\\-\\[\\]]+"), "must be a host name or IP address");
        return v;
    }

    /**
     * True for localhost, 127.0.0.0/8 and ::1; not for 0.0.0.0 and ::, which listen on every interface. Other
     * names are never resolved, so a DNS answer cannot make a host count as loopback.
     */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean literal = h.matches("(\\d{1,3}\\.){3}\\d{1,3}") || h.matches("\\[?[0-9a-f:.]*:[0-9a-f:.]*]?");
        InetAddress address = literal ? orNull(() -> InetAddress.getByName(h)) : null; // a literal: no lookup happens
        return h.equals("localhost") || address != null && address.isLoopbackAddress();
    }

    static String endpoint(String v) {
        String path = v.length() > 1 && v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        refuseIf(!v.matches("/[A-Za-z0-9._~\\-/]*") || v.contains("//") || path.equals("/health"),
                "must be a path such as /mcp (not /health)");
        return path;
    }

    static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static String oneOf(String v, String... allowed) {
        refuseIf(!Arrays.asList(allowed).contains(v), "must be one of " + String.join(", ", allowed));
        return v;
    }

    /** One of {@code choices}, written as its name in lower case. */
    static <E extends Enum<E>> E oneOf(String v, E[] choices) {
        List<String> names = Arrays.stream(choices).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        return choices[names.indexOf(oneOf(v, names.toArray(String[]::new)))];
    }

    /** A credential sent as an HTTP header: empty for none, else visible ASCII only, so it cannot split the header. */
    static Secret token(String v) {
        if (v.isEmpty()) {
            return null;
        }
        refuseIf(!v.matches("[\\x21-\\x7e]{1," + Limits.MAX_TOKEN_CHARS + "}"),
                "must be at most " + Limits.MAX_TOKEN_CHARS
                        + " visible ASCII characters: no spaces, line breaks or other control characters");
        return new Secret(v);
    }

    /** A value sent as an HTTP header (X-Vault-Namespace): printable ASCII, so it cannot split the header. */
    static String headerValue(String v) {
        refuseIf(!v.matches("[\\x20-\\x7e]*"), "must be printable ASCII: no line breaks or other control characters");
        return v;
    }

    static Path readableFile(String v) {
        return path(v, p -> Files.isRegularFile(p) && Files.isReadable(p), "not a readable file");
    }

    static Path writableFile(String v) {
        return path(v, p -> Files.isRegularFile(p) ? Files.isWritable(p)
                : Files.isDirectory(p.toAbsolutePath().getParent()) && Files.isWritable(p.toAbsolutePath().getParent()),
                "not a writable file (nor one that can be created)");
    }

    static Path directory(String v) {
        return path(v, Files::isDirectory, "not a directory");
    }

    /** An optional path (empty: null) that must pass {@code check}. */
    private static Path path(String v, Predicate<Path> check, String problem) {
        refuseIf(!v.isEmpty() && !check.test(Path.of(v)), problem);
        return v.isEmpty() ? null : Path.of(v);
    }

    /** Refuses the value, with {@code why} as the message, when it is {@code bad}. */
    static void refuseIf(boolean bad, String why) {
        if (bad) {
            throw new IllegalArgumentException(why);
        }
    }

    /** The value {@code parse} gives, or null when it throws: the caller refuses null with its own message. */
    static <T> T orNull(Callable<T> parse) {
        try {
            return parse.call();
        } catch (Exception e) {
            return null;
        }
    }
}
