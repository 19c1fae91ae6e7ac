package vaultmcp.mcp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import vaultmcp.config.Authority.Approval;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.json.StrictJson;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.jsonrpc.RpcException;
import vaultmcp.tools.Approver;
import vaultmcp.tools.ToolException;
import vaultmcp.tools.ToolTable;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * Human approval before a change, by MCP elicitation: a form with one required boolean, {@code approve}, and no
 * default (clients may prefill defaults). Only {@code accept} with {@code approve: true} lets the change through;
 * decline, cancel, another answer, an error, a cancelled call or the timeout stop it. At most {@code maxWaiting}
 * calls wait at once, so approvals cannot take every worker. In {@code ASK} mode a client without the elicitation
 * capability is not asked (a convenience, not a boundary); in {@code REQUIRE} mode it cannot change Vault.
 *
 * <p>In the stateless era the same form travels as a multi-round-trip request: the first round ends the
 * call with an {@code InputRequiredResult} and a sealed {@code requestState} bound to the tool, its exact
 * arguments and the caller, valid {@link Limits#STATE_TTL}, holding a digest of the summary the human saw;
 * the retry carries the human's answer and that state. Each state is single-use through Vault: the first
 * round wraps a random nonce with the caller's token ({@code sys/wrapping/wrap}, allowed by Vault's default
 * policy) and seals the wrapping token into the state; the retry unwraps it ({@code sys/wrapping/unwrap}),
 * which Vault lets happen once, on any instance.
 */
final class Approvals {
    private final Approval mode;
    private final Duration timeout;
    private final Semaphore slots;
    private final SealedState states;

    /** {@code stateKey}: the bytes of MCP_STATE_KEY_FILE, or null for a key per process. */
    Approvals(Approval mode, Duration timeout, int maxWaiting, byte[] stateKey) {
        this.mode = mode;
        this.timeout = timeout;
        this.slots = new Semaphore(Math.max(1, maxWaiting));
        this.states = mode == Approval.OFF ? null : new SealedState(stateKey);
    }

    /**
     * The approver of one tool call ({@code params} of its tools/call): elicitation in the session era, a
     * multi-round-trip request in the stateless one, whose request state, if any, must be one this server
     * sealed and nobody altered (else the request's fault, -32602).
     */
    Approver approver(Session session, JsonElement callId, String tool, JsonObject params, Vault vault,
            Consumer<JsonObject> notify) throws RpcException {
        JsonElement state = params.get("requestState");
        JsonObject claims = session.stateless() && states != null && state instanceof JsonPrimitive p && p.isString()
                ? states.open(p.getAsString()) : null;
        if (session.stateless() && states != null && state != null && claims == null) {
            throw new RpcException(RpcException.INVALID_PARAMS,
                    "Invalid params: requestState was not issued by this server, or it was altered");
        }
        if (mode != Approval.OFF && session.canElicit()) {
            return session.stateless() ? summary -> round(tool, params, claims, vault, summary)
                    : summary -> ask(session, callId, progressToken(params), notify, summary);
        }
        if (mode != Approval.REQUIRE) {
            return Approver.NONE;
        }
        return session.stateless() ? summary -> {
            throw new Approver.InputRequired(null);
        } : summary -> {
            throw new ToolException("This server requires a human to approve every change (MCP_APPROVAL=require), "
                    + "and this client cannot be asked (it did not declare the elicitation capability). "
                    + "Nothing was changed.");
        };
    }

    /** {@code claims}: those of the request's state, null in the first round (or a retry that lost its state). */
    private void round(String tool, JsonObject params, JsonObject claims, Vault vault, String summary)
            throws ToolException {
        JsonObject arguments = params.get("arguments") instanceof JsonObject a ? a : new JsonObject();
        String binding = SealedState.digest(tool, StrictJson.write(canonical(arguments)),
                SealedState.digest(vault.token().reveal()));
        if (claims == null) {
            throw new Approver.InputRequired(ask(binding, summary, vault));
        }
        if (!(params.get("inputResponses") instanceof JsonObject answers)) {
            throw refused("the retry must carry the requestState this server issued, unaltered, and inputResponses");
        }
        if (!binding.equals(claims.get("binding").getAsString())) {
            throw refused("the request state was issued for another tool, other arguments or another caller");
        }
        if (System.currentTimeMillis() > claims.get("expires").getAsLong()) {
            throw refused("the approval expired; call the tool again to be asked afresh");
        }
        redeem(claims, vault);
        if (!SealedState.digest(summary).equals(claims.get("summary").getAsString())) {
            // What the human approved is no longer what the call would do (Vault changed in between).
            throw refused("what the change would do is no longer what was approved; call the tool again");
        }
        verdict(answers.get("approve") instanceof JsonObject answer ? answer : new JsonObject());
    }

