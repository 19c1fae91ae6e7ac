package vaultmcp.vault;

import com.google.gson.JsonObject;
import vaultmcp.config.Secret;

/**
 * The Vault API as one caller sees it: the shared client bound to that caller's token, and the W3C trace
 * context its request carried (null: none). Tools never hold one; they go through {@code tools.Guard},
 * which checks each request against the tool's declared reach before it comes here.
 */
public record Vault(VaultClient client, Secret token, String traceparent) {

    public Vault(VaultClient client, Secret token) {
        this(client, token, null);
    }

    /**
     * A request whose answer Vault wraps for {@code wrapTtl} seconds (no wrapping when null);
     * {@code global}: sent without the namespace (root-only endpoints refuse namespaced requests).
     */
    public VaultResponse send(String method, VaultPath path, String query, JsonObject body, Long wrapTtl,
            boolean global) throws VaultException {
        return client.send(token, traceparent, method, path, query, body, wrapTtl, global);
    }
}
