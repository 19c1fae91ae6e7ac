package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.audit.AuditTrail;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.PathRules;
import vaultmcp.log.Log;
import vaultmcp.vault.FakeVault;

/** What the audit trail records of tool calls, and that a change is refused when it cannot be recorded. */
class TrailTest {
    @TempDir
    Path dir;
    private FakeVault fake;
    private AuditTrail audit;
    private Path file;
    private Path key;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.call("POST", "secret/data/app/config", "{\"data\":{\"password\":\"s3cret-old\"}}");
        file = dir.resolve("audit.log");
        key = Files.writeString(dir.resolve("key"), "operator-key-for-tests");
        audit = AuditTrail.open(file, key, new Log(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), "error"));
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private Trail trail() {
        JsonObject context = new JsonObject();
        context.addProperty("transport", "stdio");
        context.addProperty("caller", audit.hmac(fake.rootToken()));
        return new Trail(audit, context);
    }

    private List<JsonObject> records() throws IOException {
        return Files.readAllLines(file).stream().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void aMixedSessionIsRecordedWithoutTokensOrValuesAndVerifies() throws IOException {
        ToolCalls tools = new ToolCalls(fake, new Selection(true, null, Set.of(), "", PathRules.parse("", "secret/denied"), SecretValues.PLAIN, Duration.ofMinutes(5)))
                .trails(this::trail);
        tools.ok("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}");
        tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"denied\"}");
        tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"password\",\"value\":\"s3cret-new\"}");
        tools.approver(summary -> {
            throw new ToolException("The change was not approved (the user declined); nothing was changed.");
        }).error("write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"k\",\"value\":\"s3cret-3\"}");
        tools.error("read_secret", "{\"mount\":\"secret\"}");
        tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"wrap_ttl\":\"25h\"}");
        audit.close();
        List<JsonObject> records = records();
        assertEquals(List.of("call", "call", "request", "response", "call", "call", "call"),
                records.stream().map(r -> r.get("type").getAsString()).toList());
        assertEquals(List.of("allowed", "refused by path rules", "allowed", "allowed", "not approved", "invalid arguments",
                "invalid arguments"),
                records.stream().map(r -> r.get("decision").getAsString()).toList());
        JsonObject response = records.get(3);
        assertEquals("ok", response.get("result").getAsString());
        assertTrue(response.getAsJsonArray("vault").toString().contains("\"method\":\"POST\",\"path\":\"secret/data/app/config\""),
                response.toString());
        assertTrue(response.getAsJsonObject("arguments").get("value").getAsString().startsWith("hmac-sha256:"));
        assertEquals("password", response.getAsJsonObject("arguments").get("key").getAsString());
        assertTrue(records.get(4).get("approval").getAsString().contains("declined"));
        String all = Files.readString(file);
        assertFalse(all.contains(fake.rootToken()) || all.contains("s3cret"), "no token, no secret value");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, AuditTrail.verify(file, AuditTrail.key(key), new PrintStream(out, true, StandardCharsets.UTF_8)), out.toString());
    }

    @Test
    void aChangeThatCannotBeRecordedIsRefusedAndNothingIsSent() {
        audit.close(); // from now on every write fails, as on a full disk or a revoked file
        ToolCalls tools = new ToolCalls(fake).trails(this::trail);
        fake.clearRequests();
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"k\",\"value\":\"v\"}");
        assertTrue(error.startsWith("The audit trail cannot be written"), error);
        assertTrue(tools.sent("POST", "secret/data/app/config").isEmpty(), fake.requests().toString());
    }
}
