package vaultmcp.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.config.ConfigException;

class VaultTrustTest {
    @TempDir
    Path dir;

    @Test
    void usesTheJdkDefaultsWhenNothingIsConfigured() throws ConfigException {
        assertNull(VaultTrust.context(null, null, false));
    }

    @Test
    void buildsAContextForSkipVerify() throws ConfigException {
        assertNotNull(VaultTrust.context(null, null, true));
    }

    @Test
    void refusesADirectoryWithoutCertificatesNamingTheVariables() {
        ConfigException e = assertThrows(ConfigException.class, () -> VaultTrust.context(null, dir, false));
        assertEquals(List.of("VAULT_CACERT / VAULT_CAPATH: no certificates found"), e.problems());
    }

    @Test
    void refusesAFileThatHoldsNoPemCertificate() throws IOException {
        Path file = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        ConfigException e = assertThrows(ConfigException.class, () -> VaultTrust.context(file, null, false));
        assertEquals(List.of("VAULT_CACERT / VAULT_CAPATH: " + file + " does not hold PEM certificates"), e.problems());
    }
}
