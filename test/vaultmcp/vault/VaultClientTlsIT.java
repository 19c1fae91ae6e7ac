package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.config.Secret;
import vaultmcp.security.TestCerts;
import vaultmcp.security.Tls;

/** The Vault client against an https Vault: the configured CA is trusted, the JDK's defaults alone are not enough. */
class VaultClientTlsIT {
    @TempDir
    static Path dir;
    static TestCerts.Pair pair;
    static HttpsServer vault;
    static URI address;

    @BeforeAll
    static void startVault() throws Exception {
        pair = TestCerts.rsa(dir, "vault");
        vault = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        vault.setHttpsConfigurator(Tls.configurator(Tls.context(pair.cert(), pair.key())));
        vault.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = "{\"data\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        vault.start();
        address = URI.create("https://localhost:" + vault.getAddress().getPort());
    }

    @AfterAll
    static void stopVault() {
        vault.stop(0);
    }

    @Test
    void readsFromAnHttpsVaultSignedByTheConfiguredCa() throws Exception {
        VaultClient client = new VaultClient(address, null, Duration.ofSeconds(10),
                VaultTrust.context(pair.cert(), null, false));
        for (int i = 0; i < 3; i++) { // the first request shakes hands, the others reuse the connection
            VaultResponse answer = client.send(new Secret("t"), "GET", VaultPath.of("secret", "x"), null, null, null,
                    false);
            assertEquals("v", answer.data().get("k").getAsString());
        }
    }

    @Test
    void refusesAnHttpsVaultTheJdkDefaultsDoNotTrust() {
        VaultClient client = new VaultClient(address, null, Duration.ofSeconds(10), null);
        VaultException e = assertThrows(VaultException.class,
                () -> client.send(new Secret("t"), "GET", VaultPath.of("secret", "x"), null, null, null, false));
        assertEquals("Could not reach Vault at " + address + " for GET secret/x: TLS handshake failed "
                + "(check VAULT_CACERT / VAULT_CAPATH)", e.getMessage());
    }
}
