package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
