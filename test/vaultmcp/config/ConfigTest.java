package vaultmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {
    private static final String TOKEN = "hvs.TOKEN-VALUE-never-shown";

    @TempDir
    Path dir;

    /** The environment of a valid stdio start plus {@code more} (name, value pairs). */
    private static Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("VAULT_TOKEN", TOKEN);
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static Config parse(Map<String, String> env, String... args) throws ConfigException {
        return Config.parse(env, args);
    }

    private static List<String> problems(Map<String, String> env, String... args) {
        return assertThrows(ConfigException.class, () -> Config.parse(env, args)).problems();
    }

    private static String onlyProblem(Map<String, String> env, String... args) {
        List<String> problems = problems(env, args);
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void appliesTheDocumentedDefaults() throws ConfigException {
        Config c = parse(env());
        assertEquals(Config.Action.RUN, c.action());
        assertEquals(URI.create("http://127.0.0.1:8200"), c.vaultAddr());
        assertEquals(TOKEN, c.vaultToken().reveal());
        assertEquals("", c.vaultNamespace());
        assertFalse(c.vaultSkipVerify());
        assertNull(c.vaultCaCert());
        assertNull(c.vaultCaPath());
        assertEquals(Duration.ofSeconds(30), c.vaultTimeout());
        assertEquals(Config.Transport.STDIO, c.transport());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals("/mcp", c.endpoint());
        assertEquals(List.of(), c.allowedOrigins());
        assertEquals(List.of(), c.allowedHosts());
        assertEquals(Config.CorsMode.STRICT, c.corsMode());
        assertNull(c.tlsCertFile());
        assertNull(c.tlsKeyFile());
        assertFalse(c.tls());
        assertEquals(new Config.Rate(10, 20), c.globalRate());
        assertEquals(new Config.Rate(5, 10), c.sessionRate());
        assertEquals(new Config.Rate(5, 10), c.credentialRate());
        assertNull(c.authToken());
        assertEquals(100, c.maxSessions());
        assertEquals(10, c.maxSessionsPerCredential());
        assertEquals(Duration.ofMinutes(30), c.sessionIdleTimeout());
        assertEquals("info", c.logLevel());
        assertFalse(c.enableOperations());
    }

    @Test
    void readsEverySettingFromTheEnvironment() throws ConfigException, IOException {
        Path ca = file("ca.pem", "x");
        Path cert = file("cert.pem", "x");
        Path key = file("key.pem", "x");
        Config c = parse(env("VAULT_ADDR", "https://vault.example:8200/", "VAULT_NAMESPACE", "team-a", "VAULT_SKIP_VERIFY", "true",
                "VAULT_CACERT", ca.toString(), "VAULT_CAPATH", dir.toString(), "VAULT_CLIENT_TIMEOUT", "5s",
                "TRANSPORT_MODE", "streamable-http", "TRANSPORT_HOST", "::1", "TRANSPORT_PORT", "0", "MCP_ENDPOINT", "/api/mcp/",
                "MCP_ALLOWED_ORIGINS", " https://a.example, ,https://b.example ", "MCP_ALLOWED_HOSTS", "mcp.example",
                "MCP_CORS_MODE", "development", "MCP_TLS_CERT_FILE", cert.toString(), "MCP_TLS_KEY_FILE", key.toString(),
                "MCP_RATE_LIMIT_GLOBAL", "100:200", "MCP_RATE_LIMIT_SESSION", "0.5:1", "MCP_AUTH_TOKEN", "0123456789abcdef",
                "MCP_MAX_SESSIONS", "7", "MCP_SESSION_IDLE_TIMEOUT", "2h", "MCP_LOG_LEVEL", "debug", "ENABLE_VAULT_OPERATIONS", "1",
                "MCP_RATE_LIMIT_CREDENTIAL", "3:4", "MCP_MAX_SESSIONS_PER_CREDENTIAL", "2"));
        assertEquals(URI.create("https://vault.example:8200"), c.vaultAddr());
        assertEquals("team-a", c.vaultNamespace());
        assertTrue(c.vaultSkipVerify());
        assertEquals(ca, c.vaultCaCert());
        assertEquals(dir, c.vaultCaPath());
        assertEquals(Duration.ofSeconds(5), c.vaultTimeout());
        assertEquals(Config.Transport.HTTP, c.transport());
        assertEquals("::1", c.host());
        assertEquals(0, c.port());
        assertEquals("/api/mcp", c.endpoint());
        assertEquals(List.of("https://a.example", "https://b.example"), c.allowedOrigins());
        assertEquals(List.of("mcp.example"), c.allowedHosts());
        assertEquals(Config.CorsMode.DEVELOPMENT, c.corsMode());
        assertEquals(cert, c.tlsCertFile());
        assertEquals(key, c.tlsKeyFile());
        assertTrue(c.tls());
        assertEquals(new Config.Rate(100, 200), c.globalRate());
        assertEquals(new Config.Rate(0.5, 1), c.sessionRate());
        assertEquals(new Config.Rate(3, 4), c.credentialRate());
        assertEquals("0123456789abcdef", c.authToken().reveal());
        assertEquals(7, c.maxSessions());
        assertEquals(2, c.maxSessionsPerCredential());
        assertEquals(Duration.ofHours(2), c.sessionIdleTimeout());
        assertEquals("debug", c.logLevel());
        assertTrue(c.enableOperations());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "VAULT_ADDR|ftp://vault:8200", "VAULT_ADDR|vault:8200", "VAULT_ADDR|http://", "VAULT_ADDR|http://user:pw@vault:8200",
        "VAULT_ADDR|http://vault:8200?x=1", "VAULT_ADDR|http://vault:8200#f", "VAULT_ADDR|http://va ult",
        "VAULT_SKIP_VERIFY|yes", "VAULT_SKIP_VERIFY|2", "VAULT_CACERT|/no/such/file.pem", "VAULT_CAPATH|/no/such/dir",
        "VAULT_CLIENT_TIMEOUT|0s", "VAULT_CLIENT_TIMEOUT|-1s", "VAULT_CLIENT_TIMEOUT|1d", "VAULT_CLIENT_TIMEOUT|soon", "VAULT_CLIENT_TIMEOUT|1.5s",
        "TRANSPORT_MODE|sse", "TRANSPORT_MODE|STDIO", "TRANSPORT_HOST|a b", "TRANSPORT_HOST|host/x",
        "TRANSPORT_PORT|65536", "TRANSPORT_PORT|-1", "TRANSPORT_PORT|http", "TRANSPORT_PORT|80.5",
        "MCP_ENDPOINT|mcp", "MCP_ENDPOINT|/health", "MCP_ENDPOINT|/health/", "MCP_ENDPOINT|/mcp//", "MCP_ENDPOINT|//mcp", "MCP_ENDPOINT|/a//b", "MCP_ENDPOINT|/a b", "MCP_ENDPOINT|/a?b",
        "MCP_CORS_MODE|STRICT", "MCP_CORS_MODE|any",
        "MCP_RATE_LIMIT_GLOBAL|0:5", "MCP_RATE_LIMIT_GLOBAL|5", "MCP_RATE_LIMIT_GLOBAL|a:b", "MCP_RATE_LIMIT_GLOBAL|5:0",
        "MCP_RATE_LIMIT_GLOBAL|-1:5", "MCP_RATE_LIMIT_GLOBAL|NaN:5", "MCP_RATE_LIMIT_GLOBAL|Infinity:5", "MCP_RATE_LIMIT_GLOBAL|1:2:3",
        "MCP_RATE_LIMIT_GLOBAL|5:1.5", "MCP_RATE_LIMIT_GLOBAL|2000000:5", "MCP_RATE_LIMIT_SESSION|5:-1", "MCP_RATE_LIMIT_SESSION|:",
        "MCP_MAX_SESSIONS|0", "MCP_MAX_SESSIONS|100001", "MCP_RATE_LIMIT_CREDENTIAL|0:1", "MCP_RATE_LIMIT_CREDENTIAL|1",
        "MCP_MAX_SESSIONS_PER_CREDENTIAL|0", "MCP_MAX_SESSIONS_PER_CREDENTIAL|100001", "MCP_MAX_SESSIONS_PER_CREDENTIAL|ten", "MCP_SESSION_IDLE_TIMEOUT|0", "MCP_SESSION_IDLE_TIMEOUT|30 m",
        "MCP_LOG_LEVEL|trace", "MCP_LOG_LEVEL|INFO", "ENABLE_VAULT_OPERATIONS|yes", "ENABLE_VAULT_OPERATIONS|on"})
    void refusesAnInvalidValueNamingTheVariable(String name, String value) {
        String problem = onlyProblem(env(name, value));
        assertTrue(problem.startsWith(name + ": invalid value \"" + value + "\": "), problem);
        assertTrue(problem.length() > (name + ": invalid value \"" + value + "\": ").length() + 5, "says what is wanted: " + problem);
    }

    @Test
    void refusesAShortAuthTokenWithoutShowingIt() {
        String problem = onlyProblem(env("MCP_AUTH_TOKEN", "short-secret"));
        assertEquals("MCP_AUTH_TOKEN: must be at least 16 characters", problem);
    }

    @Test
    void takesTheSessionAndAuthTokenBoundsFromLimits() throws ConfigException {
        String most = String.valueOf(Limits.MAX_SESSIONS);
        assertEquals(Limits.MAX_SESSIONS, parse(env("MCP_MAX_SESSIONS", most)).maxSessions());
        String tooMany = String.valueOf(Limits.MAX_SESSIONS + 1);
        assertEquals("MCP_MAX_SESSIONS: invalid value \"" + tooMany + "\": must be between 1 and " + most,
                onlyProblem(env("MCP_MAX_SESSIONS", tooMany)));
        String shortest = "a".repeat(Limits.MIN_AUTH_TOKEN_CHARS);
        assertEquals(shortest, parse(env("MCP_AUTH_TOKEN", shortest)).authToken().reveal());
        assertEquals("MCP_AUTH_TOKEN: must be at least " + Limits.MIN_AUTH_TOKEN_CHARS + " characters",
                onlyProblem(env("MCP_AUTH_TOKEN", shortest.substring(1))));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.parse(Map.of(
                "VAULT_ADDR", "ftp://x", "TRANSPORT_PORT", "99999", "MCP_RATE_LIMIT_GLOBAL", "0:5", "MCP_LOG_LEVEL", "loud"),
                new String[] {"--nope"}));
        List<String> problems = e.problems();
        assertEquals(6, problems.size(), problems.toString());
        for (String prefix : List.of("VAULT_ADDR:", "TRANSPORT_PORT:", "MCP_RATE_LIMIT_GLOBAL:", "MCP_LOG_LEVEL:", "VAULT_TOKEN:", "unknown flag --nope")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(prefix)), prefix + " in " + problems);
        }
        assertEquals(String.join("; ", problems), e.getMessage());
    }

    @Test
    void treatsAnEmptyVariableAsUnsetAsTheGoServerDoes() throws ConfigException {
        Config c = parse(env("VAULT_ADDR", "", "VAULT_SKIP_VERIFY", " ", "TRANSPORT_HOST", ""));
        assertEquals(URI.create("http://127.0.0.1:8200"), c.vaultAddr());
        assertFalse(c.vaultSkipVerify());
        assertEquals("127.0.0.1", c.host());
    }

    @Test
    void printsHelpAndVersionEvenWhenTheEnvironmentIsInvalid() throws ConfigException {
        Map<String, String> bad = Map.of("VAULT_ADDR", "ftp://x", "TRANSPORT_PORT", "nope");
        assertEquals(Config.Action.HELP, Config.parse(bad, new String[] {"--help"}).action());
        assertEquals(Config.Action.VERSION, Config.parse(bad, new String[] {"--version"}).action());
    }

    @Test
    void acceptsAnUpperCaseScheme() throws ConfigException {
        assertEquals(URI.create("https://vault.example:8200"), parse(env("VAULT_ADDR", "HTTPS://vault.example:8200")).vaultAddr());
    }

    @Test
    void trimsValues() throws ConfigException {
        Config c = parse(env("ENABLE_VAULT_OPERATIONS", " true ", "TRANSPORT_PORT", " 9000\n"));
        assertTrue(c.enableOperations());
        assertEquals(9000, c.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "true", "TRUE", "True"})
    void acceptsTheBooleanSpellingsOfGo(String value) throws ConfigException {
        assertTrue(parse(env("ENABLE_VAULT_OPERATIONS", value)).enableOperations());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "f", "F", "false", "FALSE", "False"})
    void acceptsTheFalseSpellingsOfGo(String value) throws ConfigException {
        assertFalse(parse(env("VAULT_SKIP_VERIFY", value)).vaultSkipVerify());
    }

    @Test
    void letsFlagsWinOverTheEnvironment() throws ConfigException {
        Map<String, String> env = env("VAULT_ADDR", "http://from-env:1", "TRANSPORT_PORT", "1111", "MCP_LOG_LEVEL", "error");
        Config c = parse(env, "--vault-addr", "http://from-flag:2", "--transport-port=2222", "--mcp-log-level", "debug");
        assertEquals(URI.create("http://from-flag:2"), c.vaultAddr());
        assertEquals(2222, c.port());
        assertEquals("debug", c.logLevel());
    }

    @Test
    void hasAFlagForEverySetting() throws ConfigException {
        for (Config.Setting s : Config.SETTINGS) {
            boolean credential = s.env().equals("VAULT_TOKEN") || s.env().equals("MCP_AUTH_TOKEN");
            assertEquals("--" + s.env().toLowerCase().replace('_', '-') + (credential ? "-file" : ""), s.flag());
        }
        Config c = parse(Map.of(), "--vault-namespace=ns", "--vault-client-timeout", "90", "--transport-host", "localhost",
                "--mcp-endpoint", "/x", "--mcp-allowed-origins", "https://o.example", "--mcp-allowed-hosts=h.example",
                "--mcp-cors-mode", "disabled", "--mcp-rate-limit-global", "1:1", "--mcp-rate-limit-session", "2:2",
                "--mcp-max-sessions", "3", "--mcp-session-idle-timeout", "500ms", "--transport-mode", "http");
        assertEquals("ns", c.vaultNamespace());
        assertEquals(Duration.ofSeconds(90), c.vaultTimeout());
        assertEquals("localhost", c.host());
        assertEquals("/x", c.endpoint());
        assertEquals(List.of("https://o.example"), c.allowedOrigins());
        assertEquals(List.of("h.example"), c.allowedHosts());
        assertEquals(Config.CorsMode.DISABLED, c.corsMode());
        assertEquals(new Config.Rate(1, 1), c.globalRate());
        assertEquals(new Config.Rate(2, 2), c.sessionRate());
        assertEquals(3, c.maxSessions());
        assertEquals(Duration.ofMillis(500), c.sessionIdleTimeout());
        assertEquals(Config.Transport.HTTP, c.transport());
    }

    @Test
    void namesTheVariableWhenAFlagValueIsInvalid() {
        assertEquals("TRANSPORT_PORT: invalid value \"x\": must be a whole number", onlyProblem(env(), "--transport-port", "x"));
    }

    @Test
    void takesABooleanFlagWithoutAValueAsTrue() throws ConfigException {
        Config c = parse(env(), "--enable-vault-operations", "--vault-skip-verify");
        assertTrue(c.enableOperations());
        assertTrue(c.vaultSkipVerify());
        assertTrue(parse(env(), "--enable-vault-operations").enableOperations());
    }

    @Test
    void leavesAPositionalArgumentAfterABareBooleanFlag() throws ConfigException {
        Config c = parse(Map.of(), "--enable-vault-operations", "http");
        assertTrue(c.enableOperations());
        assertEquals(Config.Transport.HTTP, c.transport());
        assertTrue(parse(env(), "--vault-skip-verify", "stdio").vaultSkipVerify());
        assertEquals("unexpected argument yes", onlyProblem(env(), "--enable-vault-operations", "yes"));
    }

    @Test
    void takesAnExplicitValueForABooleanFlag() throws ConfigException {
        assertFalse(parse(env("ENABLE_VAULT_OPERATIONS", "true"), "--enable-vault-operations=false").enableOperations());
        assertFalse(parse(env("ENABLE_VAULT_OPERATIONS", "true"), "--enable-vault-operations", "false").enableOperations());
        assertTrue(parse(env(), "--enable-vault-operations=true").enableOperations());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--vault-addr", "--transport-port"})
    void refusesAValueFlagWithoutAValue(String flag) {
        assertEquals(flag + ": needs a value", onlyProblem(env(), flag));
        assertEquals(flag + ": needs a value", onlyProblem(env(), flag, "--enable-vault-operations"));
    }

    @Test
    void acceptsAnEmptyValueAfterTheEqualsSign() throws ConfigException {
        assertEquals("", parse(env("VAULT_NAMESPACE", "ns"), "--vault-namespace=").vaultNamespace());
    }

    @Test
    void choosesTheTransportFromAPositionalArgument() throws ConfigException {
        assertEquals(Config.Transport.STDIO, parse(env("TRANSPORT_MODE", "http"), "stdio").transport());
        assertEquals(Config.Transport.HTTP, parse(Map.of(), "streamable-http").transport());
        assertEquals(Config.Transport.HTTP, parse(Map.of(), "http").transport());
        assertEquals(Config.Transport.HTTP, parse(Map.of(), "http", "--transport-port", "9").transport());
    }

    @Test
    void refusesUnknownFlagsAndArguments() {
        assertEquals("unknown flag --nope", onlyProblem(env(), "--nope"));
        assertEquals("unknown flag --nope", onlyProblem(env(), "--nope=1"));
        assertEquals("unknown flag -v", onlyProblem(env(), "-v"));
        assertEquals("unexpected argument sse", onlyProblem(env(), "sse"));
    }

    @Test
    void refusesTheVaultTokenAsAFlagWithoutEchoingIt() {
        String refusal = "--vault-token: not accepted, a flag would show in ps; use --vault-token-file <path> or the environment";
        assertEquals(refusal, onlyProblem(env(), "--vault-token=" + TOKEN));
        assertEquals(refusal, onlyProblem(env(), "--vault-token", TOKEN));
        assertEquals(refusal, onlyProblem(env(), "--vault-token", TOKEN, "--enable-vault-operations"));
    }

    @Test
    void refusesTheAuthTokenAsAFlagWithoutEchoingIt() {
        String refusal = "--mcp-auth-token: not accepted, a flag would show in ps; use --mcp-auth-token-file <path> or the environment";
        assertEquals(refusal, onlyProblem(Map.of(), "http", "--mcp-auth-token", "auth-SECRET-0123456789"));
        assertEquals(refusal, onlyProblem(Map.of(), "--mcp-auth-token=auth-SECRET-0123456789", "http"));
    }

    @Test
    void readsTheVaultTokenFromAFile() throws ConfigException, IOException {
        Path token = file("token", TOKEN + "\n");
        assertEquals(TOKEN, parse(Map.of(), "--vault-token-file", token.toString()).vaultToken().reveal());
        assertEquals(TOKEN, parse(Map.of("VAULT_TOKEN", "other"), "--vault-token-file=" + token).vaultToken().reveal());
    }

    @Test
    void readsTheAuthTokenFromAFile() throws ConfigException, IOException {
        Path secret = file("auth", "0123456789abcdef0123\n");
        assertEquals("0123456789abcdef0123", parse(Map.of(), "http", "--mcp-auth-token-file", secret.toString()).authToken().reveal());
    }

    @ParameterizedTest
    @ValueSource(strings = {"VAULT_TOKEN", "MCP_AUTH_TOKEN"})
    void refusesATokenThatCannotTravelInAHeaderWithoutShowingIt(String name) {
        String secret = "hvs.SECRET-never-shown";
        // Ends are trimmed, so every bad character here is inside the value.
        for (String bad : List.of(secret + "\r\nX-Evil: 1", secret + "\n" + secret, secret + "\u0000" + secret,
                secret + " " + secret, secret + "\u0085" + secret, secret + "\u00e9" + secret, "\u007f" + secret,
                secret + "x".repeat(Limits.MAX_TOKEN_CHARS))) {
            List<String> problems = problems(env(name, bad));
            assertEquals(List.of(name + ": invalid value <masked>: must be at most 4096 visible ASCII characters:"
                    + " no spaces, line breaks or other control characters"), problems);
        }
    }

    @Test
    void acceptsTheLongestToken() throws ConfigException {
        String longest = "h".repeat(Limits.MAX_TOKEN_CHARS);
        assertEquals(longest, parse(env("VAULT_TOKEN", longest)).vaultToken().reveal());
    }

    @Test
    void refusesAVaultTokenFileThatCannotTravelInAHeaderWithoutShowingIt() throws IOException {
        Path token = file("token", "hvs.SECRET-never-shown\r\nX-Evil: 1\n");
        List<String> problems = problems(Map.of(), "--vault-token-file", token.toString());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("VAULT_TOKEN: invalid value <masked>: "), problems.get(0));
        assertFalse(problems.get(0).contains("SECRET"), problems.get(0));
    }

    @Test
    void refusesANamespaceWithControlCharactersShowingThemEscaped() throws ConfigException {
        assertEquals("VAULT_NAMESPACE: invalid value \"team\\u000d\\u000aX-Evil: 1\": must be printable ASCII:"
                + " no line breaks or other control characters",
                onlyProblem(env("VAULT_NAMESPACE", "team\r\nX-Evil: 1")));
        assertTrue(onlyProblem(env("VAULT_NAMESPACE", "te\u0000am")).startsWith("VAULT_NAMESPACE: invalid value"));
        assertTrue(onlyProblem(env("VAULT_NAMESPACE", "t\u00e9am")).startsWith("VAULT_NAMESPACE: invalid value"));
        assertEquals("admin/team a", parse(env("VAULT_NAMESPACE", "admin/team a")).vaultNamespace());
    }

    @Test
    void refusesATokenFileThatCannotBeRead() {
        List<String> problems = problems(Map.of(), "--vault-token-file", dir.resolve("missing").toString());
        assertTrue(problems.contains("--vault-token-file: cannot read " + dir.resolve("missing")), problems.toString());
        assertEquals("--vault-token-file: needs a value", onlyProblem(env(), "--vault-token-file"));
    }

    @Test
    void requiresTheVaultTokenOnlyToServeStdio() throws ConfigException {
        assertEquals("VAULT_TOKEN: required in stdio mode (or pass --vault-token-file, or log in with AppRole)", onlyProblem(Map.of()));
        assertEquals("VAULT_TOKEN: required in stdio mode (or pass --vault-token-file, or log in with AppRole)", onlyProblem(Map.of("VAULT_TOKEN", "  ")));
        assertNull(parse(Map.of(), "http").vaultToken());
        assertEquals(Config.Action.HELP, parse(Map.of(), "--help").action());
        assertEquals(Config.Action.HELP, parse(Map.of(), "-h").action());
        assertEquals(Config.Action.VERSION, parse(Map.of(), "--version").action());
        assertEquals(Config.Action.TOOLS_DIGEST, parse(Map.of(), "--print-tools-digest").action());
        assertEquals(Config.Action.TOOLS_DIGEST, parse(Map.of(), "--print-tools-digest", "--enable-vault-operations").action());
    }

    @Test
    void stopsReadingArgumentsAtHelp() throws ConfigException {
        assertEquals(Config.Action.HELP, parse(Map.of(), "--help", "--nope").action());
    }

    @Test
    void countsOnlyLocalhostAnd127And1AsLoopback() throws ConfigException {
        for (String host : List.of("localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "::1", "[::1]",
                "0:0:0:0:0:0:0:1")) {
            assertTrue(parse(env("TRANSPORT_HOST", host)).loopback(), host);
        }
        for (String host : List.of("0.0.0.0", "::", "[::]", "10.0.0.1", "192.168.1.1", "localhost.example.com",
                "127.0.0.1.nip.io", "example.com", "::ffff:10.0.0.1", "fe80::1")) {
            assertFalse(parse(env("TRANSPORT_HOST", host)).loopback(), host);
        }
    }

    @Test
    void refusesATlsCertificateWithoutAKeyAndTheReverse() throws IOException {
        String both = "MCP_TLS_CERT_FILE and MCP_TLS_KEY_FILE: set both or neither";
        Path pem = file("x.pem", "x");
        assertEquals(both, onlyProblem(Map.of("MCP_TLS_CERT_FILE", pem.toString()), "http"));
        assertEquals(both, onlyProblem(Map.of("MCP_TLS_KEY_FILE", pem.toString()), "http"));
        assertEquals(both, onlyProblem(Map.of(), "http", "--mcp-tls-cert-file", pem.toString()));
    }

    @Test
    void refusesTlsFilesThatAreNotReadableFiles() {
        List<String> problems = problems(Map.of("MCP_TLS_CERT_FILE", dir.toString(), "MCP_TLS_KEY_FILE", dir.toString()), "http");
        assertTrue(problems.contains("MCP_TLS_CERT_FILE: invalid value \"" + dir + "\": not a readable file"), problems.toString());
        assertTrue(problems.contains("MCP_TLS_KEY_FILE: invalid value \"" + dir + "\": not a readable file"), problems.toString());
    }

    @ParameterizedTest
    @CsvSource({"10:20,10,20", "0.5:1,0.5,1", "1000000:1,1000000,1", "1e1:3,10,3", "0.001:1,0.001,1"})
    void parsesRates(String text, double perSecond, int burst) throws ConfigException {
        assertEquals(new Config.Rate(perSecond, burst), parse(env("MCP_RATE_LIMIT_GLOBAL", text)).globalRate());
    }

    @Test
    void explainsTheRateFormat() {
        assertEquals("MCP_RATE_LIMIT_SESSION: invalid value \"5\": must be rate:burst with rate > 0 and burst >= 1, e.g. 10:20",
                onlyProblem(env("MCP_RATE_LIMIT_SESSION", "5")));
    }

    @ParameterizedTest
    @CsvSource({"90,PT1M30S", "30s,PT30S", "2m,PT2M", "1h,PT1H", "250ms,PT0.25S"})
    void parsesDurations(String text, String iso) throws ConfigException {
        assertEquals(Duration.parse(iso), parse(env("VAULT_CLIENT_TIMEOUT", text)).vaultTimeout());
    }

    @ParameterizedTest
    @CsvSource({"MCP_SESSION_IDLE_TIMEOUT,3000000h", "MCP_SESSION_IDLE_TIMEOUT,169h",
        "VAULT_CLIENT_TIMEOUT,604800001ms", "VAULT_CLIENT_TIMEOUT,9223372036854775807h",
        "MCP_SESSION_IDLE_TIMEOUT,99999999999999999999999999s"})
    void refusesADurationTooLongToEnforceNamingTheVariable(String name, String value) {
        assertEquals(name + ": invalid value \"" + value + "\": must be at most 168h", onlyProblem(env(name, value)));
    }

    @Test
    void acceptsTheLongestDuration() throws ConfigException {
        Config c = parse(env("VAULT_CLIENT_TIMEOUT", "604800s", "MCP_SESSION_IDLE_TIMEOUT", "168h"));
        assertEquals(Limits.MAX_DURATION, c.vaultTimeout());
        assertEquals(Limits.MAX_DURATION, c.sessionIdleTimeout());
    }

    @ParameterizedTest
    @CsvSource({"MCP_MAX_SESSIONS,99999999999,1 and 100000", "TRANSPORT_PORT,99999999999999999999,0 and 65535",
        "TRANSPORT_PORT,-2147483649,0 and 65535"})
    void refusesANumberTooLargeForAnIntAsOutOfRange(String name, String value, String range) {
        assertEquals(name + ": invalid value \"" + value + "\": must be between " + range,
                onlyProblem(env(name, value)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0009:1", "1e-300:1", "Infinity:5", "1000001:5"})
    void refusesARateTooSlowForItsRetryHintOrTooFastToLimit(String value) {
        assertEquals("MCP_RATE_LIMIT_GLOBAL: invalid value \"" + value + "\": the rate must be between 0.001 and"
                + " 1000000 requests per second", onlyProblem(env("MCP_RATE_LIMIT_GLOBAL", value)));
    }

    @ParameterizedTest
    @CsvSource({"/mcp,/mcp", "/mcp/,/mcp", "/a/b-c_d.e~f,/a/b-c_d.e~f", "/,/"})
    void normalisesEndpoints(String text, String expected) throws ConfigException {
        assertEquals(expected, parse(env("MCP_ENDPOINT", text)).endpoint());
    }

    @ParameterizedTest
    @CsvSource({"http://127.0.0.1:8200/,http://127.0.0.1:8200", "https://vault.example/prefix//,https://vault.example/prefix",
        "http://[::1]:8200,http://[::1]:8200"})
    void normalisesTheVaultAddress(String text, String expected) throws ConfigException {
        assertEquals(URI.create(expected), parse(env("VAULT_ADDR", text)).vaultAddr());
    }

    @Test
    void masksSecretsInToString() {
        Secret secret = new Secret(TOKEN);
        assertEquals("<masked>", secret.toString());
        assertEquals("<masked>", String.valueOf(secret));
        assertEquals(TOKEN, secret.reveal());
        assertTrue(secret.matches(TOKEN));
        assertFalse(secret.matches(TOKEN + "x"));
        assertFalse(secret.matches(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Secret(""));
        assertEquals("a secret must not be empty", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Secret(null));
    }

    @Test
    void neverShowsTheTokensInConfigToString() throws ConfigException {
        Config c = parse(env("MCP_AUTH_TOKEN", "auth-SECRET-0123456789"));
        String text = c.toString();
        assertFalse(text.contains(TOKEN), text);
        assertFalse(text.contains("auth-SECRET"), text);
        assertTrue(text.contains("vaultToken=<masked>"), text);
        assertTrue(text.contains("authToken=<masked>"), text);
    }

    @Test
    void listsEverySettingInTheHelp() {
        String help = Config.help();
        List<String> lines = help.lines().toList();
        for (Config.Setting s : Config.SETTINGS) {
            assertTrue(lines.stream().anyMatch(l -> l.matches("  " + Pattern.quote(s.flag()) + " +" + s.env() + " .*")), s.flag() + " " + s.env());
            assertTrue(help.contains(s.help()), s.help());
            if (!s.defaultValue().isEmpty()) {
                assertTrue(help.contains("[" + s.defaultValue() + "]"), s.defaultValue());
            }
        }
        for (String flag : List.of("--help", "--version", "--print-tools-digest", "--vault-token-file", "--mcp-auth-token-file", "stdio", "streamable-http")) {
            assertTrue(help.contains(flag), flag);
        }
        assertFalse(help.contains("--vault-token "), "the refused flag is not offered");
        assertFalse(help.contains("--mcp-auth-token "), "the refused flag is not offered");
    }

    @Test
    void readsTheBoundsOfAuthorityWithTheGoServersToolsetFlags() throws ConfigException {
        Authority none = parse(env()).authority();
        assertNull(none.toolsets(), "unset toolsets mean the default ones, or none when MCP_TOOLS is given");
        assertEquals(Authority.Approval.ASK, none.approval());
        assertEquals(java.time.Duration.ofSeconds(50), none.approvalTimeout());
        Authority set = parse(env("MCP_TOOLSETS", "kv, pki", "MCP_TOOLS", "list_mounts", "MCP_TOOL_PREFIX", "vault_",
                "MCP_ALLOWED_PATHS", "secret/app/*", "MCP_DENIED_PATHS", "secret/app/admin", "MCP_APPROVAL", "require",
                "MCP_APPROVAL_TIMEOUT", "20s")).authority();
        assertEquals(java.util.Set.of("kv", "pki"), set.toolsets());
        assertEquals(java.util.Set.of("list_mounts"), set.tools());
        assertEquals("vault_", set.prefix());
        assertNull(set.paths().refusal("secret/app/x"));
        assertTrue(set.paths().refusal("secret/app/admin").contains("MCP_DENIED_PATHS"));
        assertEquals(Authority.Approval.REQUIRE, set.approval());
        Authority flags = parse(env(), "--toolsets", "sys", "--tools=read_secret").authority();
        assertEquals(java.util.Set.of("sys"), flags.toolsets());
        assertEquals(java.util.Set.of("read_secret"), flags.tools());
    }

    @Test
    void invalidBoundsOfAuthorityStopStartUpNamingEachVariable() {
        List<String> problems = problems(env("MCP_TOOLS", "Read-Secret", "MCP_ALLOWED_PATHS", "secret/*/x",
                "MCP_DENIED_PATHS", "../sys", "MCP_APPROVAL", "maybe", "MCP_APPROVAL_TIMEOUT", "0s"));
        for (String variable : List.of("MCP_TOOLS", "MCP_ALLOWED_PATHS", "MCP_DENIED_PATHS", "MCP_APPROVAL:", "MCP_APPROVAL_TIMEOUT")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(variable)), variable + " in " + problems);
        }
        assertEquals(5, problems.size(), problems.toString());
    }
}
