package vaultmcp.vault;

import com.google.gson.JsonObject;
import vaultmcp.config.Secret;

/**
 * The Vault API as one caller sees it: the shared client bound to that caller's token. Tools
 * never hold one; they go through {@code tools.Guard}, which checks each request against the
 * tool's declared reach before it comes here.
 */
public record Vault(VaultClient client, Secret token) {

    /**
     * A request whose answer Vault wraps for {@code wrapTtl} seconds (no wrapping when null);
     * {@code global}: sent without the namespace (root-only endpoints refuse namespaced requests).
     */
    public VaultResponse send(String method, VaultPath path, String query, JsonObject body, Long wrapTtl,
            boolean global) throws VaultException {
        return client.send(token, method, path, query, body, wrapTtl, global);
    }
}
