package vaultmcp.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import vaultmcp.config.ConfigException;

/**
 * Which certificates Vault's TLS certificate may chain to: the JDK's defaults, or the operator's PEM bundle
 * (VAULT_CACERT) and directory (VAULT_CAPATH), as the Vault CLI does. Only configuration can skip verification.
 */
public final class VaultTrust {
    private VaultTrust() {}

    /** Null means "the JDK's default trust store". */
    public static SSLContext context(Path caCert, Path caPath, boolean skipVerify) throws ConfigException {
        if (!skipVerify && caCert == null && caPath == null) {
            return null;
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, skipVerify ? new TrustManager[] {new TrustAll()} : trustManagers(caCert, caPath), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(List.of("VAULT_CACERT / VAULT_CAPATH: " + e.getMessage()));
        }
    }

    /** Trust in the certificates of the PEM file and of the files in the directory (either may be null). */
    private static TrustManager[] trustManagers(Path caCert, Path caPath) throws IOException, GeneralSecurityException {
        List<Certificate> certificates = new ArrayList<>();
        if (caCert != null) {
            certificates.addAll(read(caCert));
        }
        if (caPath != null) {
            try (Stream<Path> files = Files.list(caPath)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    certificates.addAll(read(file));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificates found");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("ca-" + i, certificates.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust.getTrustManagers();
    }

    private static List<? extends Certificate> read(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(file + " does not hold PEM certificates");
        }
    }

    /** Accepts any certificate: VAULT_SKIP_VERIFY=true, for test setups only (logged loudly). */
    private static final class TrustAll implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
