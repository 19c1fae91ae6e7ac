package vaultmcp.security;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import vaultmcp.config.ConfigException;

/**
 * The HTTPS listener's identity: a PEM certificate chain and a PEM private key as openssl writes
 * them (PKCS#8, PKCS#1 RSA or SEC1 EC; PKCS#1 and SEC1 are wrapped into PKCS#8 here, no library).
 * The key must prove it belongs to the first certificate. Only TLS 1.3 and 1.2 with forward-secret
 * AEAD suites are offered. Any problem stops start-up with a message naming the file's variable.
 */
public final class Tls {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----",
            Pattern.DOTALL);

    private Tls() {}

    /** An SSLContext serving the chain in {@code certFile} with the key in {@code keyFile}. */
    public static SSLContext context(Path certFile, Path keyFile) throws ConfigException {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile, chain.get(0));
        try {
            chain.get(0).checkValidity();
        } catch (GeneralSecurityException e) {
            throw problem("MCP_TLS_CERT_FILE: the certificate is not valid now (valid " + chain.get(0).getNotBefore()
                    + " to " + chain.get(0).getNotAfter() + ")");
        }
        try {
            char[] password = "in-memory".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw problem("MCP_TLS_CERT_FILE / MCP_TLS_KEY_FILE: cannot build the TLS context: " + e.getMessage());
        }
    }

    /** Applies TLS 1.3/1.2 and the AEAD, forward-secret cipher suites to every connection. */
    public static HttpsConfigurator configurator(SSLContext context) {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                p.setCipherSuites(Arrays.stream(p.getCipherSuites())
                        .filter(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_") || s.endsWith("_SCSV")
                                || s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("_CHACHA20_")))
                        .toArray(String[]::new));
                params.setSSLParameters(p);
            }
        };
    }

    private static List<X509Certificate> certificates(Path file) throws ConfigException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (MatchResult block : blocks(file, "MCP_TLS_CERT_FILE")) {
                if (block.group(1).equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(block))));
                }
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw problem("MCP_TLS_CERT_FILE: " + file + " holds a damaged certificate");
        }
        if (chain.isEmpty()) {
            throw problem("MCP_TLS_CERT_FILE: no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file, X509Certificate certificate) throws ConfigException {
        MatchResult pem = blocks(file, "MCP_TLS_KEY_FILE").stream()
                .filter(b -> b.group(1).endsWith("PRIVATE KEY")).findFirst()
                .orElseThrow(() -> problem("MCP_TLS_KEY_FILE: no PEM private key"
                        + " (-----BEGIN ... PRIVATE KEY-----) in " + file));
        String type = pem.group(1);
        if (type.startsWith("ENCRYPTED") || pem.group(2).contains("ENCRYPTED")) {
            throw problem("MCP_TLS_KEY_FILE: the key is encrypted; write it unencrypted "
                    + "(openssl pkey -in k.pem -out plain.pem) and protect the file");
        }
        PrivateKey key;
        try {
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> decode(pem);
                // PKCS#8 is SEQUENCE { version 0, algorithm, OCTET STRING { the PKCS#1 or SEC1 key } }.
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
                        tlv(0x30, tlv(0x02, new byte[] {0}), algorithm(certificate), tlv(0x04, decode(pem)));
                default -> throw problem("MCP_TLS_KEY_FILE: unsupported key type \"" + type + "\"");
            };
            key = KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw problem("MCP_TLS_KEY_FILE: " + file + " is not a valid " + certificate.getPublicKey().getAlgorithm()
                    + " private key, or not the key of the certificate in MCP_TLS_CERT_FILE");
        }
        if (!provesPossession(key, certificate)) {
            throw problem("MCP_TLS_KEY_FILE: the key does not match the certificate in MCP_TLS_CERT_FILE");
        }
        return key;
    }

    /** Signs a challenge with the key and checks the signature with the certificate's public key. */
    private static boolean provesPossession(PrivateKey key, X509Certificate certificate) throws ConfigException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> throw problem("MCP_TLS_KEY_FILE: unsupported key algorithm " + key.getAlgorithm()
                    + " (use RSA, EC or EdDSA)");
        };
        try {
            byte[] challenge = "proof of possession".getBytes(StandardCharsets.US_ASCII);
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(challenge);
            byte[] signed = signature.sign();
            signature.initVerify(certificate.getPublicKey());
            signature.update(challenge);
            return signature.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The PEM blocks of a file: group 1 the type, group 2 the base64 body. */
    private static List<MatchResult> blocks(Path file, String variable) throws ConfigException {
        try {
            return PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII)).results().toList();
        } catch (IOException e) {
            throw problem(variable + ": cannot read " + file);
        }
    }

    /** A PEM block's body; the MIME decoder skips the line breaks. */
    private static byte[] decode(MatchResult block) {
        return Base64.getMimeDecoder().decode(block.group(2));
    }

    /** The AlgorithmIdentifier (rsaEncryption, or ecPublicKey and curve): the first element of the key's SPKI. */
    private static byte[] algorithm(X509Certificate certificate) {
        byte[] spki = certificate.getPublicKey().getEncoded();
        // Past the outer SEQUENCE's tag and length (short or long form). An RSA or EC AlgorithmIdentifier is
        // shorter than 128 bytes, so its own length is the one byte after its tag.
        int start = spki[1] < 0 ? 2 + (spki[1] & 0x7f) : 2;
        return Arrays.copyOfRange(spki, start, start + 2 + spki[start + 1]);
    }

    /** A DER element of {@code tag} holding the concatenated parts (shorter than 64 KiB). */
    private static byte[] tlv(int tag, byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(part -> part.length).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        out.writeBytes(n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n});
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static ConfigException problem(String message) {
        return new ConfigException(List.of(message));
    }
}
