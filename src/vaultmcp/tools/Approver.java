package vaultmcp.tools;

/**
 * Asks a human before a tool's first write. The transport-neutral "needs input" step: MCP
 * elicitation in the 2025-11-25 era (see {@code mcp.Approvals}), a multi-round-trip request later.
 */
@FunctionalInterface
public interface Approver {
    /** Never asks: approval is off, or the client cannot be asked and the operator allows that. */
    Approver NONE = summary -> { };

    /**
     * Returns when a human approved {@code summary}, a plain-text account of exactly what will change.
     *
     * @throws ToolException saying that the change was not approved (declined, cancelled, timed out)
     */
    void approve(String summary) throws ToolException;
}
