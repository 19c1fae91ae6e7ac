package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.config.Identity;
import vaultmcp.config.Secret;
import vaultmcp.log.Log;

/**
 * The server's own token against FakeVault: look-up, renewal at two thirds of the TTL, AppRole login and
 * re-login near the max TTL, refusals and retries. The scheduler runs nothing by itself: each test takes
 * the pending step, checks its delay, moves the fake's clock by it and runs it, so no test sleeps.
 */
class ServerTokenTest {
    private final FakeVault fake = new FakeVault();
    private final VaultClient client = new VaultClient(URI.create(fake.address()), null, Duration.ofSeconds(5), null);
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(stderr, true, StandardCharsets.UTF_8), "debug");
    private final Steps steps = new Steps();
    @TempDir
    Path dir;

    ServerTokenTest() throws IOException {
        fake.stopClock();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    /** The pending tasks with their delays, run by hand. */
    static final class Steps implements ServerToken.Scheduler {
        private final Deque<Duration> delays = new ArrayDeque<>();
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void after(Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
        }

        synchronized int pending() {
            return tasks.size();
        }

        synchronized Duration next() {
            assertEquals(1, tasks.size(), "one step pending");
            return delays.peek();
        }

        /** Runs the pending step after moving the fake's clock by its delay. */
        void run(FakeVault fake) {
            Runnable task;
            synchronized (this) {
                fake.advanceClock(delays.remove());
                task = tasks.remove();
            }
            task.run();
        }
    }

    private String log() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private String childToken(String body) {
        JsonObject answer = JsonParser.parseString(fake.call("POST", "auth/token/create", body)).getAsJsonObject();
        return answer.getAsJsonObject("auth").get("client_token").getAsString();
    }

    private JsonObject lookUp(String token) throws VaultException {
        return client.send(new Secret(token), "GET", VaultPath.of("auth", "token", "lookup-self"), null, null, null,
                false).data();
    }

    private ServerToken plain(String token) {
        return new ServerToken(new Secret(token), Identity.none(), client, steps, log);
    }

    @Test
    void renewsARenewableTokenWhenTwoThirdsOfItsTtlHavePassed() throws VaultException {
        String child = childToken("{\"ttl\":\"30s\",\"policies\":[\"default\"]}");
        ServerToken token = plain(child);
        assertNull(token.begin());
        assertEquals(Duration.ofSeconds(20), steps.next());
        assertFalse(lookUp(child).has("last_renewal_time"));
        steps.run(fake);
        JsonObject after = lookUp(child);
        assertTrue(after.has("last_renewal_time"), after::toString);
        assertEquals(30, after.get("ttl").getAsLong());
        assertEquals(Duration.ofSeconds(20), steps.next(), "the next renewal, two thirds of the TTL later");
        assertEquals(child, token.current());
        assertNull(token.warning());
        assertTrue(log().contains("renewed the server's Vault token for 30s"), log());
    }

    @Test
    void warnsWhenTheMaxTtlStopsRenewals() {
        ServerToken token = plain(childToken("{\"ttl\":\"30s\",\"explicit_max_ttl\":\"40s\"}"));
        assertNull(token.begin());
        assertNull(token.warning());
        steps.run(fake); // at 20 s: 20 s are left of the 40, less than the 30 asked for
        assertEquals(0, steps.pending(), "nothing more can keep it alive");
        ServerToken.Warning warning = token.warning();
        assertEquals(1, warning.number());
        assertTrue(warning.text().startsWith("the server's Vault token cannot be renewed (further): it expires at "),
                warning.text());
        assertTrue(log().contains("WARNING " + warning.text()), log());
    }

    @Test
    void warnsAtOnceAboutATokenThatIsNotRenewable() {
        fake.inject(Fault.answer(200, "{\"data\":{\"ttl\":600,\"creation_ttl\":3600,\"renewable\":false}}")
                .on("auth/token/lookup-self"));
        ServerToken token = plain(fake.rootToken());
        assertNull(token.begin());
        assertEquals(0, steps.pending());
        assertTrue(token.warning().text().contains("give the server a new VAULT_TOKEN"), token.warning()::text);
    }

    @Test
    void aTokenWithoutTtlNeedsNothing() throws VaultException {
        ServerToken token = plain(fake.rootToken());
        assertNull(token.begin());
        assertEquals(0, steps.pending());
        assertNull(token.warning());
        assertEquals(fake.rootToken(), token.current());
        assertTrue(log().contains("has no TTL"), log());
    }

    @Test
    void aTokenVaultDoesNotKnowIsRefusedAndEveryRequestSaysSo() {
        ServerToken token = plain("hvs.not-a-token-of-this-vault");
        String refusal = token.begin();
        assertEquals("Vault does not accept VAULT_TOKEN (invalid, revoked or expired): "
                + "Vault answered: \"permission denied\"; \"invalid token\"", refusal);
        assertEquals(0, steps.pending(), "an unknown token never becomes valid: no retry");
        fake.clearRequests();
        VaultException e = assertThrows(VaultException.class,
                () -> client.send(token, "GET", VaultPath.of("secret", "data", "x"), null, null, null, false));
        assertEquals("The server's own Vault token cannot be used: " + refusal, e.getMessage());
        assertEquals(List.of(), fake.requests(), "a token known to be refused is not sent");
        assertFalse(log().contains("not-a-token"), log());
    }

    @Test
    void anUnreachableVaultIsAWarningAndTriedAgainWithBackoff() {
        fake.stop();
        ServerToken token = plain("hvs.whatever-token-1234");
        assertNull(token.begin(), "Vault could not say: not a refusal");
        assertEquals(Duration.ofSeconds(1), steps.next());
        assertTrue(log().contains("WARNING Could not reach Vault at " + fake.address()), log());
        assertTrue(log().contains("trying again in 1s"), log());
        steps.run(fake);
        assertEquals(Duration.ofSeconds(2), steps.next());
        steps.run(fake);
        assertEquals(Duration.ofSeconds(4), steps.next());
        assertFalse(log().contains("whatever-token"), log());
    }

    @Test
    void aRevokedTokenIsRefusedAtItsNextRenewal() {
        ServerToken token = plain(childToken("{\"ttl\":\"30s\"}"));
        assertNull(token.begin());
        fake.advanceClock(Duration.ofSeconds(40)); // past its expiry: Vault has revoked it
        steps.run(fake);
        assertEquals(0, steps.pending());
        VaultException e = assertThrows(VaultException.class, token::current);
        assertTrue(e.getMessage().contains("Vault does not accept VAULT_TOKEN (invalid, revoked or expired)"),
                e.getMessage());
    }

    // AppRole

    private Identity appRole(String ttl, String maxTtl, int uses) {
        fake.enableAuth("approle", "approle");
        fake.call("POST", "auth/approle/role/mcp", "{\"token_ttl\":\"" + ttl + "\",\"token_max_ttl\":\"" + maxTtl
                + "\",\"token_policies\":[\"default\"],\"secret_id_num_uses\":" + uses + "}");
        String roleId = JsonParser.parseString(fake.call("GET", "auth/approle/role/mcp/role-id", null))
                .getAsJsonObject().getAsJsonObject("data").get("role_id").getAsString();
        return new Identity(roleId, dir.resolve("secret-id"), "approle", false, "jwt", "", "Authorization",
                Duration.ofMinutes(5), null, List.of());
    }

    private String newSecretId(Identity identity) throws IOException {
        String id = JsonParser.parseString(fake.call("POST", "auth/approle/role/mcp/secret-id", "{}"))
                .getAsJsonObject().getAsJsonObject("data").get("secret_id").getAsString();
        Files.writeString(identity.secretIdFile(), id + "\n");
        return id;
    }

    private ServerToken login(Identity identity) {
        return new ServerToken(null, identity, client, steps, log);
    }

    @Test
    void logsInWithAppRoleRenewsAndLogsInAgainBeforeTheMaxTtl() throws Exception {
        Identity identity = appRole("6s", "15s", 0);
        String secretId = newSecretId(identity);
        ServerToken token = login(identity);
        assertNull(token.begin());
        String first = token.current();
        JsonObject looked = lookUp(first);
        assertEquals("auth/approle/login", looked.get("path").getAsString());
        assertEquals(Duration.ofSeconds(4), steps.next());
        steps.run(fake); // t=4: renewed for 6 s
        assertEquals(Duration.ofSeconds(4), steps.next());
        steps.run(fake); // t=8: renewed for 6 s, up to 14
        steps.run(fake); // t=12: only 3 s left of the 15: a new login 2 s later
        assertEquals(Duration.ofSeconds(2), steps.next());
        assertEquals(first, token.current(), "the old token serves until then");
        String fresh = newSecretId(identity);
        steps.run(fake);
        String second = token.current();
        assertNotEquals(first, second);
        assertNotEquals(looked.get("accessor"), lookUp(second).get("accessor"));
        assertEquals(Duration.ofSeconds(4), steps.next());
        assertEquals(2, log().split("logged in with AppRole at auth/approle/login: token accessor ").length - 1, log());
        for (String secret : List.of(first, second, secretId, fresh)) {
            assertFalse(log().contains(secret), "never logged: " + log());
        }
    }

    @Test
    void aUsedSecretIdIsALoggedErrorAndTheOldTokenIsKept() throws Exception {
        Identity identity = appRole("6s", "6s", 1);
        String secretId = newSecretId(identity);
        ServerToken token = login(identity);
        assertNull(token.begin());
        String first = token.current();
        steps.run(fake); // t=4: 2 s left of the max TTL: a new login soon
        steps.run(fake); // the secret id was single-use
        assertEquals(first, token.current());
        assertTrue(log().contains("ERROR AppRole login failed: Vault answered 400 for POST auth/approle/login: "
                + "\"invalid role or secret ID\"; the current token is kept until it expires; trying again in 1s"),
                log());
        assertEquals(Duration.ofSeconds(1), steps.next());
        newSecretId(identity);
        steps.run(fake);
        assertNotEquals(first, token.current());
        assertFalse(log().contains(secretId), log());
    }

    @Test
    void anUnexpectedFailureIsLoggedWithoutAStackTraceAndTriedAgain() throws Exception {
        Identity valid = appRole("6s", "15s", 0);
        newSecretId(valid);
        Identity broken = new Identity(valid.roleId(), valid.secretIdFile(), "approle/../x", false, "jwt", "",
                "Authorization", Duration.ofMinutes(5), null, List.of()); // Config would have refused the mount
        assertNull(login(broken).begin());
        assertTrue(log().matches("(?s).*ERROR the server's token failed \\[\\w+\\]: java.lang.IllegalArgumentException at "
                + ".*WARNING keeping the server's token failed \\(the error above\\); trying again in 1s\\n"), log());
        assertEquals(Duration.ofSeconds(1), steps.next());
    }

    @Test
    void aMissingSecretIdFileAtStartIsARefusal() {
        ServerToken token = login(appRole("6s", "15s", 0));
        String refusal = token.begin();
        assertEquals("VAULT_SECRET_ID_FILE: cannot read a secret id from " + dir.resolve("secret-id")
                + " (NoSuchFileException)", refusal);
        VaultException e = assertThrows(VaultException.class, token::current);
        assertEquals("The server's own Vault token cannot be used: " + refusal, e.getMessage());
        assertTrue(log().contains("ERROR " + refusal + "; trying again in 1s"), log());
    }

    @Test
    void aWrappedSecretIdIsUnwrappedFirst() throws Exception {
        Identity identity = appRole("6s", "15s", 0);
        String secretId = newSecretId(identity);
        String wrapping = "hvs.CAESIwrappingtokenofthesecretid";
        Files.writeString(identity.secretIdFile(), wrapping);
        fake.inject(Fault.answer(200, "{\"data\":{\"secret_id\":\"" + secretId + "\"}}").on("sys/wrapping/unwrap"));
        ServerToken token = login(identity);
        assertNull(token.begin());
        RecordedRequest unwrap = fake.requests().get(0);
        assertEquals("/v1/sys/wrapping/unwrap", unwrap.rawPath());
        assertEquals(List.of(wrapping), unwrap.headers().get("x-vault-token"));
        assertEquals("auth/approle/login", lookUp(token.current()).get("path").getAsString());
    }

    @Test
    void aSecretIdVaultQuotesBackIsNeverLogged() throws Exception {
        Identity identity = appRole("6s", "15s", 0);
        String secretId = newSecretId(identity);
        fake.inject(Fault.answer(400, "{\"errors\":[\"invalid secret_id \\\"" + secretId + "\\\"\"]}")
                .on("auth/approle/login"));
        ServerToken token = login(identity);
        assertTrue(token.begin().contains("invalid secret_id \\\"<secret id>\\\""));
        assertFalse(log().contains(secretId), log());
    }

    @Test
    void anExpiredAppRoleTokenIsReplacedByANewLogin() throws Exception {
        Identity identity = appRole("6s", "15s", 0);
        newSecretId(identity);
        ServerToken token = login(identity);
        assertNull(token.begin());
        String first = token.current();
        fake.advanceClock(Duration.ofSeconds(10)); // the renewal comes too late (Vault was down, say)
        steps.run(fake);
        assertEquals(Duration.ZERO, steps.next());
        steps.run(fake);
        assertNotEquals(first, token.current());
    }

    @Test
    void startLeavesTheFirstLoginToTheSchedulerAndRequestsWaitForIt() throws Exception {
        Identity identity = appRole("6s", "15s", 0);
        newSecretId(identity);
        ServerToken token = login(identity);
        fake.clearRequests();
        token.start();
        assertEquals(List.of(), fake.requests(), "start-up sends nothing");
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return token.current();
            } catch (VaultException e) {
                return e.getMessage();
            }
        });
        Thread.sleep(100);
        assertFalse(waiting.isDone());
        assertEquals("none", token.reveal(), "no value before the first login");
        steps.run(fake);
        assertTrue(waiting.get(5, TimeUnit.SECONDS).startsWith("hvs."));
    }
}
