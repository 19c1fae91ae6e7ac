package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** write_secret and delete_secret against the fake Vault: merging, check-and-set, soft-deleted versions, KV v1. */
class KvWriteToolsTest {
    private static final String CAS_MISMATCH = "{\"errors\":[\"check-and-set parameter did not match the current version\"]}";

    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enableKv("kv1", 1);
        tools = new ToolCalls(fake);
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private JsonObject stored(String path) {
        return JsonParser.parseString(fake.call("GET", "secret/data/" + path, null)).getAsJsonObject()
                .getAsJsonObject("data").getAsJsonObject("data");
    }

    private JsonObject storedV1(String path) {
        return JsonParser.parseString(fake.call("GET", "kv1/" + path, null)).getAsJsonObject().getAsJsonObject("data");
    }

    @Test
    void setsOneKeyAndKeepsTheOthers() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"user\":\"alice\"}}");
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"password\",\"value\":\"s3cret\"}");
        assertEquals(JsonParser.parseString("{\"user\":\"alice\",\"password\":\"s3cret\"}"), stored("app"));
        assertEquals(2, out.get("version").getAsInt());
        assertEquals(2, out.get("kv_version").getAsInt());
        assertEquals("[\"password\"]", out.get("keys").toString());
    }

    @Test
    void asksTheKvVersionAnewBeforeWritingSoAReplacedMountIsWrittenRight() {
        fake.enableKv("swap", 2);
        tools.ok("list_secrets", "{\"mount\":\"swap\"}"); // the version (2) is cached now
        fake.call("DELETE", "sys/mounts/swap", null);
        fake.enableKv("swap", 1);
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"swap\",\"path\":\"app\",\"key\":\"k\",\"value\":\"v\"}");
        assertEquals(1, out.get("kv_version").getAsInt());
        assertEquals(JsonParser.parseString("{\"k\":\"v\"}"),
                JsonParser.parseString(fake.call("GET", "swap/app", null)).getAsJsonObject().getAsJsonObject("data"));
    }

    @Test
    void neverReturnsTheValuesItWrote() {
        ToolResult result = tools.call("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"k\",\"value\":\"v4lue-never-shown\","
                + "\"data\":{\"other\":\"0ther-never-shown\"}}");
        assertFalse(result.toJson().toString().contains("never-shown"), result.toJson().toString());
    }

    @Test
    void setsSeveralKeysFromDataAndKeyTogether() {
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\",\"value\":\"1\",\"data\":{\"b\":\"2\",\"c\":\"3\"}}");
        assertEquals(JsonParser.parseString("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}"), stored("app"));
        assertEquals("[\"a\",\"b\",\"c\"]", out.get("keys").toString());
        assertEquals(1, tools.sent("POST", "secret/data/app").size(), "one version for all keys");
    }

    @Test
    void createsANewSecretWithCheckAndSetZero() {
        tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"new/one\",\"data\":{\"a\":\"1\"}}");
        assertEquals(0, tools.body("POST", "secret/data/new/one").getAsJsonObject("options").get("cas").getAsInt());
    }

    @Test
    void sendsCheckAndSetWithTheVersionItRead() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"2\"}}");
        fake.clearRequests();
        tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"b\",\"value\":\"x\"}");
        assertEquals(2, tools.body("POST", "secret/data/app").getAsJsonObject("options").get("cas").getAsInt());
    }

    @Test
    void keepsAKeyWrittenByAnotherClientBetweenItsReadAndItsWrite() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"x\":\"1\"}}");
        fake.call("POST", "secret/data/app", "{\"data\":{\"x\":\"1\",\"y\":\"2\"}}");
        // Our first read sees version 1, as if the other client's write of y landed just after it.
        fake.inject(Fault.answer(200, "{\"data\":{\"data\":{\"x\":\"1\"},\"metadata\":{\"version\":1}}}").on("secret/data/app"));
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\",\"value\":\"3\"}");
        assertEquals(JsonParser.parseString("{\"x\":\"1\",\"y\":\"2\",\"a\":\"3\"}"), stored("app"));
        assertEquals(3, out.get("version").getAsInt());
        assertEquals(2, tools.sent("POST", "secret/data/app").size(), "the stale write was refused and retried");
    }

    @Test
    void twoConcurrentWritersOfDifferentKeysBothSurvive() throws Exception {
        int secrets = 20;
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<ToolResult>>> writers = new ArrayList<>();
            for (String key : List.of("a", "b")) {
                writers.add(pool.submit(() -> {
                    ToolCalls own = new ToolCalls(fake);
                    start.await();
                    List<ToolResult> results = new ArrayList<>();
                    for (int i = 0; i < secrets; i++) {
                        results.add(own.call("write_secret", "{\"mount\":\"secret\",\"path\":\"race/" + i + "\",\"key\":\"" + key
                                + "\",\"value\":\"" + key + "\"}"));
                    }
                    return results;
                }));
            }
            for (Future<List<ToolResult>> writer : writers) {
                for (ToolResult result : writer.get()) {
                    assertFalse(result.isError(), ToolCalls.text(result));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < secrets; i++) {
            assertEquals(JsonParser.parseString("{\"a\":\"a\",\"b\":\"b\"}"), stored("race/" + i), "race/" + i);
        }
    }

    @Test
    void givesUpAfterTheBoundedNumberOfCheckAndSetMismatches() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"x\":\"1\"}}");
        for (int i = 0; i < Limits.KV_WRITE_ATTEMPTS; i++) {
            fake.inject(Fault.slow(Duration.ZERO).on("secret/data/app"));
            fake.inject(Fault.answer(400, CAS_MISMATCH).on("secret/data/app"));
        }
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\",\"value\":\"1\"}");
        assertTrue(error.contains("changed by someone else during each of 5 attempts; nothing was written"), error);
        assertEquals(Limits.KV_WRITE_ATTEMPTS, tools.sent("POST", "secret/data/app").size());
        assertEquals(JsonParser.parseString("{\"x\":\"1\"}"), stored("app"));
    }

    @Test
    void worksOnAMountThatRequiresCheckAndSet() {
        fake.call("POST", "secret/config", "{\"cas_required\":true}");
        tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\",\"value\":\"1\"}");
        tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"b\",\"value\":\"2\"}");
        assertEquals(JsonParser.parseString("{\"a\":\"1\",\"b\":\"2\"}"), stored("app"));
    }

    @Test
    void afterASoftDeleteWritesOnlyTheNewKeysAndSaysSo() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"old\":\"1\"}}");
        fake.call("DELETE", "secret/data/app", null);
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"new\",\"value\":\"2\"}");
        assertEquals(JsonParser.parseString("{\"new\":\"2\"}"), stored("app"));
        assertEquals(2, out.get("version").getAsInt());
        assertTrue(out.get("note").getAsString().contains("latest version (1) was deleted"), out.toString());
        assertEquals(1, tools.body("POST", "secret/data/app").getAsJsonObject("options").get("cas").getAsInt());
    }

    @Test
    void afterADestroyWritesANewVersion() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"old\":\"1\"}}");
        fake.call("POST", "secret/destroy/app", "{\"versions\":[1]}");
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"new\",\"value\":\"2\"}");
        assertEquals(JsonParser.parseString("{\"new\":\"2\"}"), stored("app"));
        assertTrue(out.has("note"), out.toString());
    }

    @Test
    void mergesIntoAKvVersion1SecretWithoutVersions() {
        fake.call("POST", "kv1/app", "{\"user\":\"alice\"}");
        JsonObject out = tools.ok("write_secret", "{\"mount\":\"kv1\",\"path\":\"app\",\"key\":\"password\",\"value\":\"x\"}");
        assertEquals(JsonParser.parseString("{\"user\":\"alice\",\"password\":\"x\"}"), storedV1("app"));
        assertEquals(1, out.get("kv_version").getAsInt());
        assertFalse(out.has("version"));
        assertFalse(tools.body("POST", "kv1/app").has("options"), "KV v1 stores the body verbatim");
    }

    @Test
    void createsAKvVersion1Secret() {
        tools.ok("write_secret", "{\"mount\":\"kv1\",\"path\":\"fresh\",\"data\":{\"a\":\"1\"}}");
        assertEquals(JsonParser.parseString("{\"a\":\"1\"}"), storedV1("fresh"));
    }

    @Test
    void refusesKeyWithoutValueAndSendsNothing() {
        fake.clearRequests();
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\"}");
        assertTrue(error.contains("\"key\" and \"value\" go together"), error);
        assertTrue(tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"value\":\"a\"}").contains("go together"));
        assertTrue(fake.requests().isEmpty(), fake.requests().toString());
    }

    @Test
    void refusesACallWithNothingToWrite() {
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"data\":{}}");
        assertTrue(error.contains("give \"key\" and \"value\", or \"data\" with at least one key"), error);
        assertTrue(tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\"}").contains("at least one key"));
    }

    @Test
    void refusesTheSameKeyTwiceWithDifferentValues() {
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\",\"value\":\"1\",\"data\":{\"a\":\"2\"}}");
        assertTrue(error.contains("\"a\" is given twice"), error);
    }

    @Test
    void refusesNonStringValuesInData() {
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"data\":{\"a\":1}}");
        assertTrue(error.contains("\"data\" must map names to strings"), error);
    }

    @Test
    void refusesAPathThatLeavesTheMount() {
        fake.clearRequests();
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"../sys/policy/x\",\"key\":\"a\",\"value\":\"1\"}");
        assertTrue(error.contains("paths may not leave their mount"), error);
        assertTrue(fake.requests().isEmpty());
    }

    @Test
    void aTokenThatMayOnlyReadGetsVaultsRefusal() {
        String token = fake.createToken("path \"secret/data/*\" { capabilities = [\"read\"] }");
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        String error = new ToolCalls(fake, token, null).error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"b\",\"value\":\"2\"}");
        assertTrue(error.contains("permission denied"), error);
        assertFalse(error.contains(token), "the token never appears in a message");
        assertEquals(JsonParser.parseString("{\"a\":\"1\"}"), stored("app"));
    }

    @Test
    void refusesAMountThatIsNotKv() {
        fake.enable("pki", "pki");
        String error = tools.error("write_secret", "{\"mount\":\"pki\",\"path\":\"app\",\"key\":\"b\",\"value\":\"2\"}");
        assertTrue(error.contains("is a pki secrets engine, not a KV store"), error);
    }

    @Test
    void reportsAVaultFailureAsAnErrorResult() {
        fake.inject(Fault.answer(503, "{\"errors\":[\"Vault is sealed\"]}").on("secret/data/app"));
        String error = tools.error("write_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\",\"value\":\"1\"}");
        assertTrue(error.contains("503") && error.contains("Vault is sealed"), error);
    }

    // ---- delete_secret

    @Test
    void deletesTheSecretWhenKeyIsLeftOut() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"2\"}}");
        JsonObject out = tools.ok("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\"}");
        assertEquals("secret", out.get("deleted").getAsString());
        assertEquals(2, out.get("version").getAsInt());
        assertEquals(1, tools.sent("DELETE", "secret/data/app").size(), "soft delete of the latest version");
        String latest = tools.error("read_secret", "{\"mount\":\"secret\",\"path\":\"app\"}");
        assertTrue(latest.contains("Version 2") && latest.contains("was deleted"), latest);
        assertEquals("{\"a\":\"1\"}", tools.ok("read_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"version\":1}").get("data").toString());
    }

    @Test
    void anEmptyKeyAlsoDeletesTheSecret() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        assertEquals("secret", tools.ok("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"\"}").get("deleted").getAsString());
    }

    @Test
    void deletesAKvVersion1SecretForGood() {
        fake.call("POST", "kv1/app", "{\"a\":\"1\"}");
        JsonObject out = tools.ok("delete_secret", "{\"mount\":\"kv1\",\"path\":\"app\"}");
        assertFalse(out.has("version"));
        assertTrue(tools.error("read_secret", "{\"mount\":\"kv1\",\"path\":\"app\"}").contains("There is no secret"));
    }

    @Test
    void aMissingSecretIsAClearErrorAndNothingIsDeleted() {
        for (String mount : List.of("secret", "kv1")) {
            String error = tools.error("delete_secret", "{\"mount\":\"" + mount + "\",\"path\":\"nothing/here\"}");
            assertTrue(error.contains("There is no secret \"nothing/here\" in mount \"" + mount + "\"; nothing changed"), error);
            error = tools.error("delete_secret", "{\"mount\":\"" + mount + "\",\"path\":\"nothing/here\",\"key\":\"a\"}");
            assertTrue(error.contains("There is no secret"), error);
        }
        assertTrue(fake.requests().stream().noneMatch(r -> r.method().equals("DELETE") || r.method().equals("POST")), fake.requests().toString());
    }

    @Test
    void anAlreadyDeletedLatestVersionIsAClearError() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        fake.call("DELETE", "secret/data/app", null);
        String error = tools.error("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\"}");
        assertTrue(error.contains("The latest version (1) of secret \"app\" in mount \"secret\" is deleted; nothing changed"), error);
        assertTrue(tools.error("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\"}").contains("is deleted"));
    }

    @Test
    void removesOneKeyAndKeepsTheRestAsANewVersion() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\",\"b\":\"2\"}}");
        JsonObject out = tools.ok("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\"}");
        assertEquals(JsonParser.parseString("{\"b\":\"2\"}"), stored("app"));
        assertEquals("key", out.get("deleted").getAsString());
        assertEquals(2, out.get("version").getAsInt());
        assertEquals("[\"b\"]", out.get("keys").toString());
        assertEquals(1, tools.body("POST", "secret/data/app").getAsJsonObject("options").get("cas").getAsInt());
    }

    @Test
    void removingAKeyKeepsAKeyWrittenMeanwhileByAnotherClient() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\",\"late\":\"2\"}}");
        fake.inject(Fault.answer(200, "{\"data\":{\"data\":{\"a\":\"1\"},\"metadata\":{\"version\":1}}}").on("secret/data/app"));
        tools.ok("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\"}");
        assertEquals(JsonParser.parseString("{\"late\":\"2\"}"), stored("app"));
    }

    @Test
    void removingTheLastKeyOfAKvVersion2SecretLeavesAnEmptyVersion() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\"}}");
        JsonObject out = tools.ok("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"a\"}");
        assertEquals(new JsonObject(), stored("app"));
        assertEquals("[]", out.get("keys").toString());
    }

    @Test
    void removesOneKeyOfAKvVersion1Secret() {
        fake.call("POST", "kv1/app", "{\"a\":\"1\",\"b\":\"2\"}");
        tools.ok("delete_secret", "{\"mount\":\"kv1\",\"path\":\"app\",\"key\":\"b\"}");
        assertEquals(JsonParser.parseString("{\"a\":\"1\"}"), storedV1("app"));
    }

    @Test
    void removingTheLastKeyOfAKvVersion1SecretDeletesItAndSaysSo() {
        fake.call("POST", "kv1/app", "{\"a\":\"1\"}");
        JsonObject out = tools.ok("delete_secret", "{\"mount\":\"kv1\",\"path\":\"app\",\"key\":\"a\"}");
        assertTrue(out.get("note").getAsString().contains("secret was deleted"), out.toString());
        assertEquals(1, tools.sent("DELETE", "kv1/app").size());
        assertTrue(tools.sent("POST", "kv1/app").isEmpty(), "Vault refuses an empty KV v1 secret");
    }

    @Test
    void aMissingKeyIsAnErrorThatNamesTheKeysButNotTheValues() {
        fake.call("POST", "secret/data/app", "{\"data\":{\"user\":\"alice-value\",\"password\":\"pw-value\"}}");
        String error = tools.error("delete_secret", "{\"mount\":\"secret\",\"path\":\"app\",\"key\":\"nope\"}");
        assertTrue(error.contains("has no key \"nope\"; its keys are [\"password\",\"user\"]"), error);
        assertFalse(error.contains("-value"), error);
        assertTrue(tools.sent("POST", "secret/data/app").isEmpty());
    }
}
