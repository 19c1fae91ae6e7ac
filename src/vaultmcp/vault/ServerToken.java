package vaultmcp.vault;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import vaultmcp.config.Identity;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.log.Log;

/**
 * The server's own Vault token, kept alive: VAULT_TOKEN, or the token of an AppRole login whose secret id
 * is read from its file anew at every login (a plain secret id, or a response-wrapping token of one, which
 * is unwrapped). It is looked up (or logged in) once, renewed when two thirds of its TTL have passed, and
 * an AppRole token that can no longer be renewed is replaced by a new login before it expires. Each Vault
 * request made with it sends the value current then ({@link #current}). The work runs on the scheduler's
 * thread, never a tool call's; failures are retried with backoff and logged without the token or secret id.
 */
public final class ServerToken extends Secret {
    /** Runs a task once after a delay, on a thread of its own. */
    public interface Scheduler {
        void after(Duration delay, Runnable task);
    }

    /** A warning for the sessions that use the token; each new one has a higher {@code number}. */
    public record Warning(long number, String text) {}

    /** The JDK's delayed executor (CompletableFuture's daemon timer thread hands each step on): no pool of ours. */
    public static final Scheduler DELAYED = (delay, task) ->
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(task);

    private interface Step {
        void run() throws VaultException, IOException;
    }

    private static final VaultPath LOOKUP = VaultPath.of("auth", "token", "lookup-self");
    private static final VaultPath RENEW = VaultPath.of("auth", "token", "renew-self");
    private static final VaultPath UNWRAP = VaultPath.of("sys", "wrapping", "unwrap");

    private final VaultClient vault;
    private final Identity identity;
    private final Scheduler scheduler;
    private final Log log;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Secret token;
    /** Why the token may not be used (Vault refused it, or refused the first login), or null. */
    private volatile String refusal;
    private volatile Warning warning;
    /** The TTL in seconds the last login or look-up granted: a renewal granting less has met the max TTL. */
    private long granted;
    private int failures;

    /** {@code configured}: VAULT_TOKEN, or null to log in with AppRole as {@code identity} says. */
    public ServerToken(Secret configured, Identity identity, VaultClient vault, Scheduler scheduler, Log log) {
        this.vault = vault;
        this.identity = identity;
        this.scheduler = scheduler;
        this.log = log;
        this.token = configured;
    }

    /** Looks the token up (or logs in) now, then keeps it alive; returns why Vault refuses it, or null. */
    public String begin() {
        run(identity.appRole() ? this::login : this::lookUp);
        return refusal;
    }

    /** The same on the scheduler's thread, so that start-up does not wait for Vault. */
    public void start() {
        schedule(Duration.ZERO, identity.appRole() ? this::login : this::lookUp);
    }

    /** The latest warning about the token (it cannot be renewed, it expires), or null. */
    public Warning warning() {
        return warning;
    }

