package vaultmcp.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vaultmcp.log.Log;

/**
 * The operator's configuration: environment variables with the Go server's names, each also a
 * command-line flag ({@code VAULT_ADDR} is {@code --vault-addr}); flags win. Every value is checked
 * here, all problems are reported together, and nothing falls back silently to a default.
 * This is the only source of the Vault address, CA, TLS verification and the server's own token.
 */
public record Config(
        Action action,
        URI vaultAddr,
        Secret vaultToken,
        String vaultNamespace,
        boolean vaultSkipVerify,
        Path vaultCaCert,
        Path vaultCaPath,
        Duration vaultTimeout,
        Transport transport,
        String host,
        int port,
        String endpoint,
        List<String> allowedOrigins,
        List<String> allowedHosts,
        CorsMode corsMode,
        Path tlsCertFile,
        Path tlsKeyFile,
        Rate globalRate,
        Rate sessionRate,
        Rate credentialRate,
        Secret authToken,
        int maxSessions,
        int maxSessionsPerCredential,
        Duration sessionIdleTimeout,
        String logLevel,
        boolean enableOperations,
        Authority authority,
        Identity identity) {

    public enum Action { RUN, HELP, VERSION, TOOLS_DIGEST, VERIFY_AUDIT }

    public enum Transport { STDIO, HTTP }

    public enum CorsMode { STRICT, DEVELOPMENT, DISABLED }

    /** A token-bucket setting: refill rate per second and bucket size. */
    public record Rate(double perSecond, int burst) {}

    /**
     * One setting: its environment name, default and help text. The flag name is derived; a
     * credential's flag names a file to read it from, because a flag value shows in ps.
     */
    public record Setting(String env, String defaultValue, String help) {
        public String flag() {
            return "--" + env.toLowerCase(Locale.ROOT).replace('_', '-') + (credential() ? "-file" : "");
        }

        boolean credential() {
            return env.equals("VAULT_TOKEN") || env.equals("MCP_AUTH_TOKEN");
        }
    }

    public static final List<Setting> SETTINGS = List.of(
            new Setting("VAULT_ADDR", "http://127.0.0.1:8200", "Vault address (http or https URL)"),
            new Setting("VAULT_TOKEN", "", "Vault token (the flag takes a file holding it)"),
            new Setting("VAULT_NAMESPACE", "", "Vault Enterprise / HCP namespace sent as X-Vault-Namespace"),
            new Setting("VAULT_SKIP_VERIFY", "false", "skip TLS verification of Vault (testing only)"),
            new Setting("VAULT_CACERT", "", "PEM file of CA certificates that sign Vault's certificate"),
            new Setting("VAULT_CAPATH", "", "directory of PEM CA certificate files"),
            new Setting("VAULT_ROLE_ID", "", "AppRole role id: the server logs in instead of using VAULT_TOKEN"),
            new Setting("VAULT_SECRET_ID_FILE", "", "file holding the AppRole secret id, read again at each login"),
            new Setting("VAULT_APPROLE_MOUNT", "approle", "mount path of the AppRole auth method"),
            new Setting("VAULT_AUTH_METHOD", "token", "HTTP callers: token, or jwt (their JWT exchanged at Vault)"),
            new Setting("VAULT_AUTH_JWT_PATH", "jwt", "mount path of Vault's JWT auth method"),
            new Setting("VAULT_AUTH_JWT_ROLE", "", "role of the JWT login (empty: the mount's default role)"),
            new Setting("VAULT_AUTH_JWT_HEADER", "Authorization", "request header carrying callers' JWTs (Bearer)"),
            new Setting("VAULT_AUTH_JWT_CACHE_TTL", "5m", "longest time a Vault token from a JWT is reused"),
            new Setting("MCP_RESOURCE_URL", "", "this server's URL as JWTs name it in aud (required with jwt)"),
            new Setting("MCP_OAUTH_ISSUERS", "", "comma-separated authorization servers for the RFC 9728 metadata"),
            new Setting("VAULT_CLIENT_TIMEOUT", "30s", "time limit of one Vault request (e.g. 30s, 2m)"),
            new Setting("TRANSPORT_MODE", "stdio", "stdio, or http / streamable-http"),
            new Setting("TRANSPORT_HOST", "127.0.0.1", "HTTP bind address; anything but loopback needs TLS"),
            new Setting("TRANSPORT_PORT", "8080", "HTTP port (0 picks a free one)"),
            new Setting("MCP_ENDPOINT", "/mcp", "HTTP path of the MCP endpoint"),
            new Setting("MCP_ALLOWED_ORIGINS", "", "comma-separated browser origins allowed to call the endpoint"),
            new Setting("MCP_ALLOWED_HOSTS", "", "comma-separated Host names accepted when not bound to loopback"),
            new Setting("MCP_CORS_MODE", "strict",
                    "strict, development (also any localhost origin) or disabled (any origin)"),
            new Setting("MCP_TLS_CERT_FILE", "", "PEM certificate chain for HTTPS"),
            new Setting("MCP_TLS_KEY_FILE", "", "PEM private key for HTTPS (PKCS#8, PKCS#1 RSA or SEC1 EC)"),
            new Setting("MCP_RATE_LIMIT_GLOBAL", "10:20", "requests per second:burst for the whole server"),
            new Setting("MCP_RATE_LIMIT_SESSION", "5:10", "requests per second:burst for each session"),
            new Setting("MCP_RATE_LIMIT_CREDENTIAL", "5:10", "requests per second:burst for each HTTP caller's token"),
            new Setting("MCP_AUTH_TOKEN", "",
                    "bearer secret that lets HTTP callers use VAULT_TOKEN (the flag takes a file)"),
            new Setting("MCP_MAX_SESSIONS", "100", "most HTTP sessions open at once"),
            new Setting("MCP_MAX_SESSIONS_PER_CREDENTIAL", "10", "most HTTP sessions open at once with one token"),
            new Setting("MCP_SESSION_IDLE_TIMEOUT", "30m", "an HTTP session unused this long ends"),
            new Setting("MCP_LOG_LEVEL", "info", "stderr log level: debug, info, warning, error"),
            new Setting("ENABLE_VAULT_OPERATIONS", "false", "offer the tools that change Vault (mounts, secrets, PKI)"),
            new Setting("MCP_TOOLSETS", "", "toolsets offered: kv, pki, sys; all; default [kv,pki,sys]"),
            new Setting("MCP_TOOLS", "", "exact tool names offered (without prefix); with MCP_TOOLSETS, the union"),
            new Setting("MCP_TOOL_PREFIX", "", "prefix for every tool name, e.g. vault_ (against tool shadowing)"),
            new Setting("MCP_ALLOWED_PATHS", "", "comma-separated path globs tools may reach (Vault policy syntax)"),
            new Setting("MCP_DENIED_PATHS", "", "comma-separated path globs tools may not reach; deny wins"),
            new Setting("MCP_APPROVAL", "ask", "human approval before changes: ask, require or off"),
            new Setting("MCP_APPROVAL_TIMEOUT", "50s", "how long a change waits for approval"),
            new Setting("MCP_SECRET_VALUES", "plain", "how secret values reach the model: plain, wrap or redact"),
            new Setting("MCP_WRAP_TTL", "5m", "lifetime of a wrapping token (1s to 24h)"),
            new Setting("MCP_AUDIT_LOG", "", "file that receives the hash-chained audit trail (JSON Lines)"),
            new Setting("MCP_AUDIT_HMAC_KEY_FILE", "", "file holding the audit trail's HMAC key (else a key per run)"),
            new Setting("MCP_STATE_KEY_FILE", "", "file whose secret seals 2026-07-28 approval states; share it "
                    + "across instances (else a key per run)"));

    /** The flags of the Go server's PR #79 for the toolset settings. */
    private static final Map<String, String> ALIASES = Map.of("--toolsets", "--mcp-toolsets", "--tools", "--mcp-tools");

    public static Config parse(Map<String, String> env, String[] args) throws ConfigException {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        for (Setting s : SETTINGS) {
            String v = env.get(s.env());
            values.put(s.env(), v == null || v.isBlank() ? s.defaultValue() : v.trim());
        }
        Action action = readArgs(args, values, problems);
        Reader r = new Reader(values, problems);
        URI addr = r.get("VAULT_ADDR");
        Transport transport = r.get("TRANSPORT_MODE");
        Secret token = r.get("VAULT_TOKEN");
        if (values.get("VAULT_TOKEN").isEmpty() && values.get("VAULT_ROLE_ID").isEmpty() && action == Action.RUN
                && transport == Transport.STDIO) {
            problems.add("VAULT_TOKEN: required in stdio mode (or pass --vault-token-file, or log in with AppRole)");
        }
        Path cert = r.get("MCP_TLS_CERT_FILE");
        Path key = r.get("MCP_TLS_KEY_FILE");
        if ((cert == null) != (key == null)) {
            problems.add("MCP_TLS_CERT_FILE and MCP_TLS_KEY_FILE: set both or neither");
        }
        Config config = new Config(action, addr, token,
                r.get("VAULT_NAMESPACE"),
                r.get("VAULT_SKIP_VERIFY"),
                r.get("VAULT_CACERT"),
                r.get("VAULT_CAPATH"),
                r.get("VAULT_CLIENT_TIMEOUT"),
                transport,
                r.get("TRANSPORT_HOST"),
                r.get("TRANSPORT_PORT"),
                r.get("MCP_ENDPOINT"),
                r.get("MCP_ALLOWED_ORIGINS"),
                r.get("MCP_ALLOWED_HOSTS"),
                r.get("MCP_CORS_MODE"),
                cert, key,
                r.get("MCP_RATE_LIMIT_GLOBAL"),
                r.get("MCP_RATE_LIMIT_SESSION"),
                r.get("MCP_RATE_LIMIT_CREDENTIAL"),
                r.get("MCP_AUTH_TOKEN"),
                r.get("MCP_MAX_SESSIONS"),
                r.get("MCP_MAX_SESSIONS_PER_CREDENTIAL"),
                r.get("MCP_SESSION_IDLE_TIMEOUT"),
                r.get("MCP_LOG_LEVEL"),
                r.get("ENABLE_VAULT_OPERATIONS"),
                Authority.read(r),
                Identity.read(r, transport == Transport.HTTP, token != null));
        if (config.authToken() != null && config.authToken().reveal().length() < Limits.MIN_AUTH_TOKEN_CHARS) {
            problems.add("MCP_AUTH_TOKEN: must be at least " + Limits.MIN_AUTH_TOKEN_CHARS + " characters");
        }
        if (action == Action.RUN && transport == Transport.HTTP && !config.loopback()) {
            // 0.0.0.0 and :: are every interface, not loopback: the Go server let them through in plain text.
            if (cert == null) {
                problems.add("TRANSPORT_HOST: " + config.host() + " is not loopback; serving beyond this machine needs "
                        + "MCP_TLS_CERT_FILE and MCP_TLS_KEY_FILE");
            }
            if (config.allowedHosts().isEmpty()) {
                problems.add("MCP_ALLOWED_HOSTS: required when TRANSPORT_HOST is not loopback "
                        + "(the host names clients use to reach this server)");
            }
        }
        // Asking for help must work even while the environment is wrong.
        if (!problems.isEmpty() && action != Action.HELP && action != Action.VERSION) {
            throw new ConfigException(problems);
        }
        return config;
    }

    public boolean tls() {
        return tlsCertFile != null;
    }

    /** Whether TRANSPORT_HOST means this machine only (see {@link Values#isLoopback}). */
    public boolean loopback() {
        return Values.isLoopback(host);
    }

    public static String help() {
        StringBuilder out = new StringBuilder("""
                Usage: java -jar vault-mcp-server.jar [stdio | streamable-http | http] [flags]

                An MCP server for HashiCorp Vault. Every setting is an environment variable and a flag;
                flags win. Read-only unless ENABLE_VAULT_OPERATIONS=true.

                  --help                 this text
                  --version              print the version
                  --print-tools-digest   print the sha256 of the tools/list answer (pin it in your client)
                  --verify-audit FILE    check the audit trail's chain (with MCP_AUDIT_HMAC_KEY_FILE)

                """);
        for (Setting s : SETTINGS) {
            out.append(String.format("  %-28s %-26s %s%n", s.flag(), s.env(),
                    s.help() + (s.defaultValue().isEmpty() ? "" : " [" + s.defaultValue() + "]")));
        }
        return out.toString();
    }

    private static Action readArgs(String[] args, Map<String, String> values, List<String> problems) {
        Action action = Action.RUN;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> { return Action.HELP; }
                case "--version" -> { return Action.VERSION; }
                case "--print-tools-digest" -> action = Action.TOOLS_DIGEST;
                case "--verify-audit" -> {
                    // The file to check is the audit log setting; the key comes from MCP_AUDIT_HMAC_KEY_FILE.
                    action = Action.VERIFY_AUDIT;
                    values.put("MCP_AUDIT_LOG", i + 1 < args.length ? args[++i] : "");
                }
                case "stdio", "streamable-http", "http" -> values.put("TRANSPORT_MODE", arg);
                default -> {
                    String next = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[i + 1] : null;
                    i += readFlag(arg, next, values, problems) ? 1 : 0;
                }
            }
        }
        return action;
    }

    /** Reads one flag into {@code values}; true when it took {@code next} as its value. */
    private static boolean readFlag(String arg, String next, Map<String, String> values, List<String> problems) {
        String[] parts = arg.split("=", 2);
        String name = ALIASES.getOrDefault(parts[0], parts[0]);
        Setting setting = SETTINGS.stream().filter(s -> s.flag().equals(name)).findFirst().orElse(null);
        if (setting == null && SETTINGS.stream().anyMatch(s -> s.credential() && s.flag().equals(name + "-file"))) {
            problems.add(name + ": not accepted, a flag would show in ps; use " + name
                    + "-file <path> or the environment");
            return parts.length == 1 && next != null; // the value is the secret itself: skip it, never echo it
        }
        if (setting == null) {
            problems.add(arg.startsWith("-") ? "unknown flag " + name : "unexpected argument " + arg);
            return false;
        }
        // A bare boolean flag means true; it takes the next word only if that is a boolean, not "http".
        boolean bool = "false".equals(setting.defaultValue());
        boolean takesNext = parts.length == 1 && next != null && (!bool || Values.isBoolean(next));
        String value = parts.length == 2 ? parts[1] : takesNext ? next : bool ? "true" : null;
        if (value == null) {
            problems.add(name + ": needs a value");
            return false;
        }
        String read = setting.credential() ? Values.orNull(() -> Files.readString(Path.of(value))) : value;
        if (read == null) {
            problems.add(name + ": cannot read " + value);
        } else {
            values.put(setting.env(), read.trim());
        }
        return takesNext;
    }

    /** Reads one value through its parser; a parser failure becomes a problem naming the variable. */
    record Reader(Map<String, String> values, List<String> problems) {
        @SuppressWarnings("unchecked") // each setting's parser gives the type its caller reads
        <T> T get(String env) {
            String value = values.get(env);
            try {
                return (T) Parsers.parse(env, value);
            } catch (RuntimeException e) {
                Setting setting = SETTINGS.stream().filter(s -> s.env().equals(env)).findFirst().orElseThrow();
                String shown = setting.credential() ? "<masked>" : "\"" + Log.escape(value) + "\"";
                problems.add(env + ": invalid value " + shown + ": " + e.getMessage());
                // Carry on with the default so every other problem is found too; we throw later.
                return (T) Parsers.parse(env, setting.defaultValue());
            }
        }
    }
}
