package vaultmcp.tools;

import com.google.gson.JsonObject;

/**
 * Asks a human before a tool's first write: MCP elicitation in the 2025-11-25 era, a multi-round-trip
 * request in 2026-07-28 (see {@code mcp.Approvals}).
 */
@FunctionalInterface
public interface Approver {
    /** Never asks: approval is off, or the client cannot be asked and the operator allows that. */
    Approver NONE = summary -> { };

    /**
     * Returns when a human approved {@code summary}, a plain-text account of exactly what will change;
     * throws a ToolException saying why not otherwise (declined, cancelled, timed out).
     */
    void approve(String summary) throws ToolException;

    /**
     * Ends a stateless-era call before its first write, answered with {@code result}: an InputRequiredResult
     * the client retries with the human's answer; null when the client cannot be asked (it declared no
     * elicitation capability) and the operator requires approval.
     */
    final class InputRequired extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient JsonObject result;

        public InputRequired(JsonObject result) {
            super(null, null, false, false);
            this.result = result;
        }

        public JsonObject result() {
            return result;
        }
    }
}