    /** The current value, once the first look-up or login is done; throws when there is no usable token. */
    String current() throws VaultException {
        try {
            ready.await(Limits.FIRST_CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Secret now = token;
        String why = refusal != null ? refusal : now == null ? "no AppRole login has succeeded yet" : null;
        if (why != null) {
            throw new VaultException(403, List.of(), "The server's own Vault token cannot be used: " + why);
        }
        return now.reveal();
    }

    /** The current value, for audit and cache keys; a placeholder no Vault accepts before the first login. */
    @Override
    public String reveal() {
        Secret now = token;
        return now == null ? "none" : now.reveal();
    }

    private void lookUp() throws VaultException {
        VaultResponse answer = vault.send(token, "GET", LOOKUP, null, null, null, false);
        if (answer.status() == 403 && !answer.errors().contains("invalid token")) {
            log.info("the server's token may not look itself up (auth/token/lookup-self): it is not renewed");
        } else if (!lost(answer)) {
            JsonObject data = answer.data();
            granted = seconds(data, "creation_ttl");
            keep(seconds(data, "ttl"), data.get("renewable"));
        }
    }

    private void renew() throws VaultException {
        VaultResponse answer = vault.send(token, "POST", RENEW, null, new JsonObject(), null, false);
        if (!lost(answer)) {
            JsonObject auth = auth(answer);
            long ttl = seconds(auth, "lease_duration");
            log.info("renewed the server's Vault token for " + ttl + "s");
            keep(ttl, ttl < granted ? null : auth.get("renewable"));
        }
    }

    /** Whether Vault does not know the token (403 "invalid token"): AppRole logs in again, VAULT_TOKEN is refused. */
    private boolean lost(VaultResponse answer) {
        if (answer.status() != 403 || !answer.errors().contains("invalid token")) {
            return false;
        }
        if (identity.appRole()) {
            log.warn("Vault no longer accepts the server's token: logging in again");
            schedule(Duration.ZERO, this::login);
        } else {
            refusal = "Vault does not accept VAULT_TOKEN (invalid, revoked or expired): " + answer.quoted();
            log.error(refusal);
        }
        return true;
    }

    private void login() throws VaultException, IOException {
        String text = Files.readString(identity.secretIdFile(), StandardCharsets.UTF_8).strip();
        if (text.isEmpty() || text.length() > Limits.MAX_TOKEN_CHARS) {
            throw new IOException("it is empty or too long");
        }
        String secretId = text;
        VaultPath path = VaultPath.of("auth").append(identity.appRoleMount()).append("login");
        try {
            if (text.startsWith("hvs.") || text.matches("s\\.[A-Za-z0-9]{24}")) { // a response-wrapping token
                VaultResponse unwrapped = vault.send(new Secret(text), "POST", UNWRAP, null, null, null, false);
                secretId = string(unwrapped.data(), "secret_id");
            }
            JsonObject body = new JsonObject();
            body.addProperty("role_id", identity.roleId());
            body.addProperty("secret_id", secretId);
            JsonObject auth = auth(vault.send(null, "POST", path, null, body, null, false));
            token = new Secret(string(auth, "client_token"));
            refusal = null;
            granted = seconds(auth, "lease_duration");
            log.info("logged in with AppRole at " + path + ": token accessor " + string(auth, "accessor")
                    + ", TTL " + granted + "s");
            keep(granted, auth.get("renewable"));
        } catch (VaultException e) {
            // Vault may quote a secret id back (approle: invalid secret_id "..."): never log it.
            String said = e.getMessage().replace(text, "<secret id>").replace(secretId, "<secret id>");
            throw new VaultException(e.status(), List.of(), "AppRole login failed: " + said);
        }
    }

    /** What keeps a token of {@code ttl} seconds alive: a renewal, a new login (AppRole), or only a warning. */
    private void keep(long ttl, JsonElement renewable) {
        Duration twoThirds = Duration.ofSeconds(ttl).multipliedBy(2).dividedBy(3);
        if (ttl <= 0) {
            log.info("the server's Vault token has no TTL: nothing to renew");
        } else if (renewable instanceof JsonPrimitive p && p.isBoolean() && p.getAsBoolean()) {
            schedule(twoThirds, this::renew);
        } else if (identity.appRole()) {
            schedule(twoThirds, this::login);
        } else {
            String text = "the server's Vault token cannot be renewed (further): it expires at "
                    + Instant.now().plusSeconds(ttl) + "; give the server a new VAULT_TOKEN before then";
            log.warn(text);
            warning = new Warning(warning == null ? 1 : warning.number() + 1, text); // written by one thread only
        }
    }

    private void schedule(Duration delay, Step step) {
        scheduler.after(delay, () -> run(step));
    }

    private void run(Step step) {
        try {
            step.run();
            failures = 0;
        } catch (VaultException e) {
            retry(step, e.getMessage(), e.status() != 0 && e.status() < 500);
        } catch (IOException e) {
            retry(step, "VAULT_SECRET_ID_FILE: cannot read a secret id from " + identity.secretIdFile() + " ("
                    + (e instanceof FileSystemException ? e.getClass().getSimpleName() : e.getMessage()) + ")", true);
        } catch (RuntimeException e) { // a bug of ours: the keeper goes on, the detail stays in the log
            log.failure("the server's token", e);
            retry(step, "keeping the server's token failed (the error above)", false);
        } finally {
            ready.countDown();
        }
    }

    /** Logs a failed step, an error when Vault or the file said no, and tries it again later. */
    private void retry(Step step, String problem, boolean refused) {
        if (refused && token == null) {
            refusal = problem;
        }
        long wait = Math.min(1L << Math.min(failures++, 16), Limits.TOKEN_RETRY_MAX.toSeconds());
        String text = problem + (refused && token != null ? "; the current token is kept until it expires" : "")
                + "; trying again in " + wait + "s";
        if (refused) {
            log.error(text);
        } else {
            log.warn(text);
        }
        schedule(Duration.ofSeconds(wait), step);
    }

    /** The {@code auth} block of a successful answer, or an empty one. */
    private static JsonObject auth(VaultResponse answer) throws VaultException {
        JsonObject body = answer.ok().body();
        return body != null && body.get("auth") instanceof JsonObject auth ? auth : new JsonObject();
    }

    private static long seconds(JsonObject o, String name) {
        return o.get(name) instanceof JsonPrimitive p && p.isNumber() ? p.getAsLong() : 0;
    }

    private static String string(JsonObject o, String name) throws VaultException {
        if (o.get(name) instanceof JsonPrimitive p && p.isString() && !p.getAsString().isEmpty()) {
            return p.getAsString();
        }
        throw new VaultException(200, List.of(), "Vault's answer has no " + name);
    }
}
