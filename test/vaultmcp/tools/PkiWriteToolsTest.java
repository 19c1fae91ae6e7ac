package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** create_pki_role, delete_pki_role and issue_pki_certificate against the fake Vault. */
class PkiWriteToolsTest {
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enable("pki", "pki");
        fake.call("POST", "pki/root/generate/internal", "{\"common_name\":\"example.com\",\"issuer_name\":\"root\"}");
        tools = new ToolCalls(fake);
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    @Test
    void createsARoleWithEveryDefaultAppliedHere() {
        JsonObject out = tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        assertEquals(JsonParser.parseString("{\"issuer_ref\":\"default\",\"allow_any_name\":true,\"allow_subdomains\":false,"
                + "\"allow_glob_domains\":false,\"allow_ip_sans\":false,\"allowed_domains\":[],\"max_ttl\":\"30d\"}"),
                tools.body("POST", "pki/roles/web"));
        assertEquals("web", out.get("role_name").getAsString());
        assertTrue(out.getAsJsonObject("role").get("allow_any_name").getAsBoolean(), "the role as Vault stored it");
        assertEquals(2592000, out.getAsJsonObject("role").get("max_ttl").getAsLong());
    }

    @Test
    void sendsIssuerNameAsTheRolesIssuerAndSplitsDomains() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\",\"issuer_name\":\"root\",\"allowed_domains\":\" example.com, example.org ,,\","
                + "\"allow_any_name\":false,\"allow_subdomains\":true,\"allow_glob_domains\":true,\"allow_ip_sans\":true,\"max_ttl\":\"72h\",\"ttl\":\"1h\"}");
        assertEquals(JsonParser.parseString("{\"issuer_ref\":\"root\",\"allow_any_name\":false,\"allow_subdomains\":true,"
                + "\"allow_glob_domains\":true,\"allow_ip_sans\":true,\"allowed_domains\":[\"example.com\",\"example.org\"],"
                + "\"max_ttl\":\"72h\",\"ttl\":\"1h\"}"), tools.body("POST", "pki/roles/web"));
        assertEquals("root", tools.ok("read_pki_role", "{\"role_name\":\"web\"}").getAsJsonObject("role").get("issuer_ref").getAsString());
    }

    @Test
    void reportsWhatWasSentWhenAnOlderVaultAnswersWithoutTheRole() {
        fake.inject(Fault.answer(204, "").on("pki/roles/web"));
        JsonObject out = tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        assertEquals("default", out.getAsJsonObject("role").get("issuer_ref").getAsString());
    }

    @Test
    void deletesARole() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        assertEquals(JsonParser.parseString("{\"mount\":\"pki\",\"role_name\":\"web\"}"), tools.ok("delete_pki_role", "{\"role_name\":\"web\"}"));
        assertTrue(tools.error("read_pki_role", "{\"role_name\":\"web\"}").contains("There is no role \"web\""));
    }

    @Test
    void deletingAMissingRoleFailsAndSendsNoDelete() {
        String error = tools.error("delete_pki_role", "{\"role_name\":\"never\"}");
        assertTrue(error.contains("There is no role \"never\" in mount \"pki\"; nothing was deleted"), error);
        assertTrue(tools.sent("DELETE", "pki/roles/never").isEmpty());
    }

    @Test
    void issuesACertificateWithTheDefaultTtl() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        JsonObject out = tools.ok("issue_pki_certificate", "{\"role_name\":\"web\",\"common_name\":\"svc.example.com\"}");
        assertEquals(JsonParser.parseString("{\"common_name\":\"svc.example.com\",\"ttl\":\"30d\"}"), tools.body("POST", "pki/issue/web"));
        assertTrue(out.get("certificate").getAsString().startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(out.get("issuing_ca").getAsString().startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals(1, out.getAsJsonArray("ca_chain").size());
        assertTrue(out.get("serial_number").getAsString().matches("([0-9a-f]{2}:)+[0-9a-f]{2}"), out.toString());
        assertTrue(out.get("expiration").getAsLong() > 0);
        assertEquals("rsa", out.get("private_key_type").getAsString());
    }

    @Test
    void thePrivateKeyGoesOnlyToTheUser() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        ToolResult result = tools.call("issue_pki_certificate", "{\"role_name\":\"web\",\"common_name\":\"svc.example.com\"}");
        assertFalse(result.structured().toString().contains("PRIVATE KEY"), "not in structuredContent");
        assertFalse(result.structured().has("private_key"));
        assertEquals(2, result.content().size());
        assertFalse(ToolCalls.text(result).contains("PRIVATE KEY"), "not in the main text");
        JsonObject keyBlock = result.content().get(1).getAsJsonObject();
        assertTrue(keyBlock.get("text").getAsString().contains("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(keyBlock.get("text").getAsString().contains(result.structured().get("serial_number").getAsString()));
        assertEquals("[\"user\"]", keyBlock.getAsJsonObject("annotations").get("audience").toString());
    }

    @Test
    void sendsAltNamesAndIpSansTrimmed() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\",\"allow_ip_sans\":true}");
        tools.ok("issue_pki_certificate", "{\"role_name\":\"web\",\"common_name\":\"svc.example.com\",\"ttl\":\"1h\","
                + "\"alt_names\":\"a.example.com, b.example.com,\",\"ip_sans\":\" 10.0.0.1 ,10.0.0.2\"}");
        assertEquals(JsonParser.parseString("{\"common_name\":\"svc.example.com\",\"ttl\":\"1h\",\"alt_names\":\"a.example.com,b.example.com\","
                + "\"ip_sans\":\"10.0.0.1,10.0.0.2\"}"), tools.body("POST", "pki/issue/web"));
    }

    @Test
    void anUnknownRoleIsAClearError() {
        String error = tools.error("issue_pki_certificate", "{\"role_name\":\"nope\",\"common_name\":\"svc.example.com\"}");
        assertTrue(error.contains("There is no role \"nope\" in mount \"pki\". Call list_pki_roles"), error);
    }

    @Test
    void aNameTheRoleDoesNotAllowIsVaultsRefusal() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\",\"allow_any_name\":false,\"allowed_domains\":\"example.com\",\"allow_subdomains\":true}");
        String error = tools.error("issue_pki_certificate", "{\"role_name\":\"web\",\"common_name\":\"svc.other.org\"}");
        assertTrue(error.contains("common name svc.other.org not allowed by this role"), error);
    }

    @Test
    void survivesAnIssueAnswerWithoutChainKeyOrExpiry() {
        tools.ok("create_pki_role", "{\"role_name\":\"web\"}");
        fake.inject(Fault.answer(200, "{\"data\":{\"certificate\":\"-----BEGIN CERTIFICATE-----\\nAA==\\n-----END CERTIFICATE-----\","
                + "\"serial_number\":\"01\"}}").on("pki/issue/web"));
        ToolResult result = tools.call("issue_pki_certificate", "{\"role_name\":\"web\",\"common_name\":\"svc.example.com\"}");
        assertFalse(result.isError(), ToolCalls.text(result));
        assertEquals(1, result.content().size(), "no key block when Vault sent no key");
        assertEquals("[]", result.structured().get("ca_chain").toString());
        assertFalse(result.structured().has("expiration"));
    }
}
