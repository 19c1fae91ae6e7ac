package vaultmcp.audit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import vaultmcp.config.Limits;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;
import vaultmcp.log.Log;

/**
 * The audit trail ({@code MCP_AUDIT_LOG}): one JSON object per line, modelled on Vault's audit devices. Each
 * record carries its sequence number, the MAC of the record before it ({@code prev}) and its own {@code mac}, an
 * HMAC-SHA256 under the operator's key over {@code prev} and the record, so whoever can edit the file but lacks
 * the key cannot recompute the chain. The chain continues across restarts; its head (count and last MAC) goes to
 * stderr every {@value vaultmcp.config.Limits#AUDIT_HEAD_EVERY} records and at exit, so a cut-off tail shows.
 * Values that must not be stored (secret arguments, caller credentials, sessions) are kept as HMACs. Records
 * are flushed, not fsynced: a crash of the machine can lose the last ones.
 */
public final class AuditTrail implements AutoCloseable {
    private final byte[] key;
    private final Writer out;
    private final Log log;
    private final Path file;
    private long count;
    private String last;

    /** {@code tail}: the last record of the file, whose chain this trail continues, or null. */
    private AuditTrail(Path file, byte[] key, JsonObject tail, Log log) throws IOException {
        this.file = file;
        this.key = key;
        this.log = log;
        this.count = tail == null ? 0 : tail.get("seq").getAsLong();
        this.last = tail == null ? "" : tail.get("mac").getAsString();
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * Opens {@code file} for appending; with {@code keyFile} null, a random key for this process
     * (written nowhere: the chain then restarts and values correlate within one run only).
     */
    public static AuditTrail open(Path file, Path keyFile, Log log) throws IOException {
        byte[] key = keyFile == null ? new SecureRandom().generateSeed(32) : key(keyFile);
        return new AuditTrail(file, key, keyFile != null && Files.isRegularFile(file) ? lastRecord(file) : null, log);
    }

    /** The key in the operator's key file, surrounding white space removed. */
    public static byte[] key(Path keyFile) throws IOException {
        return Files.readString(keyFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
    }

    /** A value as it may be stored: its HMAC under the trail's key. */
    public String hmac(String value) {
        return "hmac-sha256:" + HexFormat.of().formatHex(mac(key, value));
    }

    /** Appends {@code record} with its place in the chain; after an IOException the caller must not go on. */
    public synchronized void write(JsonObject record) throws IOException {
        record.addProperty("seq", count + 1);
        record.addProperty("prev", last);
        String mac = HexFormat.of().formatHex(mac(key, StrictJson.write(record)));
        record.addProperty("mac", mac);
        out.write(StrictJson.write(record));
        out.write('\n');
        out.flush();
        count++;
        last = mac;
        if (count % Limits.AUDIT_HEAD_EVERY == 0) {
            head();
        }
    }

    private void head() {
        log.info("audit trail " + file + ": " + count + " records, head " + last);
    }

    @Override
    public synchronized void close() {
        head();
        try {
            out.close();
        } catch (IOException e) {
            log.warn("audit trail " + file + ": closing failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Checks the chain of {@code file} under {@code key}: 0 and the count, or 1 and the first broken record. */
    public static int verify(Path file, byte[] key, PrintStream out) throws IOException {
        StrictJson json = new StrictJson(Limits.MAX_JSON_DEPTH);
        String last = "";
        long line = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                line++;
                String problem = check(json, text, line, last, key);
                if (problem != null) {
                    out.println("audit trail " + file + ": record " + line + " " + problem);
                    return 1;
                }
                last = json.parse(text).getAsJsonObject().get("mac").getAsString();
            }
        } catch (JsonException e) {
            out.println("audit trail " + file + ": record " + line + " is not JSON");
            return 1;
        }
        out.println("audit trail " + file + ": " + line + " records, chain intact, head " + last);
        return 0;
    }

    private static String check(StrictJson json, String text, long line, String last, byte[] key) throws JsonException {
        JsonElement parsed = json.parse(text);
        if (!(parsed instanceof JsonObject record) || !record.has("mac") || !record.has("seq") || !record.has("prev")) {
            return "lacks seq, prev or mac";
        }
        String mac = record.remove("mac").getAsString();
        if (!HexFormat.of().formatHex(mac(key, StrictJson.write(record))).equals(mac)) {
            return "was changed (its MAC does not match)";
        }
        if (record.get("seq").getAsLong() != line || !record.get("prev").getAsString().equals(last)) {
            return "is out of order, or one before it was removed";
        }
        return null;
    }

    private static JsonObject lastRecord(Path file) throws IOException {
        String last = null;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                last = text.isBlank() ? last : text;
            }
        }
        try {
            return last == null ? null : new StrictJson(Limits.MAX_JSON_DEPTH).parse(last).getAsJsonObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IOException("the last record of " + file + " is not a record of ours; move the file away");
        }
    }

    private static byte[] mac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
