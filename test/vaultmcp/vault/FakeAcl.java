package vaultmcp.vault;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FakeVault's tokens and ACL policies. Policies are the HCL subset tests write:
 * {@code path "secret/data/app/*" { capabilities = ["read", "list"] }} with a trailing {@code *}
 * (prefix) and {@code +} (one segment) globs. The most specific matching path wins (an exact
 * path beats a glob, a longer pattern beats a shorter one), as in Vault; {@code deny} wins over all.
 */
final class FakeAcl {
    private static final Pattern RULE = Pattern.compile("path\\s+\"([^\"]*)\"\\s*\\{\\s*capabilities\\s*=\\s*\\[([^\\]]*)\\]\\s*}");
    /** The parts of Vault's built-in default policy a test can notice. */
    private static final String DEFAULT_POLICY = """
            path "auth/token/lookup-self" { capabilities = ["read"] }
            path "auth/token/renew-self" { capabilities = ["update"] }
            path "auth/token/revoke-self" { capabilities = ["update"] }
            path "sys/capabilities-self" { capabilities = ["update"] }
            path "sys/internal/ui/mounts" { capabilities = ["read"] }
            path "sys/internal/ui/mounts/*" { capabilities = ["read"] }
            path "cubbyhole/*" { capabilities = ["create", "read", "update", "delete", "list"] }
            path "identity/oidc/provider/+/authorize" { capabilities = ["read", "update"] }
            """;

    record Rule(String pattern, Set<String> capabilities) {}

    /**
     * A token; {@code ttl} (its creation TTL) 0 means it never expires (root). {@code usesLeft} counts down from
     * num_uses (0: unlimited); the use that brings it to 0 is the token's last. {@code maxTtl} bounds its life
     * from creation (explicit_max_ttl, a role's token_max_ttl, or the system's); {@code expires} (epoch
     * seconds, 0: never) and {@code renewed} (0: never) move with each renewal.
     */
    record Token(String id, String accessor, List<String> policies, String displayName, String path, long creationTime,
                 long ttl, String issueTime, Map<String, String> meta, long explicitMaxTtl, AtomicInteger usesLeft,
                 long maxTtl, AtomicLong expires, AtomicLong renewed, String entityId) {
        boolean root() {
            return policies.contains("root");
        }
    }

    /** Seconds added to the wall clock, so a test can make tokens age ({@link FakeVault#advanceClock}). */
    private volatile long skew;
    /** The wall clock's time when it was stopped ({@link FakeVault#stopClock}), or -1 while it runs. */
    private volatile long stoppedAt = -1;

    private final Map<String, String> policyText = new ConcurrentHashMap<>();
    private final Map<String, List<Rule>> policies = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    FakeAcl(String rootToken) {
        putPolicy("default", DEFAULT_POLICY);
        tokens.put(rootToken, new Token(rootToken, UUID.randomUUID().toString(), List.of("root"), "root",
                "auth/token/root", System.currentTimeMillis() / 1000, 0, FakeKv2.now(), null, 0, new AtomicInteger(),
                0, new AtomicLong(), new AtomicLong(), ""));
    }

    /** The fake's time in epoch seconds. */
    long now() {
        return (stoppedAt >= 0 ? stoppedAt : System.currentTimeMillis() / 1000) + skew;
    }

    void stopClock() {
        stoppedAt = System.currentTimeMillis() / 1000;
    }

    void advance(long seconds) {
        skew += seconds;
    }

    /** Stores a policy (Vault lower-cases policy names); returns an error message when the text has no parsable rule. */
    String putPolicy(String name, String hcl) {
        name = name.toLowerCase(java.util.Locale.ROOT);
        List<Rule> rules = parse(hcl);
        if (rules.isEmpty() && !hcl.isBlank()) {
            return "failed to parse policy: no path rule found";
        }
        policies.put(name, rules);
        policyText.put(name, hcl);
        return null;
    }

