package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.PathRules;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** Value-blind delivery: wrapped answers reach the user only, redacted ones carry lengths only. */
class DeliveryTest {
    private static final String WRAPPED = "{\"wrap_info\":{\"token\":\"hvs.WRAPPING-TOKEN\",\"accessor\":\"acc-1\","
            + "\"ttl\":300,\"creation_time\":\"2026-12-01T00:00:00Z\",\"creation_path\":\"secret/data/app/config\"}}";
    private FakeVault fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.call("POST", "secret/data/app/config", "{\"data\":{\"user\":\"alice\",\"password\":\"s3cret\"}}");
        fake.clearRequests();
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private ToolCalls tools(SecretValues mode) {
        return new ToolCalls(fake, new Selection(true, null, Set.of(), "", PathRules.none(), mode, Duration.ofMinutes(5)));
    }

    @ParameterizedTest
    @EnumSource(SecretValues.class)
    void descriptionsOfToolsWithSecretAnswersSayTheModeInForce(SecretValues mode) {
        ToolTable table = tools(mode).table();
        String mark = "(MCP_SECRET_VALUES=" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")";
        assertTrue(table.find("read_secret").definition().get("description").getAsString().contains(mark), mark);
        assertTrue(table.find("issue_pki_certificate").definition().get("description").getAsString().contains(mark));
        assertFalse(table.find("list_secrets").definition().get("description").getAsString().contains("MCP_SECRET"));
    }

    @Test
    void inWrapModeTheModelSeesTheAccessorAndTheUserAloneTheToken() {
        fake.inject(Fault.answer(200, WRAPPED).on("secret/data/app/config"));
        ToolResult result = tools(SecretValues.WRAP).call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}");
        assertFalse(result.isError(), ToolCalls.text(result));
        assertEquals("300s", tools(SecretValues.PLAIN).sent("GET", "secret/data/app/config").get(0).header("X-Vault-Wrap-TTL"));
        JsonObject wrapped = result.structured().getAsJsonObject("wrapped");
        assertEquals("acc-1", wrapped.get("accessor").getAsString());
        assertEquals(300, wrapped.get("ttl").getAsInt());
        assertNull(result.structured().get("data"));
        assertFalse(result.structured().toString().contains("hvs.WRAPPING-TOKEN"));
        assertFalse(ToolCalls.text(result).contains("hvs.WRAPPING-TOKEN"), "the model-facing text holds no token");
        JsonObject user = result.content().get(1).getAsJsonObject();
        assertEquals("[\"user\"]", user.getAsJsonObject("annotations").get("audience").toString());
        assertTrue(user.get("text").getAsString().contains("vault unwrap hvs.WRAPPING-TOKEN"), user.toString());
    }

    @Test
    void wrapTtlOnACallWrapsThatCallEvenInPlainModeAndIsBounded() {
        fake.inject(Fault.answer(200, WRAPPED).on("secret/data/app/config"));
        ToolCalls plain = tools(SecretValues.PLAIN);
        plain.call("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"wrap_ttl\":\"90s\"}");
        assertEquals("90s", plain.sent("GET", "secret/data/app/config").get(0).header("X-Vault-Wrap-TTL"));
        assertTrue(plain.error("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"wrap_ttl\":\"25h\"}")
                .contains("\"wrap_ttl\" must be between 1s and 86400s"));
        assertEquals("s3cret", plain.ok("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}")
                .getAsJsonObject("data").get("password").getAsString());
        assertNull(plain.sent("GET", "secret/data/app/config").get(1).header("X-Vault-Wrap-TTL"));
    }

    @Test
    void inRedactModeKeysAndMetadataComeBackAndEachValueIsItsLength() {
        JsonObject out = tools(SecretValues.REDACT).ok("read_secret", "{\"mount\":\"secret\",\"path\":\"app/config\"}");
        assertEquals("<redacted: 6 characters>", out.getAsJsonObject("data").get("password").getAsString());
        assertEquals("<redacted: 5 characters>", out.getAsJsonObject("data").get("user").getAsString());
        assertEquals(1, out.getAsJsonObject("metadata").get("version").getAsInt());
        assertFalse(out.toString().contains("s3cret") || out.toString().contains("alice"));
    }

    @Test
    void writesReadTheSecretUnwrappedToMergeIt() {
        tools(SecretValues.WRAP).ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app/config\",\"key\":\"k\",\"value\":\"v\"}");
        assertTrue(fake.requests().stream().noneMatch(r -> r.header("X-Vault-Wrap-TTL") != null), fake.requests().toString());
    }
}
