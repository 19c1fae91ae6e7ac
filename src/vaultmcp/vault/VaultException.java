package vaultmcp.vault;

import java.util.List;

/**
 * Vault refused or could not be reached. Carries the HTTP status (0 when no answer arrived) and
 * Vault's own {@code errors} strings; never the token.
 */
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
