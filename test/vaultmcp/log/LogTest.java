package vaultmcp.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private Log log(String level) {
        return new Log(new PrintStream(bytes, true, StandardCharsets.UTF_8), level);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** A line without its time stamp. */
    private static String body(String line) {
        return line.substring(line.indexOf(' ') + 1);
    }

    /** The correlation id of a failure's line. */
    private static String id(String line) {
        Matcher m = Pattern.compile(" failed \\[([0-9a-f]{8})]: ").matcher(line);
        assertTrue(m.find(), line);
        return m.group(1);
    }

    /** The bodies, a failure's shortened to its context ("ERROR e"). */
    private List<String> bodies() {
        return lines().stream().map(l -> body(l).replaceFirst(" failed \\[[0-9a-f]{8}]: .*", "")).toList();
    }

    @Test
    void writesOneLinePerEventWithTimeAndLevel() {
        Log log = log("debug");
        log.debug("d");
        log.info("i");
        log.warn("w");
        log.failure("e", new IllegalStateException());
        List<String> lines = lines();
        assertEquals(List.of("DEBUG d", "INFO i", "WARNING w", "ERROR e"), bodies());
        for (String line : lines) {
            assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z [A-Z]+ .*"), line);
        }
    }

    @Test
    void dropsEventsBelowTheLevel() {
        Log log = log("warning");
        log.debug("d");
        log.info("i");
        log.warn("w");
        log.failure("e", new IllegalStateException());
        assertEquals(List.of("WARNING w", "ERROR e"), bodies());
    }

    @Test
    void writesOnlyErrorsAtTheErrorLevel() {
        Log log = log("error");
        log.info("i");
        log.warn("w");
        log.failure("e", new IllegalStateException());
        assertEquals(List.of("ERROR e"), bodies());
    }

    @Test
    void escapesControlCharactersSoNoLineCanBeForged() {
        log("info").info("user \"a\nINFO forged\r\n\u001b[31mred\u0000\u007f\tend");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("INFO user \"a\\u000aINFO forged\\u000d\\u000a\\u001b[31mred\\u0000\\u007f\\u0009end", body(lines.get(0)));
    }

    @Test
    void escapesC1ControlsAndUnicodeLineSeparators() {
        log("info").info("a\u0085b\u009b31mc\u2028d\u2029e\u0080f\u009fg");
        assertEquals("INFO a\\u0085b\\u009b31mc\\u2028d\\u2029e\\u0080f\\u009fg", body(lines().get(0)));
    }

    @Test
    void keepsPrintableUnicode() {
        log("info").info("caf\u00e9 \ud83d\udd11 \u00a0");
        assertEquals("INFO caf\u00e9 \ud83d\udd11 \u00a0", body(lines().get(0)));
    }

    @Test
    void logsAFailureWithAnIdButWithoutItsMessage() {
        Log log = log("info");
        IllegalStateException e = new IllegalStateException("token hvs.SECRET in /etc/vault", new IOException("cause hvs.CAUSE"));
        log.failure("request tools/call", e);
        String line = lines().get(0);
        String id = id(line);
        assertTrue(body(line).startsWith("ERROR request tools/call failed [" + id + "]: java.lang.IllegalStateException at "), line);
        assertTrue(line.contains("LogTest"), "names where it happened: " + line);
        assertFalse(line.contains("hvs."), line);
        assertFalse(line.contains("/etc/vault"), line);
        assertEquals(1, lines().size(), "no stack trace");
    }

    @Test
    void givesEachFailureItsOwnId() {
        Log log = log("info");
        log.failure("a", new RuntimeException());
        log.failure("b", new RuntimeException());
        assertEquals(2, lines().size());
        assertNotEquals(id(lines().get(0)), id(lines().get(1)));
    }

    @Test
    void logsAFailureWithoutAStackTrace() {
        Log log = log("info");
        RuntimeException bare = new RuntimeException("hvs.SECRET", null, false, false) { private static final long serialVersionUID = 1L; };
        log.failure("x", bare);
        String line = body(lines().get(0));
        assertTrue(line.startsWith("ERROR x failed [" + id(line) + "]: vaultmcp.log.LogTest$"), line);
        assertFalse(line.contains(" at "), line);
        assertFalse(line.contains("hvs."), line);
    }

    @Test
    void logsFailuresEvenAtTheErrorLevel() {
        log("error").failure("x", new RuntimeException());
        assertEquals(1, lines().size());
        id(lines().get(0));
    }

    @Test
    void namesTheLevels() {
        assertEquals(List.of("debug", "info", "warning", "error"), Log.LEVELS);
    }
}
