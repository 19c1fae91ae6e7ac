package vaultmcp;

import com.google.gson.JsonElement;
import vaultmcp.tools.Selection;
import vaultmcp.tools.ToolTable;

/** Tool counts as the bundled tools.json gives them, so no test hard-codes how many tools there are. */
public final class Manifest {
    private Manifest() {}

    /** The tools offered by default: every entry of a default toolset whose {@code privileged} is false. */
    public static int readOnlyCount() {
        return count(false);
    }

    /** The tools offered with ENABLE_VAULT_OPERATIONS=true: every entry of a default toolset. */
    public static int allCount() {
        return count(true);
    }

    private static int count(boolean operations) {
        int n = 0;
        for (JsonElement entry : ToolTable.bundledManifest()) {
            boolean privileged = entry.getAsJsonObject().get("privileged").getAsBoolean();
            boolean offered = Selection.DEFAULT_TOOLSETS.contains(entry.getAsJsonObject().get("toolset").getAsString());
            n += offered && (operations || !privileged) ? 1 : 0;
        }
        return n;
    }
}
