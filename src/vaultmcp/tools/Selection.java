package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.time.Duration;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.ConfigException;
import vaultmcp.config.PathRules;

/**
 * Which tools the operator offers and how far they reach: the toolsets ({@code MCP_TOOLSETS},
 * null when not set), exact tool names ({@code MCP_TOOLS}, without prefix; the union with the
 * toolsets), whether privileged tools exist at all, the name prefix ({@code MCP_TOOL_PREFIX}) and
 * the path rules, and how secret values reach the model ({@code MCP_SECRET_VALUES}, {@code MCP_WRAP_TTL}).
 * Configuration only, never from a request.
 */
public record Selection(boolean operations, Set<String> toolsets, Set<String> tools, String prefix, PathRules paths,
        SecretValues values, Duration wrapTtl) {
    /** The toolsets offered when MCP_TOOLSETS is not set (and MCP_TOOLS is not either), or named "default". */
    public static final Set<String> DEFAULT_TOOLSETS = Set.of("kv", "pki", "sys");

    /** Every tool of the default toolsets, read-only unless {@code operations}; no prefix, no path rules. */
    public static Selection defaults(boolean operations) {
        return new Selection(operations, null, Set.of(), "", PathRules.none(), SecretValues.PLAIN,
                Duration.ofMinutes(5));
    }

    boolean offers(String name, String toolset, boolean privileged) {
        Set<String> sets = toolsets == null ? (tools.isEmpty() ? DEFAULT_TOOLSETS : Set.of()) : toolsets;
        return (!privileged || operations) && (sets.contains(toolset) || sets.contains("all")
                || sets.contains("default") && DEFAULT_TOOLSETS.contains(toolset) || tools.contains(name));
    }

    /** Every name the operator gave that the manifest does not know, or that asks for what is switched off. */
    void check(JsonArray manifest) throws ConfigException {
        Set<String> known = new TreeSet<>(List.of("all", "default"));
        Map<String, Boolean> privileged = new HashMap<>();
        for (JsonElement element : manifest) {
            JsonObject entry = element.getAsJsonObject();
            known.add(entry.get("toolset").getAsString());
            privileged.put(entry.get("name").getAsString(), entry.get("privileged").getAsBoolean());
        }
        List<String> problems = new ArrayList<>();
        for (String set : toolsets == null ? Set.<String>of() : toolsets) {
            if (!known.contains(set)) {
                problems.add("MCP_TOOLSETS: unknown toolset \"" + set + "\" (known: " + String.join(", ", known) + ")");
            }
        }
        for (String tool : tools) {
            if (!privileged.containsKey(tool)) {
                problems.add("MCP_TOOLS: unknown tool \"" + tool + "\" (give names without MCP_TOOL_PREFIX)");
            } else if (privileged.get(tool) && !operations) {
                problems.add("MCP_TOOLS names " + tool + ", which changes Vault, while ENABLE_VAULT_OPERATIONS is off");
            }
        }
        if (!(prefix + "a").matches("[a-z][a-z0-9_]{0,30}")) {
            problems.add("MCP_TOOL_PREFIX: \"" + prefix + "\" must be lower-case letters, digits and \"_\","
                    + " start with a letter and be at most 30 characters");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
