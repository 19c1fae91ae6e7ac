package vaultmcp.vault;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays the shared fidelity cases against a real Vault dev server and, case by case, against a
 * {@link FakeVault}, so the fake the JUnit tests use cannot drift from the real server: a case
 * passes when the real answer meets the case's expectations and the fake's answer has the same
 * shape ({@link FidelityCases#shapeDifferences}). Run by scripts/e2e.sh against a fresh dev server:
 * <pre>VAULT_TOKEN=root-token VAULT_UNSEAL_KEY=key java ... vaultmcp.vault.FidelityReplay http://127.0.0.1:PORT</pre>
 * The tokens come from the environment, not the command line, where any user could read them.
 * Prints TAP (one "ok"/"not ok" line per case, then "# pass N" and "# fail N") for
 * scripts/count-results; exits 1 when a case fails, 2 on bad usage.
 */
public final class FidelityReplay {
    /** Cases whose error text is not compared: Vault 1.21 answers x3 with Go's JSON decoder message. */
    private static final Set<String> WORDING_MAY_DIFFER = Set.of("x3");
    /**
     * Cases whose shape is not compared: a non-canonical path, which the pinned 1.21.1 redirects and
     * FakeVault refuses with 400 as Vault 2.x does. Both must still meet the case (no 2xx).
     */
    private static final Set<String> VERSION_MAY_DIFFER = Set.of("23", "23b");

    private FidelityReplay() {}

    public static void main(String[] args) throws Exception {
        String root = System.getenv("VAULT_TOKEN");
        String unsealKey = System.getenv("VAULT_UNSEAL_KEY");
        if (args.length != 1 || root == null || root.isEmpty() || unsealKey == null || unsealKey.isEmpty()) {
            System.err.println("usage: VAULT_TOKEN=<root token> VAULT_UNSEAL_KEY=<key> FidelityReplay <address of a fresh dev server>");
            System.exit(2);
        }
        List<JsonObject> cases = FidelityCases.load();
        int failed = 0;
        try (FakeVault fake = new FakeVault()) {
            FidelityCases real = new FidelityCases(args[0], Map.of("root", root, "unsealKey", unsealKey));
            FidelityCases faked = new FidelityCases(fake.address(), Map.of("root", fake.rootToken(), "unsealKey", FakeVault.UNSEAL_KEY));
            System.out.println("TAP version 13");
            System.out.println("1.." + cases.size());
            for (int i = 0; i < cases.size(); i++) {
                JsonObject c = cases.get(i);
                List<String> problems = new ArrayList<>();
                String realProblem = real.run(c);
                if (realProblem != null) {
                    problems.add("real Vault: " + realProblem);
                }
                String fakeProblem = faked.run(c);
                if (fakeProblem != null) {
                    problems.add("FakeVault: " + fakeProblem);
                }
                // lastAnswer() is the previous case's when a request got no answer at all.
                String id = c.get("name").getAsString().split(" ", 2)[0];
                if (answered(realProblem) && answered(fakeProblem) && !VERSION_MAY_DIFFER.contains(id)) {
                    FidelityCases.shapeDifferences(faked.lastAnswer(), real.lastAnswer()).stream()
                            .filter(d -> !(WORDING_MAY_DIFFER.contains(id) && d.startsWith("errors: ")))
                            .forEach(d -> problems.add("shape differs: " + d));
                }
                String name = FidelityCases.name(c).replace('#', '_');
                if (problems.isEmpty()) {
                    System.out.println("ok " + (i + 1) + " - " + name);
                } else {
                    failed++;
                    System.out.println("not ok " + (i + 1) + " - " + name);
                    problems.forEach(p -> System.out.println("  # " + p.replace('\n', ' ')));
                }
            }
        }
        System.out.println("# tests " + cases.size());
        System.out.println("# pass " + (cases.size() - failed));
        System.out.println("# fail " + failed);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static boolean answered(String problem) {
        return problem == null || !problem.startsWith("request failed");
    }
}
