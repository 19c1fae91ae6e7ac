package vaultmcp.transport;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import vaultmcp.config.Config;
import vaultmcp.config.Identity;
import vaultmcp.config.Limits;
import vaultmcp.config.Secret;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.security.OriginPolicy;
import vaultmcp.security.RateLimiter;
import vaultmcp.security.Tls;
import vaultmcp.vault.VaultClient;

/**
 * The HTTP listener: HTTPS when a certificate is configured, with jdk.httpserver's time, header and
 * connection limits switched on, serving the MCP endpoint, {@code /health} and, with the JWT exchange,
 * the RFC 9728 metadata ({@link ResourceMetadata}). jdk.httpserver runs the TLS handshake and reads
 * the headers on its executor's thread, before any check of ours, so the executor has a thread for
 * every connection it allows: a client that stalls mid-request holds only its own, until the request
 * time limit cuts it off. Tool calls have a bound of their own.
 */
public final class HttpTransport implements AutoCloseable {
    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final boolean tls;
    private final String endpoint;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Binds the listener (not yet serving). {@code tlsContext} null: plain HTTP; {@code serverToken} null: none. */
    public HttpTransport(Config config, Secret serverToken, McpServer mcp, JsonRpc codec, RateLimiter limiter,
            VaultClient vault, SSLContext tlsContext, Log log) throws IOException {
        property("sun.net.httpserver.maxReqTime", Limits.HTTP_MAX_REQUEST_SECONDS);
        property("sun.net.httpserver.maxRspTime", Limits.HTTP_MAX_RESPONSE_SECONDS);
        property("sun.net.httpserver.maxReqHeaders", Limits.HTTP_MAX_HEADERS);
        property("sun.net.httpserver.maxReqHeaderSize", Limits.HTTP_MAX_HEADER_BYTES);
        property("jdk.httpserver.maxConnections", Limits.HTTP_MAX_CONNECTIONS);
        // Without TCP_NODELAY a body written after its headers waits ~40 ms for the client's delayed ACK.
        property("sun.net.httpserver.nodelay", true);
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        this.tls = tlsContext != null;
        this.server = tls ? HttpsServer.create(address, Limits.HTTP_BACKLOG)
                : HttpServer.create(address, Limits.HTTP_BACKLOG);
        if (server instanceof HttpsServer https) {
            https.setHttpsConfigurator(Tls.configurator(tlsContext));
        }
        // No queue: beyond the connection cap jdk.httpserver closes a new connection on accept.
        int connections = Integer.getInteger("jdk.httpserver.maxConnections", Limits.HTTP_MAX_CONNECTIONS);
        this.pool = new ThreadPoolExecutor(0, connections > 0 ? connections : Limits.HTTP_MAX_CONNECTIONS,
                Limits.HTTP_THREAD_IDLE.toSeconds(), TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread t = new Thread(null, runnable, "http-connection", Limits.HTTP_THREAD_STACK_BYTES);
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(pool);
        this.endpoint = config.endpoint();
        OriginPolicy policy = new OriginPolicy(config.loopback(), config.allowedHosts(),
                config.allowedOrigins(), config.corsMode(), tls);
        Identity id = config.identity();
        // Revocations borrow a connection thread; when none is free, the token is left to expire.
        JwtExchange jwts = id.jwt() ? new JwtExchange(id, vault, System::currentTimeMillis, pool, log) : null;
        HttpSessions sessions = new HttpSessions(config.maxSessions(), config.maxSessionsPerCredential(),
                config.sessionIdleTimeout(), limiter, System::nanoTime, jwts == null ? token -> { } : jwts::revoke);
        HttpAuth auth = new HttpAuth(config.authToken(), serverToken, vault, System::nanoTime, jwts);
        server.createContext(endpoint, new HttpEndpoint(endpoint, mcp, codec, sessions, policy, auth,
                new Semaphore(Limits.HTTP_WORKERS), log));
        server.createContext("/health", HttpTransport::health);
        if (jwts != null) {
            server.createContext(ResourceMetadata.WELL_KNOWN,
                    new ResourceMetadata(id.resourceUrl(), id.issuers(), policy));
        }
        if (config.corsMode() == Config.CorsMode.DISABLED) {
            log.warn("MCP_CORS_MODE=disabled: any web page the user visits may call this server");
        }
        if (serverToken != null && config.authToken() == null) {
            log.info("VAULT_TOKEN is not lent to HTTP callers (set MCP_AUTH_TOKEN to allow bearer callers to use it)");
        }
    }

    /** Starts serving; returns the endpoint's URL. */
    public URI start() {
        server.start();
        return url();
    }

    public URI url() {
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        host = host.contains(":") ? "[" + host.replaceFirst("%.*", "") + "]" : host;
        return URI.create((tls ? "https://" : "http://") + host + ":" + bound.getPort() + endpoint);
    }

    /** Blocks until {@link #close()}. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.stop(0);
        pool.shutdownNow();
        stopped.countDown();
    }

    /** Sets a jdk.httpserver property unless the operator already chose it with -D. */
    private static void property(String name, Object value) {
        System.getProperties().putIfAbsent(name, String.valueOf(value));
    }

    /** Liveness only: says nothing about the configuration or Vault. */
    private static void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean exact = exchange.getRequestURI().getPath().equals("/health");
            JsonObject ok = new JsonObject();
            ok.addProperty("status", "ok");
            Answers.send(exchange, exact ? 200 : 404, exact ? ok : null);
        }
    }
}
