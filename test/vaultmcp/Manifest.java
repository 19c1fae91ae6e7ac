package vaultmcp;

import com.google.gson.JsonElement;
import vaultmcp.tools.ToolTable;

/** Tool counts as the bundled tools.json gives them, so no test hard-codes how many tools there are. */
public final class Manifest {
    private Manifest() {}

    /** The tools offered by default: every entry whose {@code privileged} is false. */
    public static int readOnlyCount() {
        return allCount() - privilegedCount();
    }

    /** The tools offered with ENABLE_VAULT_OPERATIONS=true: every entry. */
    public static int allCount() {
        return ToolTable.bundledManifest().size();
    }

    private static int privilegedCount() {
        int n = 0;
        for (JsonElement entry : ToolTable.bundledManifest()) {
            n += entry.getAsJsonObject().get("privileged").getAsBoolean() ? 1 : 0;
        }
        return n;
    }
}
