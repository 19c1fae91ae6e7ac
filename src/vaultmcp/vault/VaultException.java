package vaultmcp.vault;

import java.util.List;

/** Vault refused or could not be reached: the HTTP status (0: no answer) and Vault's errors, never the token. */
public final class VaultException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<String> errors;

    public VaultException(int status, List<String> errors, String summary) {
        super(summary, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public List<String> errors() {
        return errors;
    }
}
