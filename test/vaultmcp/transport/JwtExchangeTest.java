package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vaultmcp.config.Identity;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.log.Log;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;
import vaultmcp.vault.JwtKey;
import vaultmcp.vault.RecordedRequest;
import vaultmcp.vault.VaultClient;
import vaultmcp.vault.VaultPath;

/** How HttpAuth tells callers' credentials apart with VAULT_AUTH_METHOD=jwt, and JwtExchange's logins (clock injected). */
class JwtExchangeTest {
    static final String RESOURCE = "https://mcp.example.com/mcp";
    private static final String BEARER = "bearer-secret-0123456789";
    private static final String POLICY = "path \"secret/data/alice/*\" { capabilities = [\"read\"] }";

    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());
    private final FakeVault vault = new FakeVault();
    private final JwtKey key = new JwtKey();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final VaultClient client = new VaultClient(URI.create(vault.address()), null, Duration.ofSeconds(5), null);
    private JwtExchange jwts;
    private HttpAuth auth;

    JwtExchangeTest() throws Exception {
        key.trustedBy(vault, RESOURCE, POLICY, "1h");
        exchange("Authorization", Duration.ofMinutes(5));
    }

    private void exchange(String header, Duration cacheTtl) {
        Identity identity = new Identity("", null, "approle", true, "jwt", "agents", header, cacheTtl,
                URI.create(RESOURCE), List.of("https://idp.example.com"));
        jwts = new JwtExchange(identity, client, now::get, Runnable::run, new Log(new PrintStream(log, true, StandardCharsets.UTF_8),
                "debug"));
        auth = new HttpAuth(new Secret(BEARER), new Secret("server-token"), client, System::nanoTime, jwts);
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    private HttpAuth.Caller caller(String header, String value) throws HttpError {
        Headers headers = new Headers();
        headers.add(header, value);
        return auth.identify(headers);
    }

    private HttpAuth.Caller bearer(String jwt) throws HttpError {
        return caller("Authorization", "Bearer " + jwt);
    }

    private long logins() {
        return vault.requests().stream().map(RecordedRequest::rawPath).filter("/v1/auth/jwt/login"::equals).count();
    }

    private int lookUp(Secret token) throws Exception {
        return client.send(token, "GET", VaultPath.of("auth", "token", "lookup-self"), null, null, null, false).status();
    }

    @Test
    void exchangesAJwtForTheCallersOwnTokenOnceAndKeepsIt() throws Exception {
        String jwt = key.sign("alice", RESOURCE, 600);
        HttpAuth.Caller alice = bearer(jwt);
        assertTrue(alice.exchanged());
        assertFalse(alice.bearer());
        assertSame(alice.vaultToken(), bearer(jwt).vaultToken(), "kept by the JWT's fingerprint");
        assertSame(alice, auth.verify(alice), "Vault has just issued it: no look-up");
        assertEquals(1, logins());
        RecordedRequest login = vault.requests().get(0);
        assertEquals("POST", login.method());
        assertTrue(login.body().contains("\"role\":\"agents\"") && login.body().contains(jwt), login.body());
        assertFalse(login.headers().containsKey("x-vault-token"), "a login carries no token");
        assertEquals(200, lookUp(alice.vaultToken()));
        assertFalse(log.toString(StandardCharsets.UTF_8).contains(alice.vaultToken().reveal()));
    }

    @Test
    void bindsTheCallerToItsVaultEntitySoANewJwtOfTheSamePersonIsTheSameCaller() throws Exception {
        HttpAuth.Caller first = bearer(key.sign("alice", RESOURCE, 600));
        HttpAuth.Caller refreshed = bearer(key.sign("alice", RESOURCE, 900));
        HttpAuth.Caller bob = bearer(key.sign("bob", RESOURCE, 600));
        assertNotEquals(first.vaultToken().reveal(), refreshed.vaultToken().reveal(), "a login of its own");
        assertTrue(first.same(refreshed));
        assertFalse(first.same(bob));
        assertEquals(first.credential(), refreshed.credential(), "one rate-limit budget and session count per person");
    }

    @Test
    void theOperatorsBearerIsNotAJwtAndGarbageNeverReachesVault() throws Exception {
        HttpAuth.Caller operator = bearer(BEARER);
        assertTrue(operator.bearer());
        assertEquals("server-token", operator.vaultToken().reveal());
        String header = JwtKey.encode("{\"alg\":\"RS256\"}");
        String claims = JwtKey.encode("{\"aud\":\"" + RESOURCE + "\",\"exp\":" + (now.get() / 1000 + 600) + "}");
        for (String garbage : List.of("not-a-jwt", "a.b.c", header + ".e30", header + "." + claims, header + "."
                + claims + ".sig.extra", JwtKey.encode("{\"alg\":\"none\"}") + "." + claims + ".sig", JwtKey.encode("[]")
                + "." + claims + ".sig", header + "." + claims + "." + "s".repeat(Limits.MAX_JWT_CHARS))) {
            HttpError e = assertThrows(HttpError.class, () -> bearer(garbage), garbage);
            assertEquals(401, e.status());
            assertEquals("Unauthorized: invalid bearer token", e.getMessage());
        }
        assertEquals(401, assertThrows(HttpError.class, () -> caller("Authorization", "Basic " + BEARER)).status());
        assertEquals(0, vault.requests().size());
        assertEquals(401, assertThrows(HttpError.class, () -> bearer(header + "." + claims + ".sig")).status());
        assertEquals(1, logins(), "shaped like a JWT for us: Vault checks the signature");
    }

    @Test
    void checksTheAudienceAndTheExpiryBeforeAskingVault() throws Exception {
        HttpError other = assertThrows(HttpError.class, () -> bearer(key.sign("alice", "https://other.example/mcp", 600)));
        assertEquals("Unauthorized: the JWT's audience (aud) is not " + RESOURCE, other.getMessage());
        long exp = now.get() / 1000 - Limits.JWT_CLOCK_SKEW.toSeconds() - 1;
        String expired = key.sign("{\"sub\":\"alice\",\"aud\":[\"x\",\"" + RESOURCE + "\"],\"exp\":" + exp + "}");
        assertEquals("Unauthorized: the JWT has expired (or has no exp)",
                assertThrows(HttpError.class, () -> bearer(expired)).getMessage());
        String noExp = key.sign("{\"sub\":\"alice\",\"aud\":\"" + RESOURCE + "\"}");
        assertEquals(401, assertThrows(HttpError.class, () -> bearer(noExp)).status());
        assertEquals(0, vault.requests().size());
        String listed = key.sign("{\"sub\":\"alice\",\"aud\":[\"x\",\"" + RESOURCE + "\"],\"iat\":" + now.get() / 1000
                + ",\"exp\":" + (exp + 600) + "}");
        assertTrue(bearer(listed).exchanged(), "aud may be an array that holds the resource");
    }

    @Test
    void aJwtWithinTheClockSkewIsExchangedOnceAndKeptToTheSkewsEnd() throws Exception {
        String jwt = key.sign("alice", RESOURCE, 5);
        now.addAndGet(Duration.ofSeconds(5 + Limits.JWT_CLOCK_SKEW.toSeconds() - 2).toMillis());
        Secret first = bearer(jwt).vaultToken();
        assertSame(first, bearer(jwt).vaultToken(), "each login makes a Vault token: one per JWT, not per request");
        assertEquals(1, logins());
        now.addAndGet(2_000);
        assertEquals(401, assertThrows(HttpError.class, () -> bearer(jwt)).status(), "past the skew: expired");
    }

    @Test
    void aFloodOfForgedJwtsCannotPushAGoodLoginOutOfTheCache() throws Exception {
        String good = key.sign("alice", RESOURCE, 3600);
        Secret token = bearer(good).vaultToken();
        JwtKey forger = new JwtKey();
        for (int i = 0; i <= Limits.TOKEN_VERDICTS; i++) {
            assertThrows(HttpError.class, () -> bearer(forger.sign("mallory", RESOURCE, 600)));
        }
        assertSame(token, bearer(good).vaultToken(), "still kept: no new login, no new token");
        assertEquals(Limits.TOKEN_VERDICTS + 2, logins());
    }

    @Test
    void theMetadataUrlKeepsTheResourcesPathAsItIs() {
        assertEquals("https://h/.well-known/oauth-protected-resource", ResourceMetadata.url(URI.create("https://h/")));
        assertEquals("https://h/.well-known/oauth-protected-resource", ResourceMetadata.url(URI.create("https://h")));
        assertEquals("https://h:8443/.well-known/oauth-protected-resource/mcp",
                ResourceMetadata.url(URI.create("https://h:8443/mcp")));
        assertEquals("https://h/.well-known/oauth-protected-resource/mcp/", ResourceMetadata.url(URI.create("https://h/mcp/")));
    }

    @Test
    void keepsALoginUntilTheEarliestOfItsTtlTheJwtsExpAndTheCacheTtl() throws Exception {
        String jwt = key.sign("alice", RESOURCE, 3600);
        exchange("Authorization", Duration.ofSeconds(90));
        Secret first = bearer(jwt).vaultToken();
        now.addAndGet(89_000);
        assertSame(first, bearer(jwt).vaultToken());
        now.addAndGet(1_000);
        assertNotEquals(first.reveal(), bearer(jwt).vaultToken().reveal(), "VAULT_AUTH_JWT_CACHE_TTL has passed");
        now.set(System.currentTimeMillis()); // Vault judges exp by its own clock
        String shortLived = key.sign("bob", RESOURCE, 60);
        Secret bob = bearer(shortLived).vaultToken();
        now.addAndGet(60_000 + Limits.JWT_CLOCK_SKEW.toMillis() - 1_000); // exp is in whole seconds
        assertSame(bob, bearer(shortLived).vaultToken(), "kept to the JWT's exp and the skew after it");
        now.addAndGet(1_000);
        assertEquals(401, assertThrows(HttpError.class, () -> bearer(shortLived)).status(), "then it has expired");
        vault.call("POST", "auth/jwt/role/agents", "{\"role_type\":\"jwt\",\"user_claim\":\"sub\",\"bound_audiences\":[\""
                + RESOURCE + "\"],\"token_policies\":[\"agents\"],\"token_ttl\":\"30s\"}");
        now.set(System.currentTimeMillis());
        String carol = key.sign("carol", RESOURCE, 3600);
        Secret token = bearer(carol).vaultToken();
        now.addAndGet(29_000);
        assertSame(token, bearer(carol).vaultToken());
        now.addAndGet(1_000);
        assertNotEquals(token.reveal(), bearer(carol).vaultToken().reveal(), "the token's TTL has passed");
        assertEquals(5, logins());
    }

    @Test
    void aJwtVaultRefusesIs401AndTheRefusalIsKeptBriefly() throws Exception {
        String forged = new JwtKey().sign("alice", RESOURCE, 600);
        HttpError e = assertThrows(HttpError.class, () -> bearer(forged));
        assertEquals(401, e.status());
        assertEquals("Unauthorized: Vault refused the JWT", e.getMessage());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("no known key successfully validated the token signature"),
                "the operator learns Vault's reason");
        assertThrows(HttpError.class, () -> bearer(forged));
        assertEquals(1, logins());
        now.addAndGet(Limits.TOKEN_REFUSED_TTL.toMillis());
        assertThrows(HttpError.class, () -> bearer(forged));
        assertEquals(2, logins());
        assertFalse(log.toString(StandardCharsets.UTF_8).contains(forged), "the JWT is never logged");
    }

    @Test
    void vaultFailingOrUnreachableIs503AndNotKept() throws Exception {
        String jwt = key.sign("alice", RESOURCE, 600);
        vault.failNext(500, "{\"errors\":[\"internal error\"]}");
        HttpError failed = assertThrows(HttpError.class, () -> bearer(jwt));
        assertEquals(503, failed.status());
        assertEquals("Service Unavailable: cannot exchange the JWT now; try again later", failed.getMessage(),
                "a caller without a credential yet learns nothing of Vault");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("cannot exchange a JWT: Vault answered 500 for POST "
                + "auth/jwt/login: \"internal error\""), "the operator does");
        assertTrue(bearer(jwt).exchanged(), "a failure is not remembered");
        vault.stop();
        HttpError down = assertThrows(HttpError.class, () -> bearer(key.sign("bob", RESOURCE, 600)));
        assertEquals(503, down.status());
        assertEquals("Service Unavailable: cannot exchange the JWT now; try again later", down.getMessage());
        assertFalse(down.getMessage().contains(vault.address().substring(7)), "nor Vault's address");
    }

    @Test
    void boundsTheLoginsRunningAtOnce() throws Exception {
        for (int i = 0; i < Limits.TOKEN_LOOKUPS; i++) {
            vault.inject(Fault.slow(Duration.ofSeconds(4)).on("auth/jwt/login"));
        }
        Thread[] slow = new Thread[Limits.TOKEN_LOOKUPS];
        AtomicLong exchanged = new AtomicLong();
        for (int i = 0; i < slow.length; i++) {
            String jwt = key.sign("user" + i, RESOURCE, 600);
            slow[i] = new Thread(() -> {
                try {
                    exchanged.addAndGet(bearer(jwt).exchanged() ? 1 : 0);
                } catch (HttpError e) {
                    // counted as not exchanged
                }
            });
            slow[i].start();
        }
        Thread.sleep(500);
        HttpError busy = assertThrows(HttpError.class, () -> bearer(key.sign("one-more", RESOURCE, 600)));
        assertEquals(503, busy.status());
        assertEquals("Service Unavailable: every JWT login is busy; try again later", busy.getMessage());
        for (Thread t : slow) {
            t.join();
        }
        assertEquals(Limits.TOKEN_LOOKUPS, logins(), "the one beyond the bound never reached Vault");
        assertEquals(Limits.TOKEN_LOOKUPS, exchanged.get());
    }

    @Test
    void aRevokedTokenIsForgottenAndRevokedInVault() throws Exception {
        String jwt = key.sign("alice", RESOURCE, 600);
        Secret token = bearer(jwt).vaultToken();
        jwts.revoke(token);
        assertNotEquals(token.reveal(), bearer(jwt).vaultToken().reveal(), "the next request logs in anew");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lookUp(token) == 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(403, lookUp(token));
        RecordedRequest revoke = vault.requests().stream().filter(r -> r.rawPath().equals("/v1/auth/token/revoke-self"))
                .findFirst().orElseThrow();
        assertEquals(List.of(token.reveal()), revoke.headers().get("x-vault-token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-Access-Token", "Authorization"})
    void aJwtMayComeInTheConfiguredHeaderWithOrWithoutBearer(String header) throws Exception {
        exchange(header, Duration.ofMinutes(5));
        String jwt = key.sign("alice", RESOURCE, 600);
        assertTrue(caller(header, "Bearer " + jwt).exchanged());
        if (!header.equals("Authorization")) {
            assertTrue(caller(header, jwt).exchanged());
            assertTrue(caller("Authorization", "Bearer " + BEARER).bearer(), "the operator's bearer keeps its header");
            Headers both = new Headers();
            both.add(header, jwt);
            both.add("Authorization", "Bearer " + BEARER);
            assertEquals(400, assertThrows(HttpError.class, () -> auth.identify(both)).status());
        }
    }

    @Test
    void anAnonymousCallerIsRefusedAndTheChallengeNamesTheMetadata() throws Exception {
        HttpError e = assertThrows(HttpError.class, () -> auth.verify(HttpAuth.ANONYMOUS));
        assertEquals(401, e.status());
        assertEquals("Unauthorized: send a JWT in Authorization (Bearer), or X-Vault-Token", e.getMessage());
        String metadata = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
        assertEquals("Bearer resource_metadata=\"" + metadata + "\"", auth.challenge(new Headers()));
        Headers refused = new Headers();
        refused.add("Authorization", "Bearer x");
        assertEquals("Bearer resource_metadata=\"" + metadata + "\", error=\"invalid_token\"", auth.challenge(refused));
    }
}
