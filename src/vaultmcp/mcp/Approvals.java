package vaultmcp.mcp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import vaultmcp.config.Authority.Approval;
import vaultmcp.config.Limits;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.tools.Approver;
import vaultmcp.tools.ToolException;
import vaultmcp.tools.ToolTable;

/**
 * Human approval before a change, by MCP elicitation (a form with one required boolean,
 * {@code approve}, and no default, since clients may prefill defaults). Only {@code accept} with
 * {@code approve: true} lets the change through; decline, cancel, another answer, an error, a
 * cancelled call or the timeout stop it. At most {@code maxWaiting} calls wait at once, so
 * approvals cannot take every worker. In {@code ASK} mode a client without the elicitation
 * capability is not asked (a convenience, not a boundary); in {@code REQUIRE} mode it cannot change Vault.
 */
final class Approvals {

    private final Approval mode;
    private final Duration timeout;
    private final Semaphore slots;
    /** One required boolean with no default (tools.json "shared"): a prefilled form cannot approve by itself. */
    private final JsonObject form = ToolTable.shared("approval_form");

    Approvals(Approval mode, Duration timeout, int maxWaiting) {
        this.mode = mode;
        this.timeout = timeout;
        this.slots = new Semaphore(Math.max(1, maxWaiting));
    }

    Approver forCall(Session session, JsonElement callId, JsonElement progressToken, Consumer<JsonObject> notify) {
        if (mode == Approval.OFF || mode == Approval.ASK && !session.canElicit()) {
            return Approver.NONE;
        }
        if (!session.canElicit()) {
            return summary -> {
                throw new ToolException("This server requires a human to approve every change (MCP_APPROVAL=require), "
                        + "and this client cannot be asked (it did not declare the elicitation capability). "
                        + "Nothing was changed.");
            };
        }
        return summary -> ask(session, callId, progressToken, notify, summary);
    }

    private void ask(Session session, JsonElement callId, JsonElement progressToken, Consumer<JsonObject> notify,
            String summary) throws ToolException {
        if (!slots.tryAcquire()) {
            throw refused("too many changes are waiting for approval already; try again later");
        }
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        String id = session.ask(callId, answer);
        try {
            JsonObject params = new JsonObject();
            if ("2025-11-25".equals(session.protocolVersion())) {
                params.addProperty("mode", "form");
            }
            params.addProperty("message", summary + " Approve it?");
            params.add("requestedSchema", form.deepCopy());
            JsonObject request = JsonRpc.notification("elicitation/create", params);
            request.addProperty("id", id);
            notify.accept(request);
            verdict(wait(answer, progressToken, notify));
        } finally {
            session.forget(callId, id);
            slots.release();
        }
    }

    private JsonObject wait(CompletableFuture<JsonObject> answer, JsonElement progressToken,
            Consumer<JsonObject> notify) throws ToolException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int tick = 1; ; tick++) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw refused("no answer within " + timeout.toSeconds() + " s");
            }
            try {
                return answer.get(Math.min(left, Limits.APPROVAL_PROGRESS_MILLIS), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (progressToken != null) {
                    JsonObject progress = new JsonObject();
                    progress.add("progressToken", progressToken);
                    progress.addProperty("progress", tick);
                    progress.addProperty("message", "waiting for a human to approve the change");
                    notify.accept(JsonRpc.notification("notifications/progress", progress));
                }
            } catch (CancellationException e) {
                throw refused("the call was cancelled");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused("the call was cancelled");
            } catch (ExecutionException e) {
                throw refused("the approval request failed");
            }
        }
    }

    private static void verdict(JsonObject response) throws ToolException {
        if (!(response.get("result") instanceof JsonObject result)) {
            throw refused("the client answered the approval request with an error");
        }
        String action = result.get("action") instanceof JsonPrimitive a ? a.getAsString() : "";
        JsonElement approve = result.get("content") instanceof JsonObject content ? content.get("approve") : null;
        boolean yes = approve instanceof JsonPrimitive p && p.isBoolean() && p.getAsBoolean();
        if (action.equals("accept") && yes) {
            return;
        }
        throw refused(switch (action) {
            case "decline" -> "the user declined";
            case "cancel" -> "the user dismissed the request";
            case "accept" -> "the form was accepted without approve: true";
            default -> "the client's answer was not understood";
        });
    }

    private static ToolException refused(String why) {
        return new ToolException("The change was not approved (" + why + "); nothing was changed.");
    }
}
