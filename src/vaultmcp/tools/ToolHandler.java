package vaultmcp.tools;

import vaultmcp.vault.VaultException;

/** The code behind one manifest entry; it reaches Vault only through the guard of its call. */
@FunctionalInterface
public interface ToolHandler {
    ToolResult call(Args args, Guard vault) throws ToolException, VaultException;
}
