package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.config.Limits;

class VaultPathTest {
    private static final VaultPath MOUNT = VaultPath.of("secret", "data");

    private static String refused(String input) {
        return assertThrows(IllegalArgumentException.class, () -> MOUNT.append(input), input).getMessage();
    }

    @Test
    void joinsFixedSegments() {
        VaultPath p = VaultPath.of("sys", "internal", "ui", "mounts");
        assertEquals("sys/internal/ui/mounts", p.toString());
        assertEquals("sys/internal/ui/mounts", p.encoded());
        assertFalse(p.isEmpty());
        assertTrue(VaultPath.of().isEmpty());
        assertEquals("", VaultPath.of().encoded());
    }

    @ParameterizedTest
    @CsvSource({"app/config,secret/data/app/config", "/app/config,secret/data/app/config", "app/,secret/data/app",
        "/app/,secret/data/app", "a,secret/data/a", "a.b/..c/c..,secret/data/a.b/..c/c..", "...,secret/data/..."})
    void appendsUserPathsBelowTheBase(String input, String expected) {
        assertEquals(expected, MOUNT.append(input).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/"})
    void treatsAnEmptyPathAsTheBaseItself(String input) {
        assertEquals(MOUNT, MOUNT.append(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "//a", "a//", "///", "a/b//"})
    void refusesEmptySegments(String input) {
        assertEquals("\"" + input + "\" contains an empty path segment (\"//\")", refused(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../sys/policy/root", "a/../../sys", "a/..", "/../x", "../", ".", "./a", "a/./b", "a/."})
    void refusesDotSegmentsSoAPathNeverLeavesItsMount(String input) {
        String message = refused(input);
        assertTrue(message.startsWith("\"" + input + "\" contains a \""), message);
        assertTrue(message.endsWith("segment; paths may not leave their mount"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\nb", "a\rb", "a\tb", "\u001b[31m", "a\u007fb", "a\u0080b", "a\u0085b", "a\u009fb", "x/\u0001"})
    void refusesControlCharactersIncludingDelAndC1(String input) {
        assertEquals("the path contains a control character", refused(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\ud800b", "a\udc00", "\ud83d", "x/\udfff\ud800"})
    void refusesUnpairedSurrogatesThatWouldBeSentAsAQuestionMark(String input) {
        assertEquals("the path contains an unpaired UTF-16 surrogate", refused(input));
    }

    @Test
    void encodesAPairedSurrogateAsUtf8() {
        assertEquals("secret/data/%F0%9F%94%91", MOUNT.append("\ud83d\udd11").encoded());
    }

    @Test
    void acceptsCharactersJustOutsideTheControlRanges() {
        assertEquals("secret/data/%20~%C2%A0", MOUNT.append(" ~\u00a0").encoded());
    }

    @Test
    void capsTheLengthOfASegmentAtTheBoundInLimits() {
        int max = Limits.MAX_PATH_SEGMENT_CHARS;
        assertEquals(512, max);
        assertEquals(max, MOUNT.append("a".repeat(max)).toString().length() - "secret/data/".length());
        assertEquals("a path segment is longer than 512 characters", refused("a".repeat(max + 1)));
        assertEquals("a path segment is longer than 512 characters", refused("ok/" + "b".repeat(max + 1)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a b|a%20b", "100%|100%25", "a?b|a%3Fb", "a#b|a%23b", "caf\u00e9|caf%C3%A9", "\ud83d\udd11|%F0%9F%94%91",
        "a+b|a%2Bb", "a;b|a%3Bb", "a=b&c|a%3Db%26c", "A-Z_a.z~0|A-Z_a.z~0", "a:b|a%3Ab", "a\\b|a%5Cb", "a@b|a%40b"})
    void percentEncodesEachSegment(String input, String encoded) {
        assertEquals("secret/data/" + encoded, MOUNT.append(input).encoded());
        assertEquals("secret/data/" + input, MOUNT.append(input).toString());
    }

    @Test
    void keepsEncodedDotsLiteralSoVaultCannotDecodeThemIntoATraversal() {
        VaultPath p = MOUNT.append("%2e%2e/%2E%2E/sys");
        assertEquals("secret/data/%252e%252e/%252E%252E/sys", p.encoded());
        assertEquals("secret/data/%2e%2e/%2E%2E/sys", p.toString());
    }

    @Test
    void keepsALiteralPercentTwoEAndLookAlikeDotsSafe() {
        assertEquals("secret/data/%252E", MOUNT.append("%2E").encoded());
        assertEquals("secret/data/%252E%252E/%252e/x", MOUNT.append("/%2E%2E/%2e/x/").encoded());
        assertEquals("secret/data/%EF%BC%8E%EF%BC%8E/%E2%80%A4%E2%80%A4",
                MOUNT.append("\uff0e\uff0e/\u2024\u2024").encoded());
    }

    /** Pieces of hostile paths: slashes, dots, encoded dots and slashes, characters that only look like dots. */
    private static final List<String> PIECES = List.of("", "/", "//", ".", "..", "...", "a", "%2e", "%2E", "%2e%2e",
            "%2f", "%252e", "\u2024", "\uff0e", "\u3002", "\\", ";", "?", "%");
    /** The refusals a hostile path may meet (no piece holds a control character or is long). */
    private static final String REFUSALS = "(?s)\".*\" contains (an empty path segment \\(\"//\"\\)"
            + "|a \"\\.\\.?\" segment; paths may not leave their mount)";

    /** Every sequence of up to three pieces, then a fixed-seed sample of longer ones. */
    private static List<String> hostileInputs() {
        List<String> out = new ArrayList<>();
        List<String> level = List.of("");
        for (int length = 1; length <= 3; length++) {
            List<String> next = new ArrayList<>();
            for (String prefix : level) {
                PIECES.forEach(piece -> next.add(prefix + piece));
            }
            out.addAll(next);
            level = next;
        }
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = 4 + random.nextInt(5); n > 0; n--) {
                b.append(PIECES.get(random.nextInt(PIECES.size())));
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void neverEncodesAnEmptyDotOrDotDotSegmentWhateverTheInput() {
        int accepted = 0;
        int refused = 0;
        for (String input : hostileInputs()) {
            String encoded;
            try {
                encoded = MOUNT.append(input).encoded();
            } catch (IllegalArgumentException e) {
                // Refusing is one of the two allowed outcomes, and only for a documented reason.
                assertTrue(e.getMessage().matches(REFUSALS), input + ": " + e.getMessage());
                refused++;
                continue;
            }
            accepted++;
            String where = "\"" + input + "\" -> " + encoded;
            assertFalse(FakeVault.nonCanonical("/v1/" + encoded), where);
            assertFalse(encoded.toLowerCase(Locale.ROOT).matches(".*%2[ef].*"), where + " spells a dot or slash");
            assertSegmentsAreNames(encoded, where);
            String decoded = URI.create("/" + encoded).getPath().substring(1);
            assertSegmentsAreNames(decoded, where + " (decoded, as Vault reads it)");
        }
        assertTrue(accepted > 1000 && refused > 1000, accepted + " accepted, " + refused + " refused");
    }

    private static void assertSegmentsAreNames(String path, String where) {
        for (String segment : path.split("/", -1)) {
            assertFalse(segment.isEmpty() || segment.equals(".") || segment.equals(".."), where);
        }
    }

    @Test
    void splitsFixedSegmentsAtSlashes() {
        assertEquals("a/b/c", VaultPath.of("a", "b/c").encoded());
        assertEquals("a/b/c", VaultPath.of("a").append("b").append("c").encoded());
    }

    @Test
    void isAValue() {
        assertEquals(VaultPath.of("a", "b"), VaultPath.of("a").append("b"));
        assertEquals(VaultPath.of("a", "b").hashCode(), VaultPath.of("a/b").hashCode());
        assertNotEquals(VaultPath.of("a", "b"), VaultPath.of("a", "c"));
        VaultPath base = VaultPath.of("a");
        base.append("b");
        assertEquals("a", base.toString(), "append returns a new path");
    }

    @Test
    void checksFixedSegmentsToo() {
        assertThrows(IllegalArgumentException.class, () -> VaultPath.of("sys", ".."));
        assertThrows(IllegalArgumentException.class, () -> VaultPath.of("a//b"));
    }
}
