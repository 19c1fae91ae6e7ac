package vaultmcp.security;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vaultmcp.config.ConfigException;

/** Loading PEM certificates and keys made by openssl and keytool at test time. */
class TlsIT {
    @TempDir
    static Path dir;
    static TestCerts.Pair rsa;
    static TestCerts.Pair ec256;
    static TestCerts.Pair ec384;
    static TestCerts.Pair otherRsa;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = TestCerts.rsa(dir, "rsa");
        otherRsa = TestCerts.rsa(dir, "other");
        ec256 = TestCerts.ec(dir, "ec256", "prime256v1");
        ec384 = TestCerts.ec(dir, "ec384", "secp384r1");
    }

    private static String refusal(Path cert, Path key) {
        return assertThrows(ConfigException.class, () -> Tls.context(cert, key)).getMessage();
    }

    @Test
    void loadsAnRsaKeyInPkcs8AndInPkcs1() throws Exception {
        assertTrue(Files.readString(rsa.key()).contains("-----BEGIN PRIVATE KEY-----"));
        assertNotNull(Tls.context(rsa.cert(), rsa.key()));
        Path pkcs1 = TestCerts.convert(rsa.key(), "rsa-pkcs1.key", "-traditional");
        assertTrue(Files.readString(pkcs1).contains("-----BEGIN RSA PRIVATE KEY-----"));
        assertNotNull(Tls.context(rsa.cert(), pkcs1));
    }

    @Test
    void loadsEcKeysInSec1WithTheirParametersBlockAndInPkcs8() throws Exception {
        for (TestCerts.Pair pair : new TestCerts.Pair[] {ec256, ec384}) {
            String sec1 = Files.readString(pair.key());
            assertTrue(sec1.contains("-----BEGIN EC PARAMETERS-----") && sec1.contains("-----BEGIN EC PRIVATE KEY-----"), sec1);
            assertNotNull(Tls.context(pair.cert(), pair.key()));
            Path pkcs8 = TestCerts.convert(pair.key(), pair.key().getFileName() + ".p8");
            assertTrue(Files.readString(pkcs8).contains("-----BEGIN PRIVATE KEY-----"));
            assertNotNull(Tls.context(pair.cert(), pkcs8));
        }
    }

    @Test
    void loadsACertificateChainWithTextAroundTheBlocks() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, "subject=CN=localhost\n" + Files.readString(rsa.cert()) + "issuer\n" + Files.readString(ec256.cert()));
        assertNotNull(Tls.context(chain, rsa.key()));
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
        assertTrue(refusal(rsa.cert(), otherRsa.key()).contains("MCP_TLS_KEY_FILE: the key does not match the certificate"));
        assertTrue(refusal(rsa.cert(), ec256.key()).contains("not the key of the certificate"));
        assertTrue(refusal(ec256.cert(), ec384.key()).startsWith("MCP_TLS_KEY_FILE:"));
        Path pkcs1 = TestCerts.convert(otherRsa.key(), "other-pkcs1.key", "-traditional");
        assertTrue(refusal(rsa.cert(), pkcs1).contains("does not match"));
    }

    @Test
    void refusesAnEncryptedKeyWithAHint() throws Exception {
        Path encrypted = TestCerts.convert(rsa.key(), "encrypted.key", "-aes256", "-passout", "pass:secret");
        assertTrue(refusal(rsa.cert(), encrypted).contains("the key is encrypted"));
    }

    @Test
    void refusesFilesThatHoldNoPemOrDamagedPem() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "this is not a certificate\n");
        assertTrue(refusal(garbage, rsa.key()).startsWith("MCP_TLS_CERT_FILE: no PEM certificate"));
        assertTrue(refusal(rsa.cert(), garbage).startsWith("MCP_TLS_KEY_FILE: no PEM private key"));
        Path damagedCert = dir.resolve("damaged.crt");
        Files.writeString(damagedCert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(refusal(damagedCert, rsa.key()).contains("damaged certificate"));
        Path damagedKey = dir.resolve("damaged.key");
        Files.writeString(damagedKey, "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n");
        assertTrue(refusal(ec256.cert(), damagedKey).contains("is not a valid EC private key"));
        Files.writeString(damagedKey, "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n");
        assertTrue(refusal(rsa.cert(), damagedKey).contains("is not a valid RSA private key"));
    }

    @Test
    void refusesAFileItCannotRead() {
        assertTrue(refusal(dir.resolve("missing.crt"), rsa.key()).startsWith("MCP_TLS_CERT_FILE: cannot read"));
        assertTrue(refusal(rsa.cert(), dir.resolve("missing.key")).startsWith("MCP_TLS_KEY_FILE: cannot read"));
    }

    @Test
    void refusesAnExpiredCertificate() throws Exception {
        Path store = dir.resolve("expired.p12");
        Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-alias", "old", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-startdate", "-3d", "-validity", "1").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertTrue(keytool.waitFor() == 0, output);
        TestCerts.openssl(dir, "pkcs12", "-in", store.toString(), "-passin", "pass:changeit", "-nokeys", "-out", "expired.crt");
        TestCerts.openssl(dir, "pkcs12", "-in", store.toString(), "-passin", "pass:changeit", "-nocerts", "-nodes", "-out", "expired.key");
        assertTrue(refusal(dir.resolve("expired.crt"), dir.resolve("expired.key")).startsWith("MCP_TLS_CERT_FILE: the certificate is not valid now"));
    }
}
