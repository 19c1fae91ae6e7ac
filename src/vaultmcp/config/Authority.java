package vaultmcp.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The operator's bounds on what agents may do, beyond ENABLE_VAULT_OPERATIONS: which toolsets and
 * tools are offered ({@code toolsets} null when MCP_TOOLSETS is not set), the tool-name prefix, the
 * path rules, and when a human must approve a change. Checked against the manifest at start-up.
 */
public record Authority(Set<String> toolsets, Set<String> tools, String prefix, PathRules paths, Approval approval,
        Duration approvalTimeout) {

    /** MCP_APPROVAL: ask when the client can be asked, require a client that can, or never ask. */
    public enum Approval { ASK, REQUIRE, OFF }

    /** Bounds of no effect: the default toolsets, no prefix, no path rules, approval asked where possible. */
    public static Authority none() {
        return new Authority(null, Set.of(), "", PathRules.none(), Approval.ASK, Duration.ofSeconds(50));
    }

    /** A comma-separated list of names, in order, without duplicates or empty items. */
    static Set<String> names(String v) {
        Set<String> out = new LinkedHashSet<>();
        for (String item : Values.list(v)) {
            if (!item.matches("[a-z][a-z0-9_]{0,63}")) {
                throw new IllegalArgumentException(
                        "\"" + item + "\" is not a name (lower-case letters, digits, \"_\")");
            }
            out.add(item);
        }
        return Set.copyOf(out);
    }

    static Duration approvalTimeout(String v) {
        Duration d = Values.duration(v);
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("must be between 1s and 10m");
        }
        return d;
    }
}
