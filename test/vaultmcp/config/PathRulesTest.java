package vaultmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The operator's path globs, in Vault's policy syntax. */
class PathRulesTest {

    @ParameterizedTest
    @CsvSource({
        "secret/app/*, secret/app/x, true", "secret/app/*, secret/app/x/y, true", "secret/app/*, secret/app, false",
        "secret/app/*, secret/other, false", "secret/ap*, secret/apple/x, true", "secret/ap*, secret/b, false",
        "secret/+/config, secret/team/config, true", "secret/+/config, secret/a/b/config, false",
        "secret/+/config, secret//config, false", "secret/x, secret/x, true", "secret/x, secret/x/y, false",
        "pki/roles/web*, pki/roles/web-prod, true", "pki/roles/web*, pki/roles/db, false",
    })
    void anAllowRuleMatchesAsVaultsPolicyGlobsDo(String rule, String path, boolean allowed) {
        assertEquals(allowed, PathRules.parse(rule, "").refusal(path) == null, rule + " vs " + path);
    }

    @Test
    void denyWinsOverAllowAndNoAllowRuleMeansEverythingNotDenied() {
        PathRules both = PathRules.parse("secret/*", "secret/app/admin*");
        assertNull(both.refusal("secret/app/x"));
        assertEquals("MCP_DENIED_PATHS rule \"secret/app/admin*\"", both.refusal("secret/app/admin/root"));
        PathRules denyOnly = PathRules.parse("", "secret/+/prod");
        assertNull(denyOnly.refusal("kv/anything"));
        assertTrue(denyOnly.refusal("secret/team/prod").contains("secret/+/prod"));
        assertEquals("MCP_ALLOWED_PATHS (no rule allows it)", PathRules.parse("a/*", "").refusal("b/c"));
        assertTrue(PathRules.none().isEmpty());
        assertNull(PathRules.none().refusal("anything/at/all"));
    }

    @Test
    void aListingShowsTheFoldersBelowWhichSomethingIsAllowed() {
        PathRules rules = PathRules.parse("secret/app/*,secret/+/shared", "secret/app/hidden/*");
        assertTrue(rules.shows("secret/"));
        assertTrue(rules.shows("secret/app/"));
        assertTrue(rules.shows("secret/team/"), "+ may be any folder");
        assertTrue(rules.shows("secret/app/x"));
        assertFalse(rules.shows("secret/other"));
        assertFalse(rules.shows("secret/app/hidden/"), "a folder denied as a whole is hidden");
        assertFalse(rules.shows("other/"));
        assertFalse(rules.shows("secret/team/private/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret/*/x", "secret/a b", "secret/\u202e", "../x", "secret/**", "a,,b/*x"})
    void aGlobOutsideVaultsSyntaxIsRefused(String glob) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathRules.parse(glob, ""));
        assertTrue(e.getMessage().contains("is not a path glob"), e.getMessage());
    }
}