    /** Round one: a single-use ticket in Vault, and the request for the human's answer. */
    private JsonObject ask(String binding, String summary, Vault vault) throws ToolException {
        JsonObject ticket = Modern.object("nonce", new JsonPrimitive(HexFormat.of().formatHex(states.random(16))));
        JsonObject wrapped;
        try {
            wrapped = vault.send("POST", VaultPath.of("sys", "wrapping", "wrap"), null, ticket,
                    Limits.STATE_TTL.toSeconds(), false).ok().wrapInfo();
        } catch (VaultException e) {
            throw refused("Vault did not issue a single-use approval ticket: " + e.getMessage());
        }
        if (wrapped == null || !(wrapped.get("token") instanceof JsonPrimitive)) {
            throw refused("Vault answered the request for a single-use approval ticket without one");
        }
        JsonObject claims = new JsonObject();
        claims.addProperty("binding", binding);
        claims.addProperty("summary", SealedState.digest(summary));
        claims.addProperty("expires", System.currentTimeMillis() + Limits.STATE_TTL.toMillis());
        claims.add("nonce", ticket.get("nonce"));
        claims.add("ticket", wrapped.get("token"));
        JsonObject elicit = new JsonObject();
        elicit.addProperty("method", "elicitation/create");
        elicit.add("params", form(summary, true));
        JsonObject result = new JsonObject();
        result.addProperty("resultType", "input_required");
        result.add("inputRequests", Modern.object("approve", elicit));
        result.addProperty("requestState", states.seal(claims));
        return result;
    }

    /** Round two: Vault unwraps a ticket once, on whichever instance asks first; a replay finds it gone. */
    private static void redeem(JsonObject claims, Vault vault) throws ToolException {
        Vault ticket = new Vault(vault.client(), new Secret(claims.get("ticket").getAsString()));
        VaultResponse answer;
        try {
            answer = ticket.send("POST", VaultPath.of("sys", "wrapping", "unwrap"), null, null, null, false);
        } catch (VaultException e) {
            throw refused("Vault could not be asked to redeem the approval: " + e.getMessage());
        }
        JsonElement nonce = answer.status() == 200 ? answer.dataOrEmpty().get("nonce") : null;
        if (nonce == null || !nonce.equals(claims.get("nonce"))) {
            throw refused("this approval was already used (Vault no longer holds its single-use ticket)");
        }
    }

    /** Objects with their members in name order, so a client that reorders keys between rounds still matches. */
    private static JsonElement canonical(JsonElement value) {
        if (value instanceof JsonObject object) {
            JsonObject out = new JsonObject();
            new TreeMap<>(object.asMap()).forEach((k, v) -> out.add(k, canonical(v)));
            return out;
        }
        if (value instanceof JsonArray array) {
            JsonArray out = new JsonArray();
            array.forEach(v -> out.add(canonical(v)));
            return out;
        }
        return value;
    }

    private JsonObject form(String summary, boolean modern) {
        JsonObject params = new JsonObject();
        if (modern) {
            params.addProperty("mode", "form");
        }
        params.addProperty("message", summary + " Approve it?");
        // One required boolean with no default (tools.json "shared"): a prefilled form cannot approve by itself.
        params.add("requestedSchema", ToolTable.shared("approval_form"));
        return params;
    }

    private void ask(Session session, JsonElement callId, JsonElement progressToken, Consumer<JsonObject> notify,
            String summary) throws ToolException {
        if (!slots.tryAcquire()) {
            throw refused("too many changes are waiting for approval already; try again later");
        }
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        String id = session.ask(callId, answer);
        try {
            JsonObject request = JsonRpc.notification("elicitation/create",
                    form(summary, "2025-11-25".equals(session.protocolVersion())));
            request.addProperty("id", id);
            notify.accept(request);
            JsonObject response = wait(answer, progressToken, notify);
            if (!(response.get("result") instanceof JsonObject result)) {
                throw refused("the client answered the approval request with an error");
            }
            verdict(result);
        } finally {
            session.forget(callId, id);
            slots.release();
        }
    }

    private static JsonElement progressToken(JsonObject params) {
        JsonElement token = params.get("_meta") instanceof JsonObject meta ? meta.get("progressToken") : null;
        return token != null && token.isJsonPrimitive() ? token : null;
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

    /** The human's answer, an ElicitResult: only accept with approve: true lets the change through. */
    private static void verdict(JsonObject result) throws ToolException {
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
