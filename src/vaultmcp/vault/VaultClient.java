package vaultmcp.vault;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.json.JsonException;
import vaultmcp.json.StrictJson;

/**
 * Talks to Vault's HTTP API. The address, namespace and TLS trust come from the operator's
 * configuration only; the token is passed per call (the server's own {@link ServerToken}, or an HTTP
 * caller's). Redirects are never followed (a redirect could carry the token elsewhere), answers
 * are size-capped and parsed strictly, and every failure becomes a {@link VaultException}.
 */
public final class VaultClient {
    private final URI address;
    private final String namespace;
    private final Duration timeout;
    private final SSLContext tls;
    private final StrictJson json = new StrictJson(Limits.MAX_JSON_DEPTH);
    /** Built at the first request, so start-up (and a session that never calls Vault) pays for no HTTP client. */
    private HttpClient http;

    /** {@code tls}: the trust for an https Vault, null for the JDK's default. */
    public VaultClient(URI address, String namespace, Duration timeout, SSLContext tls) {
        this.address = address;
        this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
        this.timeout = timeout;
        this.tls = tls;
    }

    /** Whether the HTTP client has been built, that is whether any request was sent. */
    synchronized boolean started() {
        return http != null;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            // The client's tasks run on its selector thread: one hand-off less per answer, no pool of its own.
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Limits.VAULT_CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                    .executor(Runnable::run);
            if (tls != null) {
                builder.sslContext(tls);
            } else if (address.getScheme().equals("http")) {
                // Without redirects an http:// Vault is never spoken to in TLS: a context that cannot make
                // a connection spares loading the JDK's trust store and TLS machinery.
                builder.sslContext(new SSLContext(null, null, "none") { }).sslParameters(new SSLParameters());
            }
            http = builder.build();
        }
        return http;
    }

    public URI address() {
        return address;
    }

    /** The configured namespace, or null. */
    public String namespace() {
        return namespace;
    }

    /**
     * Sends one request. Answers of any status come back as a {@link VaultResponse}; a failure to
     * get a well-formed answer at all throws. With {@code wrapTtl} (seconds, or null) Vault answers with a
     * single-use wrapping token instead of the data ({@code X-Vault-Wrap-TTL}); {@code global} leaves out
     * the namespace.
     */
    public VaultResponse send(Secret token, String method, VaultPath path, String query, JsonObject body, Long wrapTtl,
            boolean global) throws VaultException {
        return send(token, null, method, path, query, body, wrapTtl, global);
    }

    /** The same, carrying the caller's W3C trace context ({@code traceparent}, already validated; null: none). */
    public VaultResponse send(Secret token, String traceparent, String method, VaultPath path, String query,
            JsonObject body, Long wrapTtl, boolean global) throws VaultException {
        URI uri = URI.create(address + "/v1/" + path.encoded() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("X-Vault-Request", "true")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(StrictJson.write(body), StandardCharsets.UTF_8));
        if (body != null) {
            // Vault takes a PATCH only as a JSON merge patch (415 otherwise).
            String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
            request.header("Content-Type", type);
        }
        if (token != null) {
            // The server's own token is read now: it changes when renewed by a new login, or may be refused.
            request.header("X-Vault-Token", token instanceof ServerToken server ? server.current() : token.reveal());
        }
        if (namespace != null && !global) {
            request.header("X-Vault-Namespace", namespace);
        }
        if (wrapTtl != null) {
            request.header("X-Vault-Wrap-TTL", wrapTtl + "s");
        }
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        String what = method + " " + path;
        // The request timeout bounds the wait for headers only; the body's deadline bounds the whole
        // answer, so a Vault (or proxy) that stalls mid-body cannot hold a worker forever.
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<InputStream> response;
        try {
            // send, not sendAsync: on two cores the latter hands every answer to a thread of its own.
            response = http().send(request.build(),
                    info -> new CappedBody(info.statusCode(), Limits.MAX_VAULT_RESPONSE_BYTES, deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(what, "interrupted");
        } catch (IOException e) {
            throw failure(what, e);
        }
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            throw new VaultException(status, List.of(), "Vault answered " + status + " (a redirect) for " + what
                    + "; redirects are not followed. Check VAULT_ADDR.");
        }
        return new VaultResponse(method, path, status, parse(response.body(), status, what));
    }

    /** {@code body}: null when Vault sent none (or only whitespace). */
    private JsonObject parse(InputStream body, int status, String what) throws VaultException {
        if (body == null) {
            return null;
        }
        try {
            if (json.parse(new InputStreamReader(body, StandardCharsets.UTF_8)) instanceof JsonObject tree) {
                return tree;
            }
        } catch (JsonException e) {
            // reported below
        }
        throw new VaultException(status, List.of(), "Vault answered " + status + " for " + what
                + " with a body that is not a JSON object; is VAULT_ADDR a Vault server?");
    }

    /** {@code e} as thrown by send, which wraps what the body subscriber failed with. */
    private VaultException failure(String what, IOException e) {
        Throwable cause = e.getCause() instanceof CappedBody.TooLarge || e.getCause() instanceof TimeoutException
                ? e.getCause() : e;
        if (cause instanceof CappedBody.TooLarge large) {
            return new VaultException(large.status, List.of(), "Vault's answer to " + what + " is larger than "
                    + Limits.MAX_VAULT_RESPONSE_BYTES / (1024 * 1024) + " MiB; refused");
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return unreachable(what, "connecting timed out after " + Limits.VAULT_CONNECT_TIMEOUT.toSeconds() + "s");
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return unreachable(what, "no answer within " + describe(timeout));
        }
        if (cause instanceof ConnectException) {
            return unreachable(what, "connection refused");
        }
        if (cause instanceof SSLException) {
            return unreachable(what, "TLS handshake failed (check VAULT_CACERT / VAULT_CAPATH)");
        }
        return unreachable(what, "connection failed (" + cause.getClass().getSimpleName() + ")");
    }

    private static String describe(Duration d) {
        return d.toMillisPart() == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private VaultException unreachable(String what, String reason) {
        return new VaultException(0, List.of(), "Could not reach Vault at " + address + " for " + what + ": " + reason);
    }
}