    String policyText(String name) {
        return policyText.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    Set<String> policyNames() {
        return policies.keySet();
    }

    void deletePolicy(String name) {
        policies.remove(name.toLowerCase(java.util.Locale.ROOT));
        policyText.remove(name.toLowerCase(java.util.Locale.ROOT));
    }

    Token createToken(List<String> policyNames, String displayName, long ttl) {
        return createToken(policyNames, displayName, ttl, null, 0, 0);
    }

    Token createToken(List<String> policyNames, String displayName, long ttl, Map<String, String> meta, long explicitMaxTtl, int numUses) {
        return createToken(policyNames, displayName, "auth/token/create", ttl, meta, explicitMaxTtl,
                explicitMaxTtl > 0 ? explicitMaxTtl : Mount.SYSTEM_DEFAULT_TTL, numUses, "");
    }

    /**
     * A token issued at {@code path} (auth/token/create, auth/approle/login), living at most {@code maxTtl}
     * seconds, of the identity entity {@code entityId} ("" for none).
     */
    Token createToken(List<String> policyNames, String displayName, String path, long ttl, Map<String, String> meta,
            long explicitMaxTtl, long maxTtl, int numUses, String entityId) {
        String id = "hvs." + UUID.randomUUID().toString().replace("-", "");
        long now = now();
        Token t = new Token(id, UUID.randomUUID().toString(), List.copyOf(policyNames), displayName,
                path, now, ttl, FakeKv2.now(), meta, explicitMaxTtl, new AtomicInteger(numUses), maxTtl,
                new AtomicLong(ttl == 0 ? 0 : now + ttl), new AtomicLong(), entityId);
        tokens.put(id, t);
        return t;
    }

    /** The token, or null when unknown, revoked or expired (Vault revokes a token whose TTL has run out). */
    Token token(String id) {
        Token t = id == null ? null : tokens.get(id);
        if (t != null && t.expires().get() != 0 && now() >= t.expires().get()) {
            tokens.remove(id);
            return null;
        }
        return t;
    }

    /** auth/token/revoke-self and its kin: the token is gone at once. */
    void revoke(Token token) {
        tokens.remove(token.id());
    }

    /**
     * Counts one use of a token created with num_uses, as Vault does before the ACL check (a
     * refused request uses it up too). The last use revokes it; during that request the token
     * shows num_uses -1, as Vault's does.
     */
    void use(Token token) {
        if (token.usesLeft().get() > 0 && token.usesLeft().decrementAndGet() == 0) {
            token.usesLeft().set(-1);
            tokens.remove(token.id());
        }
    }

    /**
     * What sys/capabilities-self reports for {@code path}: ["root"] for a root token, else the
     * granted capabilities sorted by name, or ["deny"] when denied or none is granted.
     */
    List<String> reportedCapabilities(Token token, String path) {
        if (token.root()) {
            return List.of("root");
        }
        Set<String> caps = capabilities(token, path.startsWith("/") ? path.substring(1) : path);
        return caps.isEmpty() ? List.of("deny") : List.copyOf(new TreeSet<>(caps));
    }

    static List<Rule> parse(String hcl) {
        List<Rule> rules = new ArrayList<>();
        Matcher m = RULE.matcher(hcl);
        while (m.find()) {
            Set<String> caps = new LinkedHashSet<>();
            for (String c : m.group(2).split(",")) {
                String cap = c.strip().replace("\"", "");
                if (!cap.isEmpty()) {
                    caps.add(cap);
                }
            }
            rules.add(new Rule(m.group(1), caps));
        }
        return rules;
    }

    /** The capabilities of {@code token} on {@code path} (no leading slash). */
    Set<String> capabilities(Token token, String path) {
        if (token.root()) {
            return Set.of("create", "read", "update", "patch", "delete", "list", "sudo");
        }
        Rule best = null;
        Set<String> caps = new LinkedHashSet<>();
        for (String name : token.policies()) {
            for (Rule rule : policies.getOrDefault(name, List.of())) {
                if (!matches(rule.pattern(), path)) {
                    continue;
                }
                int order = best == null ? 1 : compare(rule.pattern(), best.pattern());
                if (order > 0) {
                    best = rule;
                    caps = new LinkedHashSet<>(rule.capabilities());
                } else if (order == 0) {
                    caps.addAll(rule.capabilities());
                }
            }
        }
        return caps.contains("deny") ? Set.of() : caps;
    }

    boolean allows(Token token, String path, String... anyOf) {
        Set<String> caps = capabilities(token, path);
        for (String c : anyOf) {
            if (caps.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the token may do anything at all below {@code mountPath} (Vault's hasMountAccess). */
    boolean hasMountAccess(Token token, String mountPath) {
        if (token.root()) {
            return true;
        }
        for (String name : token.policies()) {
            for (Rule rule : policies.getOrDefault(name, List.of())) {
                String p = rule.pattern();
                boolean glob = p.endsWith("*");
                String fixed = glob ? p.substring(0, p.length() - 1) : p;
                int plus = fixed.indexOf('+');
                if (plus >= 0) {
                    fixed = fixed.substring(0, plus);
                    glob = true;
                }
                boolean under = fixed.startsWith(mountPath) || glob && mountPath.startsWith(fixed);
                if (under && !rule.capabilities().contains("deny") && !rule.capabilities().isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean matches(String pattern, String path) {
        boolean prefix = pattern.endsWith("*");
        String p = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (!p.contains("+")) {
            return prefix ? path.startsWith(p) : path.equals(p);
        }
        String[] want = p.split("/", -1);
        String[] have = path.split("/", -1);
        if (have.length < want.length || !prefix && have.length != want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            boolean last = i == want.length - 1;
            if (want[i].equals("+")) {
                continue;
            }
            if (last && prefix ? !have[i].startsWith(want[i]) : !have[i].equals(want[i])) {
                return false;
            }
        }
        return true;
    }

    /** Positive when pattern a is more specific than b. */
    private static int compare(String a, String b) {
        boolean ga = a.endsWith("*") || a.contains("+");
        boolean gb = b.endsWith("*") || b.contains("+");
        if (ga != gb) {
            return ga ? -1 : 1;
        }
        return Integer.compare(a.replace("*", "").length(), b.replace("*", "").length());
    }
}
