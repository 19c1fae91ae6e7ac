package vaultmcp.vault;

import com.google.gson.JsonObject;
import vaultmcp.config.Secret;

/** The Vault API as one caller sees it: the shared client bound to that caller's token. */
public record Vault(VaultClient client, Secret token) {

    public VaultResponse get(VaultPath path) throws VaultException {
        return client.send(token, "GET", path, null, null);
    }

    public VaultResponse get(VaultPath path, String query) throws VaultException {
        return client.send(token, "GET", path, query, null);
    }

    /** Vault's LIST operation, sent as GET with list=true. */
    public VaultResponse list(VaultPath path) throws VaultException {
        return client.send(token, "GET", path, "list=true", null);
    }

    public VaultResponse post(VaultPath path, JsonObject body) throws VaultException {
        return client.send(token, "POST", path, null, body);
    }

    public VaultResponse delete(VaultPath path) throws VaultException {
        return client.send(token, "DELETE", path, null, null);
    }
}
