package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.PathRules;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** lookup_self, read_cluster_health and the policy tools against the fake Vault. */
class SysInfoToolsTest {
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        tools = new ToolCalls(fake, new Selection(true, Set.of("all"), Set.of(), "", PathRules.none(), SecretValues.PLAIN, Duration.ofMinutes(5)));
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    @Test
    void lookupSelfDescribesTheTokenWithoutEverReturningIt() {
        String token = fake.createToken("path \"secret/*\" { capabilities = [\"read\"] }");
        ToolCalls limited = new ToolCalls(fake, token, null);
        JsonObject out = limited.ok("lookup_self", "{}");
        assertTrue(out.getAsJsonArray("policies").size() > 0, out.toString());
        assertNull(out.get("id"));
        assertFalse(out.toString().contains(token), "the token never comes back");
        assertFalse(out.get("accessor").getAsString().isEmpty());
    }

    @Test
    void healthReportsStatesAsDataAndIsSentWithoutTheNamespace() {
        ToolCalls namespaced = new ToolCalls(fake, fake.rootToken(), "team");
        JsonObject active = namespaced.ok("read_cluster_health", "{}");
        assertEquals("active", active.get("state").getAsString());
        assertFalse(active.get("sealed").getAsBoolean());
        assertTrue(namespaced.sent("GET", "sys/health").stream().allMatch(r -> r.header("X-Vault-Namespace") == null));
        fake.seal();
        JsonObject sealed = tools.ok("read_cluster_health", "{}");
        assertEquals(503, sealed.get("status").getAsInt());
        assertEquals("sealed", sealed.get("state").getAsString());
        assertTrue(sealed.get("sealed").getAsBoolean());
        fake.unseal();
        fake.inject(Fault.answer(429, "{\"initialized\":true,\"sealed\":false,\"standby\":true}").on("sys/health"));
        assertEquals("standby", tools.ok("read_cluster_health", "{}").get("state").getAsString());
    }

    @Test
    void policiesAreListedAndReadInTheirOwnToolsetOnly() {
        fake.call("PUT", "sys/policies/acl/app", "{\"policy\":\"path \\\"secret/*\\\" { capabilities = [\\\"read\\\"] }\"}");
        assertTrue(tools.ok("list_policies", "{}").getAsJsonArray("policies").toString().contains("\"app\""));
        assertTrue(tools.ok("read_policy", "{\"name\":\"app\"}").get("policy").getAsString().contains("secret/*"));
        assertTrue(tools.error("read_policy", "{\"name\":\"nope\"}").startsWith("There is no policy \"nope\""));
        assertNull(new ToolCalls(fake).table().find("list_policies"), "the policy toolset is off by default");
    }

    @Test
    void capabilitiesAreAskedForValidPathsTheRulesAllow() {
        String token = fake.createToken("path \"secret/data/app/*\" { capabilities = [\"read\"] }");
        ToolCalls limited = new ToolCalls(fake, token, null);
        JsonObject out = limited.ok("check_capabilities", "{\"paths\":[\"secret/data/app/x\",\"secret/data/admin/x\"]}");
        assertEquals("[\"read\"]", out.getAsJsonArray("capabilities").get(0).getAsJsonObject().get("capabilities").toString());
        assertEquals("[\"deny\"]", out.getAsJsonArray("capabilities").get(1).getAsJsonObject().get("capabilities").toString());
        assertTrue(limited.error("check_capabilities", "{\"paths\":[\"secret/../sys\"]}").startsWith("Invalid arguments: \"paths\""));
        ToolCalls bounded = new ToolCalls(fake, new Selection(false, null, Set.of(), "", PathRules.parse("", "secret/data/admin/*"), SecretValues.PLAIN, Duration.ofMinutes(5)));
        fake.clearRequests();
        JsonObject refused = bounded.ok("check_capabilities", "{\"paths\":[\"secret/data/admin/x\"]}");
        assertTrue(refused.getAsJsonArray("capabilities").get(0).getAsJsonObject().get("refused_by").getAsString()
                .contains("MCP_DENIED_PATHS"));
        assertTrue(bounded.sent("POST", "sys/capabilities-self").isEmpty(), "a refused path is not asked");
    }

    @Test
    void authMethodsAreListedAndReadWithTheirTuneSettings() {
        fake.enableAuth("userpass", "userpass");
        String list = tools.ok("list_auth_methods", "{}").getAsJsonArray("methods").toString();
        assertTrue(list.contains("\"path\":\"token/\"") && list.contains("\"path\":\"userpass/\""), list);
        JsonObject userpass = tools.ok("read_auth_method", "{\"path\":\"userpass/\"}");
        assertEquals("userpass", userpass.get("type").getAsString());
        assertTrue(userpass.getAsJsonObject("tune").has("default_lease_ttl"), userpass.toString());
        assertTrue(tools.error("read_auth_method", "{\"path\":\"nope\"}").startsWith("There is no auth method at \"nope/\""));
    }
}
