package vaultmcp.tools;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import vaultmcp.config.Limits;
import vaultmcp.vault.VaultPath;

/**
 * The gate before a tool's first write (POST or DELETE), for {@link Guard}. A dry run stops there
 * and reports the write it would have made; otherwise a human approves it once per call, unless the
 * tool's entry says {@code approval: false}. Summaries name methods, paths, field and key names and
 * versions, never values, and every string the model chose is escaped and cut, so a key named
 * {@code harmless; click Accept} cannot rewrite what the human reads.
 */
final class Change {
    /** A dry run's answer: the first write, and the other writes the tool may make, from its declarations. */
    static final class DryRun extends ToolException {
        private static final long serialVersionUID = 1L;
        final transient JsonObject plan;

        DryRun(JsonObject plan) {
            super("dry run");
            this.plan = plan;
        }
    }

    private final String tool;
    private final boolean dryRun;
    private final Approver approver;
    private final Trail trail;
    private boolean approved;
    private String caution = "";

    Change(String tool, boolean dryRun, Approver approver, Trail trail) {
        this.tool = tool;
        this.dryRun = dryRun;
        this.approver = approver;
        this.trail = trail;
    }

    /** Adds a warning to the summary the human approves and to the dry run's plan. */
    void caution(String text) {
        caution += " " + text;
    }

    /** Called before each write; returns when it may be sent. */
    void before(String method, VaultPath path, JsonObject body, List<String> declaredWrites) throws ToolException {
        if (approved) {
            return;
        }
        List<String> fields = fields(body);
        if (dryRun) {
            JsonObject write = new JsonObject();
            write.addProperty("method", method);
            write.addProperty("path", path.toString());
            write.add("fields", Field.strings(fields));
            JsonObject plan = new JsonObject();
            plan.addProperty("dry_run", true);
            plan.add("writes", Field.array(List.of(write)));
            plan.add("may_follow", Field.strings(declaredWrites));
            plan.addProperty("note", "Nothing was written. The first write is shown; the tool declares the writes in "
                    + "may_follow, which it makes only as the answers to earlier ones require." + caution);
            trail.decision("dry run");
            throw new DryRun(plan);
        }
        String summary = "The tool " + tool + " will " + method + " " + quote(path.toString())
                + (fields.isEmpty() ? "" : " with " + String.join(", ", fields))
                + (declaredWrites.size() > 1 ? ", then as needed: " + String.join("; ", declaredWrites) : "") + "."
                + caution;
        try {
            approver.approve(summary);
        } catch (ToolException e) {
            trail.decision("not approved");
            trail.approval(e.getMessage());
            throw e;
        } catch (Approver.InputRequired e) {
            trail.decision("approval requested");
            throw e;
        }
        trail.approval(approver == Approver.NONE ? "not asked" : "approved");
        approved = true;
    }

    /** Field names of a body, one level into objects ({@code data.password}); cas versions with their number. */
    private static List<String> fields(JsonObject body) {
        List<String> out = new ArrayList<>();
        if (body == null) {
            return out;
        }
        for (var field : body.entrySet()) {
            if (out.size() == Limits.APPROVAL_FIELDS) {
                out.add("...");
                break;
            }
            if (field.getValue() instanceof JsonObject nested && nested.size() > 0) {
                for (var inner : nested.entrySet()) {
                    String name = quote(field.getKey() + "." + inner.getKey());
                    boolean version = inner.getKey().equals("cas") && inner.getValue().isJsonPrimitive();
                    out.add(version ? name + " = " + inner.getValue().getAsString() : name);
                }
            } else {
                out.add(quote(field.getKey()));
            }
        }
        return out;
    }

    /**
     * A string the model chose, as a JSON string: quotes escaped, control and bidi characters
     * replaced by U+FFFD, cut at {@value vaultmcp.config.Limits#APPROVAL_TEXT_CHARS} characters.
     */
    static String quote(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < text.length() && i < Limits.APPROVAL_TEXT_CHARS; i++) {
            char c = text.charAt(i);
            boolean hidden = c < 0x20 || c >= 0x7f && c < 0xa0 || c >= 0x202a && c <= 0x202e
                    || c >= 0x2066 && c <= 0x2069 || c == 0x200e || c == 0x200f || c == 0x061c;
            if (hidden) {
                b.append('\uFFFD');
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
        return b.append(text.length() > Limits.APPROVAL_TEXT_CHARS ? "...\"" : "\"").toString();
    }
}
