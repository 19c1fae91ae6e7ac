package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Secret;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;

/** The wording predicates of VaultResponse recognise what Vault (here the fake, as a dev server) answers. */
class VaultWordingIT {
    private final FakeVault fake;
    private final Vault vault;

    VaultWordingIT() throws IOException {
        fake = new FakeVault();
        VaultClient client = new VaultClient(URI.create(fake.address()), null, Duration.ofSeconds(5), null);
        vault = new Vault(client, new Secret(fake.rootToken()));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static JsonObject json(String text) throws JsonException {
        return new StrictJson(64).parse(text).getAsJsonObject();
    }

    @Test
    void recognisesAWriteWithAStaleCheckAndSet() throws Exception {
        VaultPath key = VaultPath.of("secret", "data", "app");
        assertFalse(vault.send("POST", key, null, json("{\"options\":{\"cas\":0},\"data\":{\"a\":\"1\"}}"), null, false).casMismatch());
        VaultResponse stale = vault.send("POST", key, null, json("{\"options\":{\"cas\":0},\"data\":{\"a\":\"2\"}}"), null, false);
        assertEquals(400, stale.status());
        assertTrue(stale.casMismatch());
    }

    @Test
    void recognisesAMountPathInUse() throws Exception {
        VaultResponse again = vault.send("POST", VaultPath.of("sys", "mounts", "secret"), null, json("{\"type\":\"kv\"}"), null, false);
        assertTrue(again.pathInUse(), again.quoted());
    }

    @Test
    void recognisesAnUnknownRoleAndAMissingIssuer() throws Exception {
        fake.enable("pki", "pki");
        VaultResponse issued = vault.send("POST", VaultPath.of("pki", "issue", "nosuchrole"), null, json("{\"common_name\":\"a\"}"), null, false);
        assertTrue(issued.unknownRole(), issued.quoted());
        VaultResponse issuer = vault.send("GET", VaultPath.of("pki", "issuer", "nosuchissuer"), null, null, null, false);
        assertTrue(issuer.issuerNotFound(), issuer.quoted());
        assertFalse(issuer.unknownRole());
    }
}
