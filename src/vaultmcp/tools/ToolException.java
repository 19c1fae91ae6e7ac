package vaultmcp.tools;

/**
 * A tool call that cannot succeed as asked: bad arguments, a missing secret, a refused write.
 * The message goes back to the model as an {@code isError} result, so it says what to fix.
 */
public class ToolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ToolException(String message) {
        super(message, null, false, false);
    }
}
