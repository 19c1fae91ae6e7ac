package vaultmcp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import vaultmcp.audit.AuditTrail;
import vaultmcp.config.Authority;
import vaultmcp.config.Config;
import vaultmcp.config.ConfigException;
import vaultmcp.config.Limits;
import vaultmcp.jsonrpc.JsonRpc;
import vaultmcp.log.Log;
import vaultmcp.mcp.McpServer;
import vaultmcp.mcp.Session;
import vaultmcp.security.RateLimiter;
import vaultmcp.security.Tls;
import vaultmcp.tools.Selection;
import vaultmcp.tools.ToolTable;
import vaultmcp.tools.Tools;
import vaultmcp.transport.HttpTransport;
import vaultmcp.transport.StdioTransport;
import vaultmcp.vault.ServerToken;
import vaultmcp.vault.VaultClient;
import vaultmcp.vault.VaultTrust;

/** Entry point: configuration, then the parts wired together by hand, then the transport. */
public final class Main {
    public static final String VERSION = "0.1.0";

    /** Exit statuses: 0 done, 1 failed while running, 2 bad configuration. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int CONFIG_ERROR = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new BufferedInputStream(System.in), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        Config config;
        try {
            config = Config.parse(env, args);
        } catch (ConfigException e) {
            return configError(e, err);
        }
        switch (config.action()) {
            case HELP -> { out.print(Config.help()); return OK; }
            case VERSION -> { out.println(McpServer.NAME + " " + VERSION); return OK; }
            case VERIFY_AUDIT -> { return verifyAudit(config.authority(), out, err); }
            default -> { }
        }
        Log log = new Log(err, config.logLevel());
        Authority authority = config.authority();
        try {
            Selection selection = new Selection(config.enableOperations(),
                    authority.toolsets(), authority.tools(), authority.prefix(), authority.paths(),
                    authority.values(), authority.wrapTtl());
            ToolTable tools = ToolTable.building(Tools::handlers, selection);
            if (config.action() == Config.Action.TOOLS_DIGEST) {
                out.println("sha256:" + tools.digest());
                return OK;
            }
            AuditTrail audit;
            try {
                audit = authority.auditLog() == null ? null
                        : AuditTrail.open(authority.auditLog(), authority.auditKeyFile(), log);
            } catch (IOException e) {
                err.println("vault-mcp-server: MCP_AUDIT_LOG: cannot open " + authority.auditLog() + ": "
                        + e.getMessage());
                return CONFIG_ERROR;
            }
            if (audit != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(audit::close));
            }
            SSLContext trust = VaultTrust.context(config.vaultCaCert(), config.vaultCaPath(), config.vaultSkipVerify());
            if (config.vaultSkipVerify()) {
                // The JDK client checks host names even with a trust-all manager; this switch is global.
                System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
                log.warn("VAULT_SKIP_VERIFY=true: Vault's TLS certificate is NOT verified; use only for testing");
            }
            VaultClient vault = new VaultClient(config.vaultAddr(), config.vaultNamespace(),
                    config.vaultTimeout(), trust);
            ServerToken token = config.vaultToken() == null && !config.identity().appRole() ? null
                    : new ServerToken(config.vaultToken(), config.identity(), vault, ServerToken.DELAYED, log);
            RateLimiter limiter = new RateLimiter(config.globalRate(), config.sessionRate(), config.credentialRate(),
                    System::nanoTime);
            int workers = config.transport() == Config.Transport.STDIO ? Limits.STDIO_WORKERS : Limits.HTTP_WORKERS;
            byte[] stateKey = stateKey(authority, err);
            if (stateKey != null && stateKey.length == 0) {
                return CONFIG_ERROR;
            }
            McpServer server = new McpServer(tools, vault, log, VERSION, Limits.TOOLS_PAGE_SIZE,
                    config.enableOperations(), authority, workers, audit, stateKey);
            JsonRpc codec = new JsonRpc(Limits.MAX_MESSAGE_BYTES, Limits.MAX_JSON_DEPTH);
            log.info(McpServer.NAME + " " + VERSION + " vault=" + config.vaultAddr()
                    + " operations=" + (config.enableOperations() ? "enabled" : "disabled"));
            // The table and its digest wait until the first answer is out: the client need not wait for them.
            Runnable digest = () -> {
                int size = tools.size(); // a manifest that does not hold together fails here, on the main thread
                CompletableFuture.runAsync(() -> log.info("tools=" + size + " tools-digest=sha256:" + tools.digest()));
            };
            if (config.transport() == Config.Transport.STDIO) {
                Session session = new Session("stdio", token, limiter.budget(null, false));
                new StdioTransport(server, codec, session, log, out).serve(in, () -> {
                    digest.run();
                    token.start(); // looked up (or logged in) in the background; a first tool call waits for it
                });
                return OK;
            }
            digest.run(); // over HTTP, before listening: a table that cannot be built ends start-up here
            String refused = token == null ? null : token.begin(); // Vault unreachable: a warning, and we go on
            if (refused != null) {
                err.println("vault-mcp-server: " + refused);
                return CONFIG_ERROR;
            }
            SSLContext tls = config.tls() ? Tls.context(config.tlsCertFile(), config.tlsKeyFile()) : null;
            try (HttpTransport http = new HttpTransport(config, token, server, codec, limiter, vault, tls, log)) {
                Runtime.getRuntime().addShutdownHook(new Thread(http::close));
                log.info("listening on " + http.start());
                http.awaitStop();
                return OK;
            }
        } catch (ConfigException e) {
            return configError(e, err);
        } catch (IOException e) {
            err.println("vault-mcp-server: cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    /** --verify-audit FILE: checks the chain with the key of MCP_AUDIT_HMAC_KEY_FILE. */
    private static int verifyAudit(Authority authority, PrintStream out, PrintStream err) {
        if (authority.auditLog() == null || authority.auditKeyFile() == null) {
            err.println("vault-mcp-server: --verify-audit FILE needs the file and MCP_AUDIT_HMAC_KEY_FILE "
                    + "(a trail written with a per-run key cannot be verified)");
            return CONFIG_ERROR;
        }
        try {
            byte[] key = AuditTrail.key(authority.auditKeyFile());
            return AuditTrail.verify(authority.auditLog(), key, out) == 0 ? OK : FAILED;
        } catch (IOException e) {
            err.println("vault-mcp-server: cannot read " + authority.auditLog() + ": " + e.getClass().getSimpleName());
            return FAILED;
        }
    }

    /** The bytes of MCP_STATE_KEY_FILE, null when unset, empty (after saying why) when unusable. */
    private static byte[] stateKey(Authority authority, PrintStream err) {
        if (authority.stateKeyFile() == null) {
            return null;
        }
        try {
            byte[] key = AuditTrail.key(authority.stateKeyFile());
            if (key.length >= 32) {
                return key;
            }
            err.println("vault-mcp-server: MCP_STATE_KEY_FILE: the file must hold at least 32 bytes of secret");
        } catch (IOException e) {
            err.println("vault-mcp-server: MCP_STATE_KEY_FILE: cannot read it: " + e.getClass().getSimpleName());
        }
        return new byte[0];
    }

    private static int configError(ConfigException e, PrintStream err) {
        e.problems().forEach(p -> err.println("vault-mcp-server: " + p));
        err.println("vault-mcp-server: see --help");
        return CONFIG_ERROR;
    }
}
