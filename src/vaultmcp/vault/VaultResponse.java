package vaultmcp.vault;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import vaultmcp.config.Limits;

/**
 * One answer from Vault: status and parsed body (null when Vault sent none, as on 204).
 * {@link #data()} refuses to read an error answer, so a tool cannot mistake a failure for data.
 */
public record VaultResponse(String method, VaultPath path, int status, JsonObject body) {
    private static final int MAX_ERROR_LENGTH = 500;

    /** The {@code data} object of a successful answer (empty when there is none). */
    public JsonObject data() throws VaultException {
        ok();
        return dataOrEmpty();
    }

    /** The {@code data} object regardless of status (KV v2 answers 404 with data for a deleted version). */
    public JsonObject dataOrEmpty() {
        JsonElement data = body == null ? null : body.get("data");
        return data != null && data.isJsonObject() ? data.getAsJsonObject() : new JsonObject();
    }

    /** True for Vault's plain "nothing here": 404 with an empty {@code errors} list. */
    public boolean notFound() {
        return status == 404 && errors().isEmpty();
    }

    public VaultResponse ok() throws VaultException {
        if (status >= 400) {
            throw failure();
        }
        return this;
    }

    public VaultException failure() {
        List<String> errors = errors();
        String summary = "Vault answered " + status + " for " + method + " " + path
                + (errors.isEmpty() ? "" : ": " + String.join("; ", errors))
                + (errors.stream().anyMatch(e -> e.startsWith("no handler for route")) ? " (no mount serves that path: call list_mounts)" : "");
        return new VaultException(status, errors, summary);
    }

    /** Vault's error strings, with go-multierror framing ("1 error occurred: * x") removed. */
    public List<String> errors() {
        List<String> out = new ArrayList<>();
        for (String text : strings("errors")) {
            for (String line : text.split("\n")) {
                if (out.size() == Limits.MAX_VAULT_MESSAGES) {
                    return out;
                }
                String item = line.strip();
                if (item.startsWith("* ")) {
                    item = item.substring(2);
                } else if (item.matches("\\d+ errors? occurred:") || item.isEmpty()) {
                    continue;
                }
                out.add(item.length() > MAX_ERROR_LENGTH ? item.substring(0, MAX_ERROR_LENGTH) + "..." : item);
            }
        }
        return out;
    }

    /** Vault's warnings, if any. */
    public List<String> warnings() {
        return strings("warnings");
    }

    /** The items of an array in the body as text; empty when there is no such array. */
    private List<String> strings(String member) {
        List<String> out = new ArrayList<>();
        JsonElement array = body == null ? null : body.get(member);
        if (array != null && array.isJsonArray()) {
            for (JsonElement e : array.getAsJsonArray()) {
                if (out.size() == Limits.MAX_VAULT_MESSAGES) {
                    break;
                }
                out.add(e.isJsonPrimitive() ? e.getAsString() : e.toString());
            }
        }
        return out;
    }
}
