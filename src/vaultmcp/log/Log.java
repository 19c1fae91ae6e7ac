package vaultmcp.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The server's one logger: a line per event on stderr (stdout is the protocol's in stdio mode). Callers pass
 * only names, paths, counts and ids, never a token or a secret; control characters are escaped, so a hostile
 * value cannot forge log lines.
 */
public final class Log {
    public static final List<String> LEVELS = List.of("debug", "info", "warning", "error");

    private final PrintStream out;
    private final int threshold;

    public Log(PrintStream out, String level) {
        this.out = out;
        this.threshold = LEVELS.indexOf(level);
    }

    public void debug(String message) {
        write("debug", message);
    }

    public void info(String message) {
        write("info", message);
    }

    public void warn(String message) {
        write("warning", message);
    }

    public void error(String message) {
        write("error", message);
    }

    /** Logs an unexpected failure with a fresh correlation id: the class and first frame, never the message. */
    public void failure(String context, Throwable e) {
        StackTraceElement where = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        write("error", context + " failed [" + UUID.randomUUID().toString().substring(0, 8) + "]: "
                + e.getClass().getName() + (where == null ? "" : " at " + where));
    }

    private void write(String level, String message) {
        if (LEVELS.indexOf(level) < threshold) {
            return;
        }
        out.println(Instant.now() + " " + level.toUpperCase() + " " + escape(message)); // one call: no interleaving
        out.flush();
    }

    /** The text with every control character shown as its escape: a backslash, u and four hex digits. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            // C0, DEL and C1 (NEL ends a line for some readers, CSI drives terminals), and the Unicode line separators.
            boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
            b.append(control ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
