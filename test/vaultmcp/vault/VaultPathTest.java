package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
