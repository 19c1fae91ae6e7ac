package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FakeVault answers as a real dev server does (the shared fidelity cases) and its test hooks work. */
class FakeVaultTest {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TestFactory
    Stream<DynamicTest> answersTheFidelityCasesAsARealDevServerDoes() throws IOException {
        FakeVault fake = new FakeVault();
        FidelityCases runner = new FidelityCases(fake.address(), Map.of("root", fake.rootToken(), "unsealKey", FakeVault.UNSEAL_KEY));
        return FidelityCases.load().stream()
                .map(c -> DynamicTest.dynamicTest(FidelityCases.name(c), () -> {
                    String problem = runner.run(c);
                    assertNull(problem, problem);
                }))
                .onClose(fake::close);
    }

    private HttpResponse<String> get(FakeVault fake, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.address() + "/v1/" + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(FakeVault fake, String method, String path, String token, String json, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.address() + "/v1/" + path)).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("X-Vault-Token", token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"ACTIVE, 200, false, false, true", "HA_ACTIVE, 200, false, false, true",
        "STANDBY, 429, true, false, true", "PERFORMANCE_STANDBY, 473, true, true, true", "DR_SECONDARY, 472, false, false, true",
        "UNINITIALIZED, 501, true, false, false"})
    void healthAnswersEachRoleWithItsStatus(FakeVault.Role role, int status, boolean standby, boolean perfStandby, boolean initialized)
            throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.role(role);
            HttpResponse<String> r = get(fake, "sys/health", null);
            assertEquals(status, r.statusCode(), r.body());
            JsonObject h = json(r);
            assertEquals(standby, h.get("standby").getAsBoolean());
            assertEquals(perfStandby, h.get("performance_standby").getAsBoolean());
            assertEquals(initialized, h.get("initialized").getAsBoolean());
            assertEquals(!initialized, h.get("sealed").getAsBoolean());
            assertEquals(initialized, h.has("cluster_name"));
            assertEquals(role == FakeVault.Role.DR_SECONDARY ? "secondary" : initialized ? "disabled" : "unknown",
                    h.get("replication_dr_mode").getAsString());
            JsonObject seal = json(get(fake, "sys/seal-status", null));
            assertEquals(initialized, seal.get("initialized").getAsBoolean());
            assertEquals(initialized ? 1 : 0, seal.get("n").getAsInt());
        }
    }

    @Test
    void healthTakesTheStatusCodeParameters() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.role(FakeVault.Role.STANDBY);
            assertEquals(200, get(fake, "sys/health?standbyok=true", null).statusCode());
            assertEquals(299, get(fake, "sys/health?standbycode=299", null).statusCode());
            assertEquals(400, get(fake, "sys/health?standbycode=x", null).statusCode());
            fake.role(FakeVault.Role.PERFORMANCE_STANDBY);
            assertEquals(473, get(fake, "sys/health?standbyok=true", null).statusCode(), "standbyok does not cover a performance standby");
            assertEquals(200, get(fake, "sys/health?perfstandbyok=true", null).statusCode());
            fake.role(FakeVault.Role.ACTIVE);
            fake.seal();
            assertEquals(503, get(fake, "sys/health", null).statusCode());
            assertEquals(200, get(fake, "sys/health?sealedcode=200", null).statusCode());
            HttpResponse<String> noBody = get(fake, "sys/health?sealedcode=204", null);
            assertEquals(204, noBody.statusCode());
            assertEquals("", noBody.body());
            assertFalse(json(get(fake, "sys/seal-status", null)).has("cluster_name"));
        }
    }

    @Test
    void leaderNamesTheActiveNodeOnlyWithHa() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            JsonObject dev = json(get(fake, "sys/leader", null));
            assertFalse(dev.get("ha_enabled").getAsBoolean());
            assertEquals("", dev.get("leader_address").getAsString());
            assertEquals("0001-01-01T00:00:00Z", dev.get("active_time").getAsString());
            fake.role(FakeVault.Role.STANDBY);
            JsonObject standby = json(get(fake, "sys/leader", "bogus"));
            assertTrue(standby.get("ha_enabled").getAsBoolean());
            assertFalse(standby.get("is_self").getAsBoolean());
            assertEquals(FakeHealth.LEADER_ADDRESS, standby.get("leader_address").getAsString());
            fake.role(FakeVault.Role.HA_ACTIVE);
            JsonObject active = json(get(fake, "sys/leader", null));
            assertTrue(active.get("is_self").getAsBoolean());
            assertEquals(fake.address(), active.get("leader_address").getAsString());
            assertEquals(405, send(fake, "POST", "sys/leader", null, "{}", null).statusCode());
        }
    }

    @Test
    void enableAuthAddsAnAuthMethodWithItsTune() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.enableAuth("userpass", "userpass");
            JsonObject auth = json(get(fake, "sys/auth", "root"));
            assertEquals("userpass", auth.getAsJsonObject("data").getAsJsonObject("userpass/").get("type").getAsString());
            assertEquals("token", auth.getAsJsonObject("data").getAsJsonObject("token/").get("type").getAsString());
            assertTrue(auth.getAsJsonObject("data").getAsJsonObject("userpass/").get("accessor").getAsString().startsWith("auth_userpass_"));
            JsonObject tune = json(get(fake, "sys/mounts/auth/userpass/tune", "root")).getAsJsonObject("data");
            assertEquals(2764800, tune.get("default_lease_ttl").getAsLong());
            assertEquals("default-service", tune.get("token_type").getAsString());
            assertEquals(tune, json(get(fake, "sys/auth/userpass/tune", "root")).getAsJsonObject("data"));
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> fake.enableAuth("userpass", "userpass"));
            assertTrue(again.getMessage().contains("path is already in use at userpass/"), again.getMessage());
            assertThrows(IllegalStateException.class, () -> fake.enableAuth("other", "nosuchauth"));
            assertEquals(204, send(fake, "DELETE", "sys/auth/userpass", "root", null, null).statusCode());
            assertEquals(400, get(fake, "sys/mounts/auth/userpass/tune", "root").statusCode());
        }
    }

    @Test
    void capabilitiesSelfComesFromTheTokensPolicies() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            String token = fake.createToken("path \"secret/data/app/*\" { capabilities = [\"read\", \"update\", \"create\"] }\n"
                    + "path \"secret/data/app/locked\" { capabilities = [\"deny\"] }\n"
                    + "path \"secret/metadata/+/x\" { capabilities = [\"list\"] }");
            HttpResponse<String> r = send(fake, "POST", "sys/capabilities-self", token,
                    "{\"paths\":[\"secret/data/app/x\",\"secret/data/app/locked\",\"secret/metadata/app/x\",\"sys/mounts\"]}", null);
            assertEquals(200, r.statusCode(), r.body());
            JsonObject data = json(r).getAsJsonObject("data");
            assertEquals("[\"create\",\"read\",\"update\"]", data.get("secret/data/app/x").toString());
            assertEquals("[\"deny\"]", data.get("secret/data/app/locked").toString());
            assertEquals("[\"list\"]", data.get("secret/metadata/app/x").toString());
            assertEquals("[\"deny\"]", data.get("sys/mounts").toString());
            assertFalse(data.has("capabilities"), "only a single path gets the capabilities key");
            JsonObject one = json(send(fake, "POST", "sys/capabilities-self", "root", "{\"paths\":[\"secret/data/app/x\"]}", null));
            assertEquals("[\"root\"]", one.getAsJsonObject("data").get("capabilities").toString());
            assertEquals("[\"root\"]", one.get("secret/data/app/x").toString(), "keys repeat at the top level");
        }
    }

    @Test
    void patchMergesWithCheckAndSetAndNeedsMergePatchJson() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.call("POST", "secret/data/app", "{\"data\":{\"a\":\"1\",\"b\":\"2\",\"o\":{\"x\":\"1\",\"y\":\"2\"}}}");
            String patch = "{\"data\":{\"a\":\"9\",\"b\":null,\"o\":{\"x\":null,\"z\":\"3\"}},\"options\":{\"cas\":1}}";
            HttpResponse<String> r = send(fake, "PATCH", "secret/data/app", "root", patch, "application/merge-patch+json");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2, json(r).getAsJsonObject("data").get("version").getAsInt());
            JsonObject now = json(get(fake, "secret/data/app", "root")).getAsJsonObject("data").getAsJsonObject("data");
            assertEquals(JsonParser.parseString("{\"a\":\"9\",\"o\":{\"y\":\"2\",\"z\":\"3\"}}"), now);
            assertEquals(400, send(fake, "PATCH", "secret/data/app", "root", patch, "application/merge-patch+json").statusCode(), "stale cas");
            assertEquals(415, send(fake, "PATCH", "secret/data/app", "root", patch, "application/json").statusCode());
            HttpResponse<String> none = send(fake, "PATCH", "secret/data/app", "root", patch, null);
            assertEquals(400, none.statusCode());
            assertEquals("{\"errors\":[\"mime: no media type\"]}\n", none.body());
        }
    }

    @Test
    void metadataWritesDecodeAsVaultAndScheduleDeletion() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.call("POST", "secret/metadata/app", "{\"max_versions\":\"3\",\"delete_version_after\":\"90\",\"custom_metadata\":{\"n\":1}}");
            JsonObject m = json(get(fake, "secret/metadata/app", "root")).getAsJsonObject("data");
            assertEquals(3, m.get("max_versions").getAsInt());
            assertEquals("1m30s", m.get("delete_version_after").getAsString());
            assertEquals("{\"n\":\"1\"}", m.get("custom_metadata").toString());
            assertEquals(0, m.get("current_version").getAsInt());
            String written = fake.call("POST", "secret/data/app", "{\"data\":{\"k\":\"v\"}}");
            String deletion = JsonParser.parseString(written).getAsJsonObject().getAsJsonObject("data").get("deletion_time").getAsString();
            assertTrue(java.time.Instant.parse(deletion).isAfter(java.time.Instant.now()), deletion);
            assertEquals(200, get(fake, "secret/data/app", "root").statusCode(), "a future deletion time is not a deletion");
            HttpResponse<String> bad = send(fake, "POST", "secret/metadata/app", "root", "{\"max_versions\":3,\"custom_metadata\":{\"k\":\"\"}}", null);
            assertEquals(400, bad.statusCode());
            assertEquals(3, json(get(fake, "secret/metadata/app", "root")).getAsJsonObject("data").get("max_versions").getAsInt());
        }
    }

    @Test
    void weakFieldsDecodeDurationsAsParseDurationSecondAndPrintThemAsGo() throws Exception {
        com.google.gson.JsonPrimitive[] inputs = {new com.google.gson.JsonPrimitive("1h30m"), new com.google.gson.JsonPrimitive("90"),
            new com.google.gson.JsonPrimitive(3600), new com.google.gson.JsonPrimitive("2d"), new com.google.gson.JsonPrimitive("1.5h"),
            new com.google.gson.JsonPrimitive("1500ms"), new com.google.gson.JsonPrimitive("")};
        long[] seconds = {5400, 90, 3600, 172800, 5400, 1, 0};
        for (int i = 0; i < inputs.length; i++) {
            assertEquals(seconds[i], WeakFields.durationSeconds("f", inputs[i]), inputs[i].toString());
        }
        assertEquals("0s", WeakFields.goDuration(0));
        assertEquals("45s", WeakFields.goDuration(45));
        assertEquals("1m30s", WeakFields.goDuration(90));
        assertEquals("48h0m0s", WeakFields.goDuration(172800));
        WeakFields.Bad bad = assertThrows(WeakFields.Bad.class, () -> WeakFields.durationSeconds("f", new com.google.gson.JsonPrimitive("1h5y")));
        assertEquals("error converting input for field \"f\": time: unknown unit \"y\" in duration \"1h5y\"", bad.getMessage());
    }

    @Test
    void aTokenWithNumUsesIsRevokedAfterItsLastUse() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            String created = fake.call("POST", "auth/token/create", "{\"num_uses\":2,\"meta\":{\"team\":\"a\"},\"display_name\":\"ci job\"}");
            String token = JsonParser.parseString(created).getAsJsonObject().getAsJsonObject("auth").get("client_token").getAsString();
            JsonObject first = json(get(fake, "auth/token/lookup-self", token)).getAsJsonObject("data");
            assertEquals(1, first.get("num_uses").getAsInt());
            assertEquals("token-ci-job", first.get("display_name").getAsString());
            assertEquals("{\"team\":\"a\"}", first.get("meta").toString());
            assertEquals(-1, json(get(fake, "auth/token/lookup-self", token)).getAsJsonObject("data").get("num_uses").getAsInt());
            assertEquals(403, get(fake, "auth/token/lookup-self", token).statusCode());
        }
    }

    @Test
    void recordsMethodPathAndHeadersOfEveryRequest() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(fake.address() + "/v1/secret/data/a%20b?version=2"))
                    .header("X-Vault-Token", "root").header("X-Vault-Request", "true").header("X-Vault-Namespace", "ns1").build();
            http.send(request, HttpResponse.BodyHandlers.ofString());
            List<RecordedRequest> seen = fake.requests();
            assertEquals(1, seen.size());
            RecordedRequest r = seen.get(0);
            assertEquals("GET", r.method());
            assertEquals("/v1/secret/data/a%20b", r.rawPath());
            assertEquals("/v1/secret/data/a b", r.path());
            assertEquals("version=2", r.query());
            assertEquals("root", r.header("x-vault-token"));
            assertEquals("true", r.header("X-Vault-Request"));
            assertEquals("ns1", r.header("X-VAULT-NAMESPACE"));
        }
    }

    @Test
    void sealedAnswers503UntilUnsealed() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.seal();
            HttpResponse<String> sealed = get(fake, "sys/mounts", "root");
            assertEquals(503, sealed.statusCode());
            assertEquals("{\"errors\":[\"Vault is sealed\"]}\n", sealed.body());
            fake.unseal();
            assertEquals(200, get(fake, "sys/mounts", "root").statusCode());
        }
    }

    @Test
    void limitedTokensFollowTheirPolicy() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.enableKv("kv1", 1);
            fake.call("POST", "kv1/app/cfg", "{\"a\":\"b\"}");
            fake.call("POST", "kv1/other", "{\"a\":\"b\"}");
            String token = fake.createToken("path \"kv1/app/*\" { capabilities = [\"read\"] }");
            assertEquals(200, get(fake, "kv1/app/cfg", token).statusCode());
            HttpResponse<String> denied = get(fake, "kv1/other", token);
            assertEquals(403, denied.statusCode());
            assertEquals("{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}\n", denied.body());
            assertEquals(403, get(fake, "sys/mounts", token).statusCode());
            assertEquals(200, get(fake, "sys/internal/ui/mounts/kv1", token).statusCode());
            assertEquals(403, get(fake, "sys/internal/ui/mounts/secret", token).statusCode());
        }
    }

    @Test
    void aFaultAnswersOnceInPlaceOfTheRealAnswer() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.failNext(500, "{\"errors\":[\"boom\"]}");
            HttpResponse<String> failed = get(fake, "sys/mounts", "root");
            assertEquals(500, failed.statusCode());
            assertEquals("{\"errors\":[\"boom\"]}", failed.body());
            assertEquals(200, get(fake, "sys/mounts", "root").statusCode());
        }
    }

    @Test
    void faultsCanTargetAPathAndSendGarbageRedirectsOrHugeBodies() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.inject(Fault.garbage().on("secret/"));
            assertEquals(200, get(fake, "sys/mounts", "root").statusCode());
            HttpResponse<String> garbage = get(fake, "secret/data/x", "root");
            assertTrue(garbage.body().startsWith("<html>"), garbage.body());
            fake.inject(Fault.redirect(307, "http://elsewhere.invalid/v1/x"));
            HttpResponse<String> redirect = get(fake, "sys/mounts", "root");
            assertEquals(307, redirect.statusCode());
            assertEquals("http://elsewhere.invalid/v1/x", redirect.headers().firstValue("Location").orElseThrow());
            fake.inject(Fault.oversized(9 * 1024 * 1024));
            assertTrue(get(fake, "sys/mounts", "root").body().length() > 9_000_000);
        }
    }

    @Test
    void aSlowFaultDelaysTheRealAnswer() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            fake.inject(Fault.slow(Duration.ofSeconds(5)));
            HttpRequest request = HttpRequest.newBuilder(URI.create(fake.address() + "/v1/sys/mounts"))
                    .header("X-Vault-Token", "root").timeout(Duration.ofMillis(300)).build();
            assertThrows(java.net.http.HttpTimeoutException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void refusesConnectionsOnceStopped() throws Exception {
        FakeVault fake = new FakeVault();
        fake.stop();
        IOException e = assertThrows(IOException.class, () -> get(fake, "sys/health", null));
        assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException, e.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret//data/x", "secret/data//x", "secret/data/x//", "secret/./data/x",
        "secret/../sys/mounts", "secret/data/x/.", "secret/data/x/..", "./sys/mounts", "../v1/sys/mounts"})
    void refusesANonCanonicalPathAsVault2Does(String path) throws Exception {
        try (FakeVault fake = new FakeVault()) {
            HttpResponse<String> r = get(fake, path, "root");
            assertEquals(400, r.statusCode(), path);
            assertEquals("{\"errors\":[\"non-canonical path\"]}\n", r.body());
            assertTrue(r.headers().firstValue("Location").isEmpty(), "no redirect");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret/data/x.", "secret/data/.x", "secret/data/..x/y", "secret/data/x/...",
        "secret/data/%2e%2e", "secret/data/%2E/x"})
    void servesPathsWhoseDotsAreNotWholeSegments(String path) {
        assertFalse(FakeVault.nonCanonical("/v1/" + path), path);
    }

    @Test
    void refusesControlCharactersWithABareBadRequest() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            HttpResponse<String> r = get(fake, "secret/data/a%0Ab", "root");
            assertEquals(400, r.statusCode());
            assertEquals("", r.body());
        }
    }

    @Test
    void shapeDifferencesIgnoreValuesButNotKeysTypesStatusesOrErrorTexts() {
        assertEquals(List.of(), FidelityCases.shapeDifferences(200, "{\"data\":{\"a\":\"x\",\"n\":1}}", 200, "{\"data\":{\"a\":\"y\",\"n\":2}}"));
        assertEquals(List.of("status: fake 400, real 500", "data.a: fake string, real number", "data.b: fake absent, real null"),
                FidelityCases.shapeDifferences(400, "{\"data\":{\"a\":\"x\"}}", 500, "{\"data\":{\"a\":1,\"b\":null}}"));
        assertEquals(List.of("errors: fake [\"a\"], real [\"b\"]"),
                FidelityCases.shapeDifferences(400, "{\"errors\":[\"a\"]}", 400, "{\"errors\":[\"b\"]}"));
    }

    @Test
    void callThrowsOnAnErrorAnswerNamingIt() throws Exception {
        try (FakeVault fake = new FakeVault()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> fake.call("GET", "nomount/x", null));
            assertTrue(e.getMessage().contains("404"), e.getMessage());
        }
    }
}
