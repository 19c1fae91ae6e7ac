package vaultmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.vault.FakeVault;

/** Over HTTP the server's own token is checked before listening: a token Vault refuses ends start-up. */
class ServerTokenStartupIT {
    @TempDir
    Path dir;

    @Test
    void aTokenVaultRefusesEndsStartUpWithStatus2() throws Exception {
        try (FakeVault vault = new FakeVault()) {
            Object[] result = ServerProcess.runToExit(Map.of("VAULT_ADDR", vault.address(),
                    "VAULT_TOKEN", "hvs.REVOKED-token-never-in-logs-3c9"));
            String err = (String) result[1];
            assertEquals(2, result[0], err);
            assertTrue(err.contains("vault-mcp-server: Vault does not accept VAULT_TOKEN (invalid, revoked or "
                    + "expired): Vault answered: \"permission denied\"; \"invalid token\""), err);
            assertFalse(err.contains("listening on"), err);
            assertFalse(err.contains("REVOKED"), err);
        }
    }

    @Test
    void anAppRoleLoginVaultRefusesEndsStartUpWithStatus2() throws Exception {
        try (FakeVault vault = new FakeVault()) {
            vault.enableAuth("approle", "approle");
            Path file = Files.writeString(dir.resolve("secret-id"), "not-a-secret-id-never-in-logs-9f");
            Object[] result = ServerProcess.runToExit(Map.of("VAULT_ADDR", vault.address(), "VAULT_ROLE_ID", "role-1",
                    "VAULT_SECRET_ID_FILE", file.toString()));
            String err = (String) result[1];
            assertEquals(2, result[0], err);
            assertTrue(err.contains("vault-mcp-server: AppRole login failed: Vault answered 400 for POST "
                    + "auth/approle/login: \"invalid role or secret ID\""), err);
            assertFalse(err.contains("never-in-logs"), err);
        }
    }

    @Test
    void anUnreachableVaultIsAWarningAndTheServerStarts() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("VAULT_TOKEN", "hvs.some-token-value-51e2"))) {
            String err = server.stderr();
            assertTrue(err.contains("WARNING Could not reach Vault at http://127.0.0.1:9 for GET "
                    + "auth/token/lookup-self"), err);
            assertFalse(err.contains("some-token-value"), err);
        }
    }
}
