package vaultmcp.tools;

import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;

/** The code behind one manifest entry. */
@FunctionalInterface
public interface ToolHandler {
    ToolResult call(Args args, Vault vault) throws ToolException, VaultException;
}
