package vaultmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vaultmcp.config.Authority.SecretValues;
import vaultmcp.config.PathRules;
import vaultmcp.config.Secret;
import vaultmcp.vault.FakeVault;
import vaultmcp.vault.Fault;
import vaultmcp.vault.Vault;
import vaultmcp.vault.VaultClient;

/** The transit toolset against the fake Vault: base64 done here, the missing-key refusal, delivery, privilege. */
class TransitToolsTest {
    private static final List<String> READ = List.of("list_transit_keys", "read_transit_key", "transit_encrypt",
            "transit_decrypt", "transit_rewrap", "transit_verify");
    private static final List<String> PRIVILEGED = List.of("transit_sign", "transit_hmac", "create_transit_key",
            "rotate_transit_key");
    private FakeVault fake;
    private ToolCalls tools;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeVault();
        fake.enable("transit", "transit");
        fake.call("POST", "transit/keys/app", "{}");
        tools = transit(true, SecretValues.PLAIN, PathRules.none());
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private ToolCalls transit(boolean operations, SecretValues values, PathRules rules) {
        return new ToolCalls(fake, new Selection(operations, Set.of("transit"), Set.of(), "", rules, values,
                Duration.ofMinutes(5)));
    }

    private static List<String> names(ToolCalls calls) {
        List<String> out = new ArrayList<>();
        calls.table().definitions(0, 100).forEach(d -> out.add(d.get("name").getAsString()));
        return out;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theToolsetIsOffByDefaultAndItsSigningAndKeyChangesArePrivileged() {
        for (boolean operations : new boolean[] {false, true}) {
            List<String> defaults = names(new ToolCalls(fake, Selection.defaults(operations)));
            assertTrue(defaults.stream().noneMatch(n -> n.contains("transit")), defaults.toString());
        }
        assertEquals(READ, names(transit(false, SecretValues.PLAIN, PathRules.none())));
        List<String> all = new ArrayList<>(READ);
        all.addAll(PRIVILEGED);
        assertEquals(Set.copyOf(all), Set.copyOf(names(tools)));
    }

    @Test
    void encryptAndDecryptRoundTripUtf8TextWhileVaultGetsBase64() {
        String text = "h\u00e9llo \u2713 \ud83d\udd10";
        JsonObject sealed = tools.ok("transit_encrypt", "{\"name\":\"app\",\"plaintext\":\"" + text + "\"}");
        assertEquals(base64(text), tools.body("POST", "transit/encrypt/app").get("plaintext").getAsString());
        assertTrue(sealed.get("ciphertext").getAsString().startsWith("vault:v1:"), sealed.toString());
        assertEquals(1, sealed.get("key_version").getAsInt());
        assertEquals("transit", sealed.get("mount").getAsString());
        JsonObject opened = tools.ok("transit_decrypt", "{\"name\":\"app\",\"ciphertext\":\"" + sealed.get("ciphertext").getAsString() + "\"}");
        assertEquals(JsonParser.parseString("{\"mount\":\"transit\",\"name\":\"app\",\"plaintext\":\"" + text + "\",\"encoding\":\"utf8\"}"), opened);
    }

    @Test
    void base64InAndOutWhenAskedAndBytesThatAreNotUtf8ComeBackInBase64() {
        String ciphertext = tools.ok("transit_encrypt", "{\"name\":\"app\",\"plaintext\":\"/w==\",\"encoding\":\"base64\"}")
                .get("ciphertext").getAsString();
        assertEquals("/w==", tools.body("POST", "transit/encrypt/app").get("plaintext").getAsString(), "sent as given");
        JsonObject asked = tools.ok("transit_decrypt", "{\"name\":\"app\",\"ciphertext\":\"" + ciphertext + "\",\"encoding\":\"base64\"}");
        assertEquals("/w==", asked.get("plaintext").getAsString());
        assertEquals("base64", asked.get("encoding").getAsString());
        assertNull(asked.get("note"));
        JsonObject fallback = tools.ok("transit_decrypt", "{\"name\":\"app\",\"ciphertext\":\"" + ciphertext + "\"}");
        assertEquals("/w==", fallback.get("plaintext").getAsString(), "0xFF is not UTF-8: never mangled into U+FFFD");
        assertEquals("base64", fallback.get("encoding").getAsString());
        assertTrue(fallback.get("note").getAsString().contains("not UTF-8"), fallback.toString());
    }

    @Test
    void encryptRefusesAMissingKeyInsteadOfLettingVaultCreateIt() {
        String error = tools.error("transit_encrypt", "{\"name\":\"nope\",\"plaintext\":\"x\"}");
        assertTrue(error.startsWith("There is no key \"nope\" in the transit mount \"transit\"; nothing was sent"), error);
        assertTrue(error.contains("create_transit_key"), error);
        assertTrue(tools.sent("POST", "transit/encrypt/nope").isEmpty(), "no encrypt was sent");
        assertFalse(tools.ok("list_transit_keys", "{}").getAsJsonArray("keys").toString().contains("nope"));
    }

    @Test
    void derivedKeysTakeTheirContextInTheSameEncoding() {
        fake.call("POST", "transit/keys/tenant", "{\"derived\":true}");
        assertTrue(tools.error("transit_encrypt", "{\"name\":\"tenant\",\"plaintext\":\"x\"}").contains("missing 'context'"));
        String ciphertext = tools.ok("transit_encrypt", "{\"name\":\"tenant\",\"plaintext\":\"x\",\"context\":\"user-7\"}")
                .get("ciphertext").getAsString();
        assertEquals(base64("user-7"), JsonParser.parseString(tools.sent("POST", "transit/encrypt/tenant").get(1).body())
                .getAsJsonObject().get("context").getAsString());
        assertEquals("x", tools.ok("transit_decrypt", "{\"name\":\"tenant\",\"ciphertext\":\"" + ciphertext
                + "\",\"context\":\"user-7\"}").get("plaintext").getAsString());
        assertTrue(tools.error("transit_decrypt", "{\"name\":\"tenant\",\"ciphertext\":\"" + ciphertext
                + "\",\"context\":\"user-8\"}").contains("message authentication failed"));
    }

    @Test
    void decryptFollowsMcpSecretValuesRedactAndWrap() {
        String ciphertext = tools.ok("transit_encrypt", "{\"name\":\"app\",\"plaintext\":\"s3cret!\"}").get("ciphertext").getAsString();
        String args = "{\"name\":\"app\",\"ciphertext\":\"" + ciphertext + "\"}";
        JsonObject redacted = transit(false, SecretValues.REDACT, PathRules.none()).ok("transit_decrypt", args);
        assertEquals("<redacted: 7 characters>", redacted.get("plaintext").getAsString());
        assertFalse(redacted.toString().contains("s3cret"));

        fake.inject(Fault.answer(200, "{\"wrap_info\":{\"token\":\"hvs.WRAP\",\"accessor\":\"acc\",\"ttl\":300,"
                + "\"creation_time\":\"2026-12-01T00:00:00Z\",\"creation_path\":\"transit/decrypt/app\"}}").on("transit/decrypt/app"));
        ToolCalls wrapping = transit(false, SecretValues.WRAP, PathRules.none());
        ToolResult wrapped = wrapping.call("transit_decrypt", args);
        assertFalse(wrapped.isError(), ToolCalls.text(wrapped));
        List<vaultmcp.vault.RecordedRequest> sent = wrapping.sent("POST", "transit/decrypt/app");
        assertEquals("300s", sent.get(sent.size() - 1).header("X-Vault-Wrap-TTL"));
        assertEquals("acc", wrapped.structured().getAsJsonObject("wrapped").get("accessor").getAsString());
        assertNull(wrapped.structured().get("plaintext"));
        assertFalse(ToolCalls.text(wrapped).contains("hvs.WRAP"), "the model-facing text holds no token");
        assertTrue(wrapped.content().get(1).getAsJsonObject().get("text").getAsString().contains("vault unwrap hvs.WRAP"));
        assertNull(tools.sent("POST", "transit/encrypt/app").get(0).header("X-Vault-Wrap-TTL"), "ciphertext is not secret");
    }

    @Test
    void rewrapAfterRotationMovesACiphertextToTheNewVersion() {
        String v1 = tools.ok("transit_encrypt", "{\"name\":\"app\",\"plaintext\":\"data\"}").get("ciphertext").getAsString();
        JsonObject rotated = tools.ok("rotate_transit_key", "{\"name\":\"app\"}");
        assertEquals(2, rotated.get("latest_version").getAsInt());
        assertEquals(Set.of("1", "2"), rotated.getAsJsonObject("versions").keySet());
        JsonObject rewrapped = tools.ok("transit_rewrap", "{\"name\":\"app\",\"ciphertext\":\"" + v1 + "\"}");
        assertTrue(rewrapped.get("ciphertext").getAsString().startsWith("vault:v2:"), rewrapped.toString());
        assertEquals(2, rewrapped.get("key_version").getAsInt());
        assertEquals("data", tools.ok("transit_decrypt", "{\"name\":\"app\",\"ciphertext\":\""
                + rewrapped.get("ciphertext").getAsString() + "\"}").get("plaintext").getAsString());
        assertTrue(tools.error("rotate_transit_key", "{\"name\":\"nope\"}").contains("\"key not found\""));
    }

    @Test
    void signaturesAndHmacsAreMadeAndVerified() {
        tools.ok("create_transit_key", "{\"name\":\"signer\",\"type\":\"ed25519\"}");
        JsonObject signed = tools.ok("transit_sign", "{\"name\":\"signer\",\"input\":\"release 1.0\"}");
        assertEquals(base64("release 1.0"), tools.body("POST", "transit/sign/signer").get("input").getAsString());
        String signature = signed.get("signature").getAsString();
        assertTrue(signature.startsWith("vault:v1:"), signed.toString());
        String verify = "{\"name\":\"signer\",\"input\":\"%s\",\"signature\":\"" + signature + "\"}";
        assertTrue(tools.ok("transit_verify", String.format(verify, "release 1.0")).get("valid").getAsBoolean());
        assertFalse(tools.ok("transit_verify", String.format(verify, "release 6.6")).get("valid").getAsBoolean());

        String hmac = tools.ok("transit_hmac", "{\"name\":\"app\",\"input\":\"abc\",\"algorithm\":\"sha2-512\"}").get("hmac").getAsString();
        String check = "{\"name\":\"app\",\"input\":\"%s\",\"hmac\":\"" + hmac + "\",\"hash_algorithm\":\"sha2-512\"}";
        assertTrue(tools.ok("transit_verify", String.format(check, "abc")).get("valid").getAsBoolean());
        assertFalse(tools.ok("transit_verify", String.format(check, "abd")).get("valid").getAsBoolean());
        assertTrue(tools.error("transit_sign", "{\"name\":\"app\",\"input\":\"x\"}").contains("does not support signing"));
    }

    @Test
    void createRefusesANameInUseAndCanNeverMakeAKeyExportable() {
        JsonObject created = tools.ok("create_transit_key", "{\"name\":\"orders\",\"type\":\"chacha20-poly1305\",\"derived\":true}");
        assertEquals(JsonParser.parseString("{\"type\":\"chacha20-poly1305\",\"derived\":true}"), tools.body("POST", "transit/keys/orders"));
        assertEquals("chacha20-poly1305", created.get("type").getAsString());
        assertFalse(created.get("exportable").getAsBoolean());
        String again = tools.error("create_transit_key", "{\"name\":\"orders\",\"type\":\"ed25519\"}");
        assertTrue(again.startsWith("There is already a key \"orders\" (type chacha20-poly1305); nothing was changed"), again);
        assertEquals(1, tools.sent("POST", "transit/keys/orders").size(), "no second create was sent");
        for (String irreversible : new String[] {"exportable", "allow_plaintext_backup"}) {
            String refused = tools.error("create_transit_key", "{\"name\":\"k2\",\"" + irreversible + "\":true}");
            assertTrue(refused.contains("unknown argument \"" + irreversible + "\""), refused);
        }
        assertTrue(tools.sent("GET", "transit/keys/k2").isEmpty(), "refused before anything was sent");
        assertEquals(32, tools.ok("create_transit_key", "{\"name\":\"mac\",\"type\":\"hmac\",\"key_size\":32}").get("key_size").getAsInt());
    }

    @Test
    void evenASchemaThatGrewExportableCouldNotSendItToVault() throws Exception {
        JsonArray manifest = ToolTable.bundledManifest();
        for (JsonElement entry : manifest) {
            if (entry.getAsJsonObject().get("name").getAsString().equals("create_transit_key")) {
                entry.getAsJsonObject().getAsJsonObject("inputSchema").getAsJsonObject("properties")
                        .add("exportable", JsonParser.parseString("{\"type\":\"boolean\",\"description\":\"grown\"}"));
            }
        }
        ToolTable grown = ToolTable.select(manifest, Tools.handlers(), new Selection(true, Set.of("transit"), Set.of(), "",
                PathRules.none(), SecretValues.PLAIN, Duration.ofMinutes(5)));
        Vault vault = new Vault(new VaultClient(URI.create(fake.address()), null, Duration.ofSeconds(10), null),
                new Secret(fake.rootToken()));
        ToolResult result = grown.call(grown.find("create_transit_key"),
                JsonParser.parseString("{\"name\":\"grown\",\"exportable\":true}").getAsJsonObject(), vault, Approver.NONE,
                Trail.none());
        assertFalse(result.isError(), ToolCalls.text(result));
        assertFalse(tools.body("POST", "transit/keys/grown").has("exportable"), "the handler sends only VAULT_ARGS");
        assertFalse(result.structured().get("exportable").getAsBoolean());
    }

    @Test
    void createOffersTheKeyTypesOfVaultsCommunityEdition() {
        assertEquals("[\"aes128-gcm96\",\"aes256-gcm96\",\"chacha20-poly1305\",\"ed25519\",\"ecdsa-p256\",\"ecdsa-p384\","
                + "\"ecdsa-p521\",\"rsa-2048\",\"rsa-3072\",\"rsa-4096\",\"hmac\"]", ToolCalls.entry("create_transit_key")
                .getAsJsonObject("inputSchema").getAsJsonObject("properties").getAsJsonObject("type").get("enum").toString());
        assertEquals("aes256-gcm96", tools.ok("create_transit_key", "{\"name\":\"plain\"}").get("type").getAsString());
        assertTrue(tools.error("create_transit_key", "{\"name\":\"x\",\"type\":\"aes128-cmac\"}").contains("must be one of"));
    }

    @Test
    void readShowsMetadataAndVersionsButNoKeyMaterial() {
        tools.ok("create_transit_key", "{\"name\":\"ec\",\"type\":\"ecdsa-p256\"}");
        JsonObject ec = tools.ok("read_transit_key", "{\"name\":\"ec\"}");
        assertEquals("ecdsa-p256", ec.get("type").getAsString());
        assertTrue(ec.get("supports_signing").getAsBoolean());
        assertTrue(ec.getAsJsonObject("versions").getAsJsonObject("1").get("public_key").getAsString().startsWith("-----BEGIN PUBLIC KEY-----"));
        assertNull(ec.get("keys"));
        JsonObject app = tools.ok("read_transit_key", "{\"name\":\"app\"}");
        assertTrue(app.getAsJsonObject("versions").get("1").getAsJsonPrimitive().isNumber(), "a creation time");
        assertTrue(tools.error("read_transit_key", "{\"name\":\"nope\"}").startsWith("There is no key \"nope\""));
    }

    @Test
    void theSigningToolsHaveADryRunAndWriteNothingInIt() {
        JsonObject plan = tools.call("transit_sign", "{\"name\":\"app\",\"input\":\"x\",\"dry_run\":true}").structured();
        assertTrue(plan.get("dry_run").getAsBoolean());
        assertEquals("transit/sign/app", plan.getAsJsonArray("writes").get(0).getAsJsonObject().get("path").getAsString());
        assertEquals("\"input\"", plan.getAsJsonArray("writes").get(0).getAsJsonObject().getAsJsonArray("fields").get(0)
                .getAsString(), "field names only, quoted; never the value");
        assertTrue(tools.sent("POST", "transit/sign/app").isEmpty());
        assertTrue(tools.call("rotate_transit_key", "{\"name\":\"app\",\"dry_run\":true}").structured().get("dry_run").getAsBoolean());
        assertTrue(tools.sent("POST", "transit/keys/app/rotate").isEmpty());
    }

    @Test
    void keyNamesAreOneSegmentAndTheMountMustBeATransitEngine() {
        for (String tool : List.of("read_transit_key", "transit_decrypt", "rotate_transit_key", "create_transit_key")) {
            for (String hostile : List.of("../sys", "a/b", "-x", "x y")) {
                String error = tools.error(tool, "{\"name\":\"" + hostile + "\"}");
                assertTrue(error.contains("\"name\" must match"), tool + ": " + error);
            }
        }
        assertTrue(fake.requests().stream().noneMatch(r -> r.path().contains("sys/") && !r.path().contains("ui/mounts")));
        String kv = tools.error("transit_encrypt", "{\"mount\":\"secret\",\"name\":\"app\",\"plaintext\":\"x\"}");
        assertTrue(kv.contains("is a kv secrets engine, not a transit engine"), kv);
    }

    @Test
    void pathRulesNameTheKeyWhicheverApiReachesIt() {
        fake.call("POST", "transit/keys/payroll", "{}");
        ToolCalls bounded = transit(true, SecretValues.PLAIN, PathRules.parse("", "transit/keys/payroll*"));
        String refused = bounded.error("transit_encrypt", "{\"name\":\"payroll\",\"plaintext\":\"x\"}");
        assertTrue(refused.contains("may not reach \"transit/keys/payroll\"") && refused.contains("MCP_DENIED_PATHS"), refused);
        assertTrue(bounded.error("rotate_transit_key", "{\"name\":\"payroll\"}").contains("MCP_DENIED_PATHS"));
        assertEquals("[\"app\"]", bounded.ok("list_transit_keys", "{}").getAsJsonArray("keys").toString());
        assertTrue(bounded.ok("transit_encrypt", "{\"name\":\"app\",\"plaintext\":\"x\"}").has("ciphertext"));
    }
}
