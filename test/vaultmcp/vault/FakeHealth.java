package vaultmcp.vault;

import com.google.gson.JsonObject;
import java.util.Map;
import java.util.UUID;

/**
 * FakeVault's unauthenticated status endpoints, answered without an envelope: sys/health (with
 * its status-code query parameters), sys/seal-status and sys/leader. A real dev server is an
 * active node without HA; {@link FakeVault.Role} makes the fake report itself as a standby, a
 * performance standby, a DR secondary or an uninitialized node here (only here: every other
 * endpoint still answers as an active node), with the codes and fields Vault 1.21 uses for them.
 */
final class FakeHealth {
    static final String VERSION = "1.21.1";
    static final String CLUSTER_NAME = "vault-cluster-fake0001";
    private static final String CLUSTER_ID = UUID.randomUUID().toString();
    /** Where a standby says the active node is (sys/leader). */
    static final String LEADER_ADDRESS = "https://vault-active.fake.invalid:8200";
    static final String LEADER_CLUSTER_ADDRESS = "https://vault-active.fake.invalid:8201";
    private static final String[] CODE_PARAMETERS = {"activecode", "standbycode", "drsecondarycode", "performancestandbycode",
        "sealedcode", "uninitcode", "removedcode", "haunhealthycode"};

    private FakeHealth() {}

    /** GET/HEAD sys/health: 200 active, 429 standby, 472 DR secondary, 473 performance standby, 501 uninitialized, 503 sealed. */
    static Reply health(FakeVault.Role role, boolean sealed, String method, Map<String, String> query) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Reply.errors(405);
        }
        Map<String, Integer> codes = new java.util.HashMap<>(Map.of("activecode", 200, "standbycode", 429,
                "drsecondarycode", 472, "performancestandbycode", 473, "sealedcode", 503, "uninitcode", 501,
                "removedcode", 530, "haunhealthycode", 474));
        for (String name : CODE_PARAMETERS) {
            String v = query.get(name);
            if (v != null) {
                try {
                    codes.put(name, Integer.parseInt(v)); // Go's strconv.Atoi; any int is taken
                } catch (NumberFormatException e) {
                    return Reply.errors(400);
                }
            }
        }
        Boolean standbyOk = okParameter(query, "standbyok");
        Boolean perfStandbyOk = okParameter(query, "perfstandbyok");
        if (standbyOk == null || perfStandbyOk == null) {
            return Reply.errors(400);
        }
        boolean initialized = role != FakeVault.Role.UNINITIALIZED;
        boolean isSealed = sealed || !initialized;
        boolean perfStandby = role == FakeVault.Role.PERFORMANCE_STANDBY && !isSealed;
        boolean standby = isSealed || role == FakeVault.Role.STANDBY || perfStandby;
        boolean drSecondary = role == FakeVault.Role.DR_SECONDARY;
        int code;
        if (!initialized) {
            code = codes.get("uninitcode");
        } else if (isSealed) {
            code = codes.get("sealedcode");
        } else if (drSecondary) {
            code = codes.get("drsecondarycode");
        } else if (perfStandby) {
            code = perfStandbyOk ? codes.get("activecode") : codes.get("performancestandbycode");
        } else if (standby) {
            code = standbyOk ? codes.get("activecode") : codes.get("standbycode");
        } else {
            code = codes.get("activecode");
        }
        JsonObject h = new JsonObject();
        h.addProperty("initialized", initialized);
        h.addProperty("sealed", isSealed);
        h.addProperty("standby", standby);
        h.addProperty("performance_standby", perfStandby);
        // A sealed node cannot read its replication state.
        h.addProperty("replication_performance_mode", isSealed ? "unknown" : "disabled");
        h.addProperty("replication_dr_mode", isSealed ? "unknown" : drSecondary ? "secondary" : "disabled");
        h.addProperty("server_time_utc", System.currentTimeMillis() / 1000);
        h.addProperty("version", VERSION);
        h.addProperty("enterprise", false);
        if (!isSealed) {
            h.addProperty("cluster_name", CLUSTER_NAME);
            h.addProperty("cluster_id", CLUSTER_ID);
        }
        h.addProperty("echo_duration_ms", 0);
        h.addProperty("clock_skew_ms", 0);
        h.addProperty("replication_primary_canary_age_ms", 0);
        return Reply.json(code, h, true);
    }

    /** standbyok / perfstandbyok: absent is false; a value Go's ParseBool refuses (also "") is null. */
    private static Boolean okParameter(Map<String, String> query, String name) {
        String v = query.get(name);
        return v == null ? Boolean.FALSE : FakeVault.parseBool(v);
    }

    /** sys/seal-status; a sealed node leaves out the cluster's name and id. */
    static JsonObject sealStatus(FakeVault.Role role, boolean sealed) {
        boolean initialized = role != FakeVault.Role.UNINITIALIZED;
        JsonObject s = new JsonObject();
        s.addProperty("type", "shamir");
        s.addProperty("initialized", initialized);
        s.addProperty("sealed", sealed || !initialized);
        s.addProperty("t", initialized ? 1 : 0);
        s.addProperty("n", initialized ? 1 : 0);
        s.addProperty("progress", 0);
        s.addProperty("nonce", "");
        s.addProperty("version", VERSION);
        s.addProperty("build_date", "2025-01-29T13:57:37Z");
        s.addProperty("migration", false);
        if (initialized && !sealed) {
            s.addProperty("cluster_name", CLUSTER_NAME);
            s.addProperty("cluster_id", CLUSTER_ID);
        }
        s.addProperty("recovery_seal", false);
        s.addProperty("storage_type", "inmem");
        return s;
    }

    /**
     * GET sys/leader (no token needed; answered sealed too). A dev server has no HA: ha_enabled
     * false, is_self false, empty addresses and the zero time as active_time.
     */
    static Reply leader(FakeVault.Role role, String method, String selfAddress) {
        if (!method.equals("GET")) {
            return Reply.errors(405);
        }
        boolean ha = role == FakeVault.Role.HA_ACTIVE || role == FakeVault.Role.STANDBY || role == FakeVault.Role.PERFORMANCE_STANDBY;
        boolean self = role == FakeVault.Role.HA_ACTIVE;
        JsonObject l = new JsonObject();
        l.addProperty("ha_enabled", ha);
        l.addProperty("is_self", self);
        l.addProperty("active_time", self ? FakeKv2.now() : "0001-01-01T00:00:00Z");
        String leader = !ha ? "" : self ? selfAddress : LEADER_ADDRESS;
        l.addProperty("leader_address", leader);
        l.addProperty("leader_cluster_address", !ha ? "" : self ? "https://127.0.0.1:8201" : LEADER_CLUSTER_ADDRESS);
        l.addProperty("performance_standby", role == FakeVault.Role.PERFORMANCE_STANDBY);
        l.addProperty("performance_standby_last_remote_wal", 0);
        return Reply.json(200, l, true);
    }
}
