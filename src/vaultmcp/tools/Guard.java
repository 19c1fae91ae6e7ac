package vaultmcp.tools;

import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import vaultmcp.tools.Reach.Kind;
import vaultmcp.config.PathRules;
import vaultmcp.tools.Reach.Part;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultException;
import vaultmcp.vault.VaultPath;
import vaultmcp.vault.VaultResponse;

/**
 * The one way a tool's requests reach Vault. A handler names a request by a template of its
 * tool's declared reach ({@link Reach}); the guard fills the template from the checked arguments
 * and from names the handler took from Vault's answers, and sends it. Before the handler runs,
 * every argument that fills a segment is parsed and every mount argument is resolved to a mount
 * of its declared engine type, so a tool that is pointed at the wrong engine sends nothing but
 * the type lookup. A request the tool did not declare is a bug: it is never sent.
 */
public final class Guard {
    /** A handler asked for a request its tool does not declare. Ends the call with -32603. */
    public static final class Undeclared extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Undeclared(String message) {
            super(message);
        }
    }

    private final String tool;
    private final Reach reach;
    private final Args args;
    private final Vault vault;
    private final Mounts known;
    private final boolean fresh;
    private final Policy policy;
    private boolean resolved;
    private final Map<String, VaultPath> segments = new HashMap<>();
    private final Map<String, Mounts.Mount> mounts = new HashMap<>();
    private final Map<String, VaultPath> answers = new HashMap<>();

    /** What the operator set for one call: the path rules, the gate before writes, the delivery of secrets. */
    record Policy(PathRules rules, Change change, Delivery delivery, Trail trail) {}

    /** Checks every argument that fills a segment; {@code fresh}: mount types are asked anew, not cached. */
    Guard(String tool, Reach reach, Args args, Vault vault, Mounts known, boolean fresh, Policy policy)
            throws ToolException {
        this.tool = tool;
        this.reach = reach;
        this.args = args;
        this.vault = vault;
        this.known = known;
        this.fresh = fresh;
        this.policy = policy;
        for (var placeholder : reach.placeholders().entrySet()) {
            String name = placeholder.getKey();
            String value = args.string(name);
            if (value != null && !value.isEmpty()) {
                segments.put(name, Reach.segments(name, value, placeholder.getValue()));
            } else if (placeholder.getValue() == Kind.PATH) {
                segments.put(name, VaultPath.of());
            }
        }
    }

    /** Resolves every mount argument at once, before the first request of the call. */
    private void resolve() throws ToolException, VaultException {
        if (resolved) {
            return;
        }
        resolved = true;
        for (var mount : reach.mounts().entrySet()) {
            VaultPath path = segments.get(mount.getKey());
            if (path != null) {
                mounts.put(mount.getKey(), known.resolve(vault, path, mount.getValue(), fresh));
            }
        }
        // Every request the call could make is checked against the path rules before the first is sent.
        for (Reach.Request request : reach.declared().values()) {
            VaultPath path = path(request, false);
            if (path != null && applies(request)) {
                allowed(request, path);
            }
        }
    }

    /** Whether a listing may show the logical path {@code path} (a folder ends in "/"), by the path rules. */
    public boolean shows(String path) {
        return policy.rules().shows(path);
    }

    /** Whether the request's condition holds: none, global, or the KV version of its mount. */
    private boolean applies(Reach.Request request) throws ToolException, VaultException {
        return request.condition() == null || request.condition().equals("global")
                || request.condition().equals("kv" + kvVersion(request.mount()));
    }

    /** Refuses a request whose logical path ({@link Reach#logical}) the rules refuse; a listing as its folder. */
    private void allowed(Reach.Request request, VaultPath path) throws ToolException, VaultException {
        PathRules rules = policy.rules();
        if (rules.isEmpty() || request.mount() == null) {
            return;
        }
        String logical = Reach.logical(reach.mounts().get(request.mount()), request.condition(),
                mount(request.mount()).path().toString(), path.toString());
        boolean listing = request.method().equals("LIST");
        String shown = listing ? logical + "/" : logical;
        String refusal = listing && rules.shows(shown) ? null : rules.refusal(shown);
        if (refusal != null) {
            policy.trail().decision("refused by path rules");
            throw new ToolException(tool + " may not reach \"" + shown + "\": it is refused by " + refusal
                    + ". Nothing was sent to Vault.");
        }
    }

    /**
     * Sends {@code request}, a request of the tool's declared reach as tools.json writes it ("GET {mount}/x");
     * a LIST goes as GET with list=true.
     */
    public VaultResponse send(String request) throws ToolException, VaultException {
        return send(request, null, null);
    }

    /** The same with a body; a PATCH is a JSON merge patch (sent as application/merge-patch+json). */
    public VaultResponse send(String request, JsonObject body) throws ToolException, VaultException {
        return send(request, body, null);
    }

    /** A request whose answer is secret material (a secret's data, a private key): wrapped if the delivery says so. */
    public VaultResponse secret(String request, JsonObject body) throws ToolException, VaultException {
        return send(request, body, policy.delivery().wrapTtl());
    }

    /** A warning for the human who approves this call's change (and for its dry run). */
    public void caution(String text) {
        policy.change().caution(text);
    }

    /** The path rule that refuses {@code path} as given, or null (for tools whose paths are data, not requests). */
    public String refusal(String path) {
        return policy.rules().refusal(path);
    }

    /** Whether secret values are to be replaced by markers in this call's result. */
    public boolean redacting() {
        return policy.delivery().redact();
    }

    /** The KV version (1 or 2) of a resolved {@code kv} mount argument. */
    public int kvVersion(String argument) throws ToolException, VaultException {
        resolve();
        return mount(argument).kvVersion();
    }

    /** The readable form of an argument that fills segments, as checked ("" when it was empty). */
    public String named(String argument) {
        return segments.getOrDefault(argument, VaultPath.of()).toString();
    }

    /** A result object that starts with the readable form of each of {@code arguments}, as {@link #named} gives it. */
    public JsonObject located(String... arguments) {
        JsonObject out = new JsonObject();
        for (String argument : arguments) {
            out.addProperty(argument, named(argument));
        }
        return out;
    }

    /** Gives the value of an {@code {answer:name}} placeholder, taken from an earlier answer of this call. */
    public void answer(String name, String value) throws ToolException {
        try {
            if (value.contains("/")) {
                throw new IllegalArgumentException("it is not a single name");
            }
            answers.put(name, VaultPath.of().append(value));
        } catch (IllegalArgumentException e) {
            throw new ToolException("Vault answered a " + name + " that cannot be used in a path: "
                    + e.getMessage() + ".");
        }
    }

    /** The URL of a resolved mount at the configured Vault address, for settings that point back at it. */
    public String url(String argument) throws ToolException, VaultException {
        resolve();
        String namespace = vault.client().namespace();
        return vault.client().address() + "/v1/" + (namespace == null ? "" : namespace.replaceAll("^/+|/+$", "") + "/")
                + mount(argument).path().encoded();
    }

    /** {@code wrapTtl}: seconds for Vault to wrap the answer, or null. */
    private VaultResponse send(String text, JsonObject body, Long wrapTtl) throws ToolException, VaultException {
        Reach.Request request = reach.declared().get(text);
        if (request == null) {
            throw new Undeclared(tool + " asked for " + text + ", which its manifest entry does not declare");
        }
        String method = request.method();
        resolve();
        VaultPath path = path(request, true);
        if (!applies(request)) {
            throw new Undeclared(tool + " asked for " + text + " on a KV version "
                    + kvVersion(request.mount()) + " mount, declared for " + request.condition() + " only");
        }
        allowed(request, path);
        if (request.writes()) {
            policy.change().before(method, path, body, reach.declared().values().stream().filter(Reach.Request::writes)
                    .map(Reach.Request::text).toList());
            policy.trail().beforeWrite();
        }
        String query = method.equals("LIST") ? "list=true" : null;
        if (request.query() != null && args.has(request.queryArg())) {
            query = request.query() + "=" + URLEncoder.encode(args.string(request.queryArg()), StandardCharsets.UTF_8);
        }
        VaultResponse answer;
        try {
            answer = vault.send(method.equals("LIST") ? "GET" : method, path, query, body, wrapTtl,
                    "global".equals(request.condition()));
        } catch (VaultException e) {
            policy.trail().vault(method, path, e.status(), null);
            throw e;
        }
        policy.trail().vault(method, path, answer.status(), answer.body());
        if (request.mount() != null && Set.of("new", "any").contains(reach.mounts().get(request.mount()))) {
            known.forget(mount(request.mount()).path());
        }
        return answer;
    }

    /** The request's path; null, unless {@code strict}, when a part is not filled yet. */
    private VaultPath path(Reach.Request request, boolean strict) throws ToolException {
        VaultPath path = VaultPath.of();
        for (Part part : request.parts()) {
            VaultPath filled = switch (part.kind()) {
                case LITERAL -> VaultPath.of(part.text());
                case MOUNT -> strict || mounts.containsKey(part.text()) ? mount(part.text()).path() : null;
                case ANSWER -> answers.get(part.text());
                default -> segments.get(part.text());
            };
            if (filled == null && !strict) {
                return null;
            }
            if (filled == null && part.kind() == Kind.ANSWER) {
                throw new Undeclared(tool + " used {answer:" + part.text() + "} before taking it from an answer");
            }
            if (filled == null) {
                throw new ToolException("Invalid arguments: \"" + part.text() + "\" must not be empty.");
            }
            path = path.append(filled.toString());
        }
        return path;
    }

    private Mounts.Mount mount(String argument) throws ToolException {
        Mounts.Mount mount = mounts.get(argument);
        if (mount == null) {
            throw new ToolException("Invalid arguments: \"" + argument + "\" must name a mount, such as \"secret\".");
        }
        return mount;
    }
}
