package vaultmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.log.Log;

/** The hash-chained audit trail: it verifies as written, and fails after any edit, deletion or reordering. */
class AuditTrailTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(stderr, true, StandardCharsets.UTF_8), "info");

    private Path key() throws IOException {
        return Files.writeString(dir.resolve("key"), "a-long-operator-key-0123456789\n");
    }

    private Path trail(int records) throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditTrail trail = AuditTrail.open(file, key(), log)) {
            for (int i = 0; i < records; i++) {
                JsonObject record = new JsonObject();
                record.addProperty("tool", "t" + i);
                trail.write(record);
            }
        }
        return file;
    }

    private String verify(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AuditTrail.verify(file, AuditTrail.key(key()), new PrintStream(out, true, StandardCharsets.UTF_8));
        return status + " " + out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void aTrailAsWrittenVerifiesAndItsHeadIsLoggedAtClose() throws IOException {
        Path file = trail(5);
        assertTrue(verify(file).startsWith("0 audit trail " + file + ": 5 records, chain intact, head "), verify(file));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("5 records, head "), stderr.toString());
    }

    @Test
    void theChainContinuesAcrossRestarts() throws IOException {
        trail(3);
        Path file = trail(2);
        assertEquals(5, Files.readAllLines(file).size());
        assertTrue(verify(file).startsWith("0 "), verify(file));
        assertEquals(5, JsonParser.parseString(Files.readAllLines(file).get(4)).getAsJsonObject().get("seq").getAsInt());
    }

    @Test
    void anEditedADeletedOrAReorderedRecordBreaksTheChain() throws IOException {
        Path file = trail(4);
        List<String> lines = Files.readAllLines(file);
        List<String> edited = new ArrayList<>(lines);
        edited.set(1, edited.get(1).replace("\"t1\"", "\"t9\""));
        Files.write(file, edited);
        assertEquals("1 audit trail " + file + ": record 2 was changed (its MAC does not match)", verify(file));
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(2);
        Files.write(file, deleted);
        assertTrue(verify(file).startsWith("1 audit trail " + file + ": record 3 is out of order"), verify(file));
        List<String> swapped = new ArrayList<>(lines);
        Collections.swap(swapped, 0, 1);
        Files.write(file, swapped);
        assertTrue(verify(file).startsWith("1 audit trail " + file + ": record 1 is out of order"), verify(file));
        Files.write(file, lines.subList(0, 3));
        assertTrue(verify(file).startsWith("0 "), "a cut tail verifies: the logged head shows it is missing");
    }

    @Test
    void aDifferentKeyCannotVerifyAndValuesAreKeptAsHmacs() throws IOException {
        Path file = trail(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, AuditTrail.verify(file, "another key".getBytes(StandardCharsets.UTF_8), new PrintStream(out)));
        try (AuditTrail trail = AuditTrail.open(dir.resolve("other.log"), key(), log)) {
            String mac = trail.hmac("hvs.SECRET");
            assertTrue(mac.startsWith("hmac-sha256:") && !mac.contains("SECRET"), mac);
            assertEquals(mac, trail.hmac("hvs.SECRET"));
            assertNotEquals(mac, trail.hmac("hvs.SECRET2"));
        }
    }
}
