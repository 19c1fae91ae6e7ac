package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;

/** create_pki_issuer against the fake Vault: roots, intermediates, the signing issuer, names and URLs. */
class PkiIssuerToolsTest {
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enable("pki", "pki");
        fake.enable("pki_int", "pki");
        tools = new ToolCalls(fake);
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private static String pem(String name) throws IOException {
        try (InputStream in = PkiIssuerToolsTest.class.getResourceAsStream("/vaultmcp/vault/pki/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    /** issuer name -> is_default, from the fake's issuer list of {@code mount}. */
    private JsonObject issuers(String mount) {
        JsonObject info = JsonParser.parseString(fake.call("GET", mount + "/issuers?list=true", null)).getAsJsonObject()
                .getAsJsonObject("data").getAsJsonObject("key_info");
        JsonObject byName = new JsonObject();
        for (var e : info.entrySet()) {
            byName.add(e.getValue().getAsJsonObject().get("issuer_name").getAsString(), e.getValue().getAsJsonObject().get("is_default"));
        }
        return byName;
    }

    @Test
    void createsARootWithTheDefaultMountTypeAndTtl() throws IOException {
        JsonObject out = tools.ok("create_pki_issuer", "{\"common_name\":\"Example Root\",\"issuer_name\":\"root-2026\"}");
        assertEquals(JsonParser.parseString("{\"common_name\":\"Example Root\",\"issuer_name\":\"root-2026\",\"ttl\":\"87600h\"}"),
                tools.body("POST", "pki/root/generate/internal"));
        assertEquals("root", out.get("kind").getAsString());
        assertEquals("root-2026", out.get("issuer_name").getAsString());
        assertTrue(out.get("issuer_id").getAsString().matches("[0-9a-f-]{36}"), out.toString());
        assertEquals(pem("root.pem"), out.get("certificate").getAsString());
        assertEquals(1, out.getAsJsonArray("ca_chain").size());
        assertTrue(issuers("pki").has("root-2026"));
    }

    @Test
    void pointsTheMountsUrlsAtTheConfiguredVaultAddress() {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Example Root\",\"issuer_name\":\"r\"}");
        JsonObject urls = tools.body("POST", "pki/config/urls");
        assertEquals("[\"" + fake.address() + "/v1/pki/ca\"]", urls.get("issuing_certificates").toString());
        assertEquals("[\"" + fake.address() + "/v1/pki/crl\"]", urls.get("crl_distribution_points").toString());
    }

    @Test
    void includesTheConfiguredNamespaceInTheUrls() {
        new ToolCalls(fake, fake.rootToken(), "team/").call("create_pki_issuer", "{\"common_name\":\"R\",\"issuer_name\":\"r\"}");
        assertEquals("[\"" + fake.address() + "/v1/team/pki/ca\"]", tools.body("POST", "pki/config/urls").get("issuing_certificates").toString());
    }

    @Test
    void signsAnIntermediateWithTheRootIssuerAskedFor() throws IOException {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root A\",\"issuer_name\":\"root-a\"}");
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root B\",\"issuer_name\":\"root-b\"}");
        JsonObject out = tools.ok("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Example Intermediate\","
                + "\"issuer_name\":\"int-2026\",\"root_mount\":\"pki\",\"root_issuer\":\"root-b\"}");
        JsonObject sign = tools.body("POST", "pki/issuer/root-b/sign-intermediate");
        assertEquals("pem_bundle", sign.get("format").getAsString());
        assertEquals("87600h", sign.get("ttl").getAsString());
        assertEquals("Example Intermediate", sign.get("common_name").getAsString());
        assertTrue(sign.get("csr").getAsString().contains("BEGIN CERTIFICATE REQUEST"));
        assertTrue(tools.sent("POST", "pki/root/sign-intermediate").isEmpty(), "the default issuer was not used");
        assertEquals("intermediate", out.get("kind").getAsString());
        assertEquals(pem("intermediate.pem"), out.get("certificate").getAsString());
        assertEquals(pem("intermediate.pem"), out.getAsJsonArray("ca_chain").get(0).getAsString());
        assertEquals(pem("root.pem"), out.getAsJsonArray("ca_chain").get(1).getAsString());
        assertEquals(2, out.getAsJsonArray("ca_chain").size(), "each certificate once");
    }

    @Test
    void namesTheImportedIntermediateAsAsked() {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        JsonObject out = tools.ok("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int-2026\",\"root_mount\":\"pki\"}");
        assertEquals("int-2026", out.get("issuer_name").getAsString());
        assertEquals(JsonParser.parseString("{\"issuer_name\":\"int-2026\"}"), tools.body("POST", "pki_int/issuer/" + out.get("issuer_id").getAsString()));
        assertTrue(issuers("pki_int").has("int-2026"), issuers("pki_int").toString());
        assertEquals("int-2026", tools.ok("read_pki_issuer", "{\"mount\":\"pki_int\",\"issuer_name\":\"int-2026\"}")
                .getAsJsonObject("issuer").get("issuer_name").getAsString());
    }

