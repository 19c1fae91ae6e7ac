package vaultmcp.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The operator's bounds on what agents may do beyond ENABLE_VAULT_OPERATIONS, checked against the manifest at
 * start-up: the toolsets and tools offered ({@code toolsets} null without MCP_TOOLSETS), the tool-name prefix,
 * the path rules, when a human must approve a change (and the key file sealing stateless-era approvals).
 */
public record Authority(Set<String> toolsets, Set<String> tools, String prefix, PathRules paths, Approval approval,
        Duration approvalTimeout, SecretValues values, Duration wrapTtl, Path auditLog, Path auditKeyFile,
        Path stateKeyFile) {

    /** MCP_APPROVAL: ask when the client can be asked, require a client that can, or never ask. */
    public enum Approval { ASK, REQUIRE, OFF }

    /** MCP_SECRET_VALUES: values as Vault gives them, response-wrapped for the user only, or replaced by markers. */
    public enum SecretValues { PLAIN, WRAP, REDACT }

    /** Bounds of no effect: the default toolsets, no prefix, no path rules, approval asked where possible. */
    public static Authority none() {
        return new Authority(null, Set.of(), "", PathRules.none(), Approval.ASK, Duration.ofSeconds(50),
                SecretValues.PLAIN, Duration.ofMinutes(5), null, null, null);
    }

    static Authority read(Config.Reader r) {
        PathRules paths = PathRules.parse(r.get("MCP_ALLOWED_PATHS"), r.get("MCP_DENIED_PATHS"));
        return new Authority(r.values().get("MCP_TOOLSETS").isEmpty() ? null : r.get("MCP_TOOLSETS"),
                r.get("MCP_TOOLS"), r.get("MCP_TOOL_PREFIX"), paths, r.get("MCP_APPROVAL"),
                r.get("MCP_APPROVAL_TIMEOUT"), r.get("MCP_SECRET_VALUES"), r.get("MCP_WRAP_TTL"),
                r.get("MCP_AUDIT_LOG"), r.get("MCP_AUDIT_HMAC_KEY_FILE"), r.get("MCP_STATE_KEY_FILE"));
    }

    /** A wrapping token's lifetime: Vault's own bounds for a wrap are wider, ours are 1 s to 24 h. */
    public static Duration wrapTtl(String v) {
        return within(v, Duration.ofSeconds(1), Duration.ofHours(24));
    }

    /** A comma-separated list of names, without duplicates or empty items. */
    static Set<String> names(String v) {
        for (String item : Values.list(v)) {
            Values.refuseIf(!item.matches("[a-z][a-z0-9_]{0,63}"),
                    "\"" + item + "\" is not a name (lower-case letters, digits, \"_\")");
        }
        return Set.copyOf(Values.list(v));
    }

    /** A duration from {@code least} to {@code most}, both whole seconds. */
    static Duration within(String v, Duration least, Duration most) {
        Duration d = Values.duration(v);
        Values.refuseIf(d.compareTo(least) < 0 || d.compareTo(most) > 0,
                "must be between " + least.toSeconds() + "s and " + most.toSeconds() + "s");
        return d;
    }
}
