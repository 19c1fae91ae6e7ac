package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import vaultmcp.audit.AuditTrail;
import vaultmcp.vault.VaultPath;

/**
 * One tool call's audit record, filled in as the call goes: the tool and its arguments (secret ones
 * as HMACs), the decision, the approval, each Vault request with its status and Vault's request id,
 * the duration and the result. A call that changes Vault writes a {@code request} record before its
 * first write, and is refused when that record cannot be written (fail closed, as Vault does); it
 * ends with a {@code response} record. Any other call writes one {@code call} record at its end.
 */
public final class Trail {
    private final AuditTrail sink;
    private final JsonObject record;
    private final JsonArray requests = new JsonArray();
    private final long started = System.nanoTime();
    private String decision = "allowed";
    private String approval = "not asked";
    private boolean opened;

    /** {@code context}: who calls (transport, session and credential as HMACs); taken over, not copied. */
    public Trail(AuditTrail sink, JsonObject context) {
        this.sink = sink;
        this.record = context;
    }

    public static Trail none() {
        return new Trail(null, new JsonObject());
    }

    void tool(String name, JsonObject arguments, List<String> secret) {
        if (sink == null) {
            return;
        }
        JsonObject shown = new JsonObject();
        for (var argument : arguments.entrySet()) {
            shown.add(argument.getKey(), secret.contains(argument.getKey())
                    ? new JsonPrimitive(sink.hmac(argument.getValue().toString())) : argument.getValue());
        }
        record.addProperty("tool", name);
        record.add("arguments", shown);
    }

    void decision(String decision) {
        this.decision = decision;
    }

    void approval(String approval) {
        this.approval = approval;
    }

    /** A request and Vault's answer; {@code body} null when none could be read (status 0 when none came). */
    void vault(String method, VaultPath path, int status, JsonObject body) {
        if (sink == null) {
            return;
        }
        JsonObject request = new JsonObject();
        request.addProperty("method", method);
        request.addProperty("path", path.toString());
        request.addProperty("status", status);
        if (body != null && body.get("request_id") instanceof JsonPrimitive id) {
            request.add("request_id", id);
        }
        requests.add(request);
    }

    /** Before the first state-changing request: the request record, or the refusal of the call. */
    void beforeWrite() throws ToolException {
        if (sink == null || opened) {
            return;
        }
        try {
            sink.write(snapshot("request", null));
            opened = true;
        } catch (IOException e) {
            decision("refused: audit trail unwritable");
            throw new ToolException("The audit trail cannot be written (" + e.getClass().getSimpleName() + "), so "
                    + "this change was refused and nothing was sent to Vault. Tell the operator.");
        }
    }

    /** At the end of the call; {@code result} null when the call failed with an internal error. */
    void finish(ToolResult result) {
        if (sink == null) {
            return;
        }
        try {
            sink.write(snapshot(opened ? "response" : "call", result == null ? "internal error"
                    : result.isError() ? "error" : "ok"));
        } catch (IOException e) {
            // The call has happened; its request record (for changes) is already in the trail.
        }
    }

    private JsonObject snapshot(String type, String outcome) {
        JsonObject out = new JsonObject();
        out.addProperty("time", Instant.now().toString());
        out.addProperty("type", type);
        record.entrySet().forEach(e -> out.add(e.getKey(), e.getValue()));
        out.addProperty("decision", decision);
        out.addProperty("approval", approval);
        out.add("vault", requests.deepCopy());
        if (outcome != null) {
            out.addProperty("duration_ms", (System.nanoTime() - started) / 1_000_000);
            out.addProperty("result", outcome);
        }
        return out;
    }
}
