package vaultmcp.vault;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Predicate;
import java.util.stream.Stream;
import vaultmcp.config.Limits;
import vaultmcp.json.StrictJson;

/**
 * One answer from Vault: status and parsed body (null when Vault sent none, as on 204).
 * {@link #data()} refuses to read an error answer, so a tool cannot mistake a failure for data.
 */
public record VaultResponse(String method, VaultPath path, int status, JsonObject body) {
    /** The {@code data} object of a successful answer (empty when there is none). */
    public JsonObject data() throws VaultException {
        return ok().dataOrEmpty();
    }

    /** The {@code data} object regardless of status (KV v2 answers 404 with data for a deleted version). */
    public JsonObject dataOrEmpty() {
        return body != null && body.get("data") instanceof JsonObject data ? data : new JsonObject();
    }

    /** The {@code keys} of a LIST answer; empty for Vault's plain 404, which is how it answers an empty list. */
    public JsonArray keys() throws VaultException {
        return !notFound() && data().get("keys") instanceof JsonArray keys ? keys : new JsonArray();
    }

    /** Vault's {@code wrap_info} of a response-wrapped answer, or null when the answer is not wrapped. */
    public JsonObject wrapInfo() {
        return status < 400 && body != null && body.get("wrap_info") instanceof JsonObject info ? info : null;
    }

    /** True for Vault's plain "nothing here": 404 with an empty {@code errors} list. */
    public boolean notFound() {
        return status == 404 && errors().isEmpty();
    }

    // Vault's wording the tools match on, in one place. The texts are Vault's own (1.21, 2.x).

    /** KV v2 refused a write: its {@code cas} is not the current version. */
    public boolean casMismatch() {
        return status == 400 && anyError(e -> e.contains("check-and-set parameter did not match"));
    }

    public boolean unknownRole() {
        return status == 400 && anyError(e -> e.startsWith("unknown role"));
    }

    /** A mount (secrets engine or auth method) already exists at that path, or the path overlaps one. */
    public boolean pathInUse() {
        return status == 400 && anyError(e -> e.contains("path is already in use"));
    }

    /** PKI has no such issuer (Vault answers 500 for a name it cannot resolve), or nothing is there. */
    public boolean issuerNotFound() {
        return status >= 400 && anyError(e -> e.contains("unable to find PKI issuer")) || notFound();
    }

    private boolean anyError(Predicate<String> test) {
        return errors().stream().anyMatch(test);
    }

    public VaultResponse ok() throws VaultException {
        if (status >= 400) {
            throw failure();
        }
        return this;
    }

    /** This answer as an exception: {@code Vault answered 403 for GET secret/data/x: "permission denied"}. */
    public VaultException failure() {
        List<String> errors = errors();
        String summary = "Vault answered " + status + " for " + method + " " + path
                + (errors.isEmpty() ? "" : ": " + quotes(errors))
                + (anyError(e -> e.startsWith("no handler for route"))
                        ? " (no mount serves that path: call {tool:list_mounts})" : "");
        return new VaultException(status, errors, summary);
    }

    /** This answer's errors quoted as Vault's, as {@link #quote} does. */
    public String quoted() {
        return quote(errors());
    }

    /**
     * Texts from Vault for our own messages, quoted as Vault's: {@code Vault answered: "a"; "b"} or
     * {@code Vault answered nothing}. Each is JSON-escaped, so a quote inside it cannot end the quotation,
     * and one longer than {@link Limits#MAX_VAULT_QUOTE_CHARS} is cut there, "..." after its closing quote.
     */
    public static String quote(List<String> texts) {
        return texts.isEmpty() ? "Vault answered nothing" : "Vault answered: " + quotes(texts);
    }

    private static String quotes(List<String> texts) {
        StringJoiner out = new StringJoiner("; ");
        for (String text : texts) {
            int cut = Math.min(text.length(), Limits.MAX_VAULT_QUOTE_CHARS);
            cut -= cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1)) ? 1 : 0; // never half a pair
            out.add(StrictJson.write(new JsonPrimitive(text.substring(0, cut))) + (cut < text.length() ? "..." : ""));
        }
        return out.toString();
    }

    /** Vault's error strings, without go-multierror framing ("1 error occurred: * x"): data, for {@link #quote}. */
    public List<String> errors() {
        return strings("errors").stream().flatMap(text -> Stream.of(text.split("\n"))).map(String::strip)
                .filter(item -> !item.isEmpty() && !item.matches("\\d+ errors? occurred:"))
                .map(item -> item.startsWith("* ") ? item.substring(2) : item)
                .limit(Limits.MAX_VAULT_MESSAGES).toList();
    }

    public List<String> warnings() {
        return strings("warnings");
    }

    /** The items of an array in the body as text; empty when there is no such array. */
    private List<String> strings(String member) {
        if (!(body != null && body.get(member) instanceof JsonArray array)) {
            return List.of();
        }
        return array.asList().stream().limit(Limits.MAX_VAULT_MESSAGES)
                .map(e -> e.isJsonPrimitive() ? e.getAsString() : e.toString()).toList();
    }
}
