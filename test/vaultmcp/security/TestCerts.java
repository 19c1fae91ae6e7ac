package vaultmcp.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates and keys made at test time with openssl, in every form an operator may have:
 * self-signed for localhost and 127.0.0.1, valid one day.
 */
public final class TestCerts {
    private TestCerts() {}

    /** A certificate and its key file. */
    public record Pair(Path cert, Path key) {}

    /** RSA 2048: the key as openssl 3 writes it (PKCS#8 "PRIVATE KEY"). */
    public static Pair rsa(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return new Pair(cert, key);
    }

    /** An EC key on {@code curve} as {@code openssl ecparam -genkey} writes it (SEC1 "EC PRIVATE KEY", with its EC PARAMETERS block). */
    public static Pair ec(Path dir, String name, String curve) throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        openssl(dir, "ecparam", "-name", curve, "-genkey", "-out", key.toString());
        openssl(dir, "req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return new Pair(cert, key);
    }

    /** Rewrites a key file with openssl pkey and extra options (e.g. -traditional); returns the new file. */
    public static Path convert(Path key, String name, String... options) throws IOException, InterruptedException {
        Path out = key.resolveSibling(name);
        List<String> args = new ArrayList<>(List.of("pkey", "-in", key.toString(), "-out", out.toString()));
        args.addAll(List.of(options));
        openssl(key.getParent(), args.toArray(new String[0]));
        return out;
    }

    /** A client SSLContext that trusts exactly this certificate. */
    public static SSLContext trusting(Path cert) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Runs openssl in {@code dir}; fails the test if it fails. Returns its output (stdout and stderr). */
    public static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + output);
        return output;
    }
}