    @Test
    void withoutRootIssuerTheRootMountsDefaultIssuerSigns() {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        tools.ok("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\",\"root_mount\":\"pki\",\"root_issuer\":\"\"}");
        assertEquals(1, tools.sent("POST", "pki/root/sign-intermediate").size());
    }

    @Test
    void refusesRootIssuerWithoutRootMountBeforeTouchingVault() {
        String error = tools.error("create_pki_issuer", "{\"common_name\":\"R\",\"issuer_name\":\"r\",\"root_issuer\":\"root-b\"}");
        assertTrue(error.contains("\"root_issuer\" names an issuer of \"root_mount\"; give root_mount too"), error);
        assertTrue(fake.requests().isEmpty(), fake.requests().toString());
    }

    @Test
    void anUnknownSigningIssuerIsAnErrorResult() {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        String error = tools.error("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\","
                + "\"root_mount\":\"pki\",\"root_issuer\":\"missing\"}");
        assertTrue(error.contains("unable to find PKI issuer for reference: missing"), error);
    }

    @Test
    void survivesASignAnswerWithoutCaChain() throws IOException {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        JsonObject data = new JsonObject();
        data.addProperty("certificate", pem("intermediate.pem"));
        data.addProperty("serial_number", "01");
        JsonObject body = new JsonObject();
        body.add("data", data);
        fake.inject(Fault.answer(200, body.toString()).on("pki/root/sign-intermediate"));
        JsonObject out = tools.ok("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\",\"root_mount\":\"pki\"}");
        assertEquals(1, out.getAsJsonArray("ca_chain").size());
        assertEquals(pem("intermediate.pem"), tools.body("POST", "pki_int/intermediate/set-signed").get("certificate").getAsString());
    }

    @Test
    void sendsTheWholeBundleToSetSignedSoTheChainIsComplete() throws IOException {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        tools.ok("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\",\"root_mount\":\"pki\"}");
        assertEquals(pem("intermediate.pem") + "\n" + pem("root.pem"), tools.body("POST", "pki_int/intermediate/set-signed").get("certificate").getAsString());
    }

    @Test
    void survivesARootAnswerWithoutData() {
        fake.inject(Fault.answer(200, "{\"data\":null,\"warnings\":[\"something odd\"]}").on("pki/root/generate"));
        JsonObject out = tools.ok("create_pki_issuer", "{\"common_name\":\"R\",\"issuer_name\":\"r\"}");
        assertEquals("", out.get("certificate").getAsString());
        assertEquals(new JsonArray(), out.get("ca_chain"));
        assertEquals("[\"something odd\"]", out.get("warnings").toString());
    }

    @Test
    void aNameAlreadyTakenByAnotherIssuerIsReportedWithTheImportedIssuersId() {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        tools.ok("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\",\"root_mount\":\"pki\"}");
        String error = tools.error("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\",\"root_mount\":\"pki\"}");
        assertTrue(error.contains("was imported into mount \"pki_int\" as issuer ") && error.contains("issuer name already in use"), error);
    }

    @Test
    void anIntermediateThatWasAlreadyImportedIsReportedNotNamed() {
        tools.ok("create_pki_issuer", "{\"common_name\":\"Root\",\"issuer_name\":\"root\"}");
        fake.inject(Fault.answer(200, "{\"data\":{\"existing_issuers\":[\"x\"],\"imported_issuers\":null,\"mapping\":{}}}")
                .on("pki_int/intermediate/set-signed"));
        String error = tools.error("create_pki_issuer", "{\"mount\":\"pki_int\",\"common_name\":\"Int\",\"issuer_name\":\"int\",\"root_mount\":\"pki\"}");
        assertTrue(error.contains("did not import the signed intermediate as a new issuer"), error);
        assertTrue(fake.requests().stream().noneMatch(r -> r.path().startsWith("/v1/pki_int/issuer/")), fake.requests().toString());
    }

    @Test
    void aMountThatIsNotPkiIsRefusedAfterTheTypeLookupAlone() {
        fake.clearRequests();
        String error = tools.error("create_pki_issuer", "{\"mount\":\"secret\",\"common_name\":\"R\",\"issuer_name\":\"r\"}");
        assertEquals("The mount \"secret\" is a kv secrets engine, not a PKI engine.", error);
        assertTrue(fake.requests().stream().allMatch(r -> r.rawPath().startsWith("/v1/sys/")), fake.requests().toString());
        error = tools.error("create_pki_issuer", "{\"common_name\":\"I\",\"issuer_name\":\"i\",\"root_mount\":\"secret\"}");
        assertEquals("The mount \"secret\" is a kv secrets engine, not a PKI engine.", error);
        assertTrue(fake.requests().stream().allMatch(r -> r.rawPath().startsWith("/v1/sys/")), fake.requests().toString());
    }
}
