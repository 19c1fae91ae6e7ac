package vaultmcp.mcp;

import vaultmcp.config.Secret;
import vaultmcp.security.TokenBucket;

/**
 * One MCP conversation: the single stdio peer, or one HTTP session. Holds the Vault token its
 * tools use, its rate-limit bucket, and the negotiated protocol state.
 */
public final class Session {
    private final String id;
    private final Secret vaultToken;
    private final TokenBucket bucket;
    private volatile String protocolVersion;
    private volatile int logLevel = McpServer.LOG_LEVELS.indexOf("info");

    public Session(String id, Secret vaultToken, TokenBucket bucket) {
        this.id = id;
        this.vaultToken = vaultToken;
        this.bucket = bucket;
    }

    public String id() {
        return id;
    }

    /** The id for log lines: a prefix that tells sessions apart but, unlike an HTTP session id, opens none. */
    String logId() {
        return id.length() <= 8 ? id : id.substring(0, 8) + "...";
    }

    public Secret vaultToken() {
        return vaultToken;
    }

    TokenBucket bucket() {
        return bucket;
    }

    /** The negotiated protocol version, or null before initialize. */
    public String protocolVersion() {
        return protocolVersion;
    }

    /** Records the negotiated version; false if the session was already initialized. */
    synchronized boolean initialize(String version) {
        if (protocolVersion != null) {
            return false;
        }
        protocolVersion = version;
        return true;
    }

    int logLevel() {
        return logLevel;
    }

    void logLevel(int level) {
        this.logLevel = level;
    }
}
