package vaultmcp.json;

/** Input that is not acceptable JSON; the message is safe to show to the sender. */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
