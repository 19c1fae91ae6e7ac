package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;
import vaultmcp.vault.RecordedRequest;
import vaultmcp.vault.VaultClient;

/** Vault's verdict on a caller's token, as HttpAuth asks for it and remembers it (clock injected). */
class HttpAuthTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(7 * SECOND);
    private final FakeVault vault = new FakeVault();
    private final HttpAuth auth = new HttpAuth(new Secret("bearer-secret-0123456789"), new Secret("server-token"),
            new VaultClient(URI.create(vault.address()), null, Duration.ofSeconds(5), null), now::get, null);

    HttpAuthTest() throws Exception {}

    @AfterEach
    void stop() {
        vault.close();
    }

    private HttpAuth.Caller caller(String header, String value) throws HttpError {
        Headers headers = new Headers();
        headers.add(header, value);
        return auth.identify(headers);
    }

    private long lookups() {
        return vault.requests().stream().map(RecordedRequest::rawPath).filter("/v1/auth/token/lookup-self"::equals).count();
    }

    @Test
    void remembersAnAcceptedTokenFor30SecondsAndARefusedOneFor5() throws HttpError {
        HttpAuth.Caller root = caller("X-Vault-Token", vault.rootToken());
        HttpAuth.Caller madeUp = caller("X-Vault-Token", "hvs.made-up");
        assertSame(root, auth.verify(root));
        assertEquals(401, assertThrows(HttpError.class, () -> auth.verify(madeUp)).status());
        now.addAndGet(Limits.TOKEN_REFUSED_TTL.toNanos());
        auth.verify(root);
        assertThrows(HttpError.class, () -> auth.verify(madeUp));
        assertEquals(2, lookups(), "both verdicts still hold");
        now.addAndGet(1);
        assertThrows(HttpError.class, () -> auth.verify(madeUp));
        assertEquals(3, lookups(), "the refusal has expired");
        now.addAndGet(Limits.TOKEN_ACCEPTED_TTL.toNanos());
        auth.verify(root);
        assertEquals(4, lookups(), "so has the acceptance");
    }

    @Test
    void aVerdictVaultCouldNotGiveIsNotRemembered() throws HttpError {
        HttpAuth.Caller root = caller("X-Vault-Token", vault.rootToken());
        vault.failNext(500, "{\"errors\":[\"internal error\"]}");
        HttpError e = assertThrows(HttpError.class, () -> auth.verify(root));
        assertEquals(503, e.status());
        assertEquals("Service Unavailable: cannot check the token: Vault answered 500 for GET auth/token/lookup-self: "
                + "\"internal error\"", e.getMessage());
        auth.verify(root);
        assertEquals(2, lookups());
    }

    @Test
    void theBearerAndAnonymousCallersNeedNoLookUp() throws HttpError {
        HttpAuth.Caller bearer = caller("Authorization", "Bearer bearer-secret-0123456789");
        assertTrue(bearer.bearer());
        assertEquals("server-token", auth.verify(bearer).vaultToken().reveal());
        auth.verify(HttpAuth.ANONYMOUS);
        assertEquals(0, lookups());
    }

    @Test
    void boundsTheLookUpsRunningAtOnce() throws Exception {
        for (int i = 0; i < Limits.TOKEN_LOOKUPS; i++) {
            vault.inject(Fault.slow(Duration.ofSeconds(4)).on("auth/token/lookup-self"));
        }
        Thread[] slow = new Thread[Limits.TOKEN_LOOKUPS];
        for (int i = 0; i < slow.length; i++) {
            HttpAuth.Caller c = caller("X-Vault-Token", "hvs.slow-" + i);
            slow[i] = new Thread(() -> assertThrows(HttpError.class, () -> auth.verify(c)));
            slow[i].start();
        }
        Thread.sleep(500);
        long start = System.nanoTime();
        HttpError busy = assertThrows(HttpError.class, () -> auth.verify(caller("X-Vault-Token", "hvs.one-more")));
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, busy.status());
        assertEquals("Service Unavailable: every token check is busy; try again later", busy.getMessage());
        assertTrue(waited >= Limits.TOKEN_LOOKUP_WAIT.toMillis() - 50, "waited " + waited + " ms");
        for (Thread t : slow) {
            t.join();
        }
        assertEquals(Limits.TOKEN_LOOKUPS, lookups(), "the one beyond the bound never reached Vault");
    }
}
