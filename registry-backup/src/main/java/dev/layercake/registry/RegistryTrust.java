package dev.layercake.registry;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The TLS trust of registry connections: the JVM's own (its trust store, as every Java client), plus, when
 * given, the CA certificates of PEM files — for registries whose certificates a private CA issued. A chain
 * is accepted when either trusts it; host names are checked either way (by the connection).
 */
final class RegistryTrust {

    private RegistryTrust() {
    }

    /** The JVM's default context, or one trusting the JVM's CAs and those of {@code pemFiles}. */
    static SSLContext context(List<Path> pemFiles) {
        try {
            if (pemFiles.isEmpty()) {
                return SSLContext.getDefault();
            }
            X509TrustManager jvm = x509(null);
            KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
            extra.load(null, null);
            int n = 0;
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (Path pem : pemFiles) {
                Collection<? extends Certificate> certs;
                try (InputStream in = Files.newInputStream(pem)) {
                    certs = x509.generateCertificates(in);
                } catch (IOException | CertificateException e) {
                    throw new RegistryException(RegistryException.Kind.INVALID, "cannot read CA certificates from " + pem
                            + ": " + e.getMessage(), e);
                }
                if (certs.isEmpty()) {
                    throw new RegistryException(RegistryException.Kind.INVALID, pem + " holds no PEM certificate");
                }
                for (Certificate c : certs) {
                    extra.setCertificateEntry("registry-ca-" + n++, c);
                }
            }
            X509TrustManager ours = x509(extra);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {either(jvm, ours)}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return Arrays.stream(tmf.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }

    private static X509TrustManager either(X509TrustManager jvm, X509TrustManager ours) {
        return new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    jvm.checkServerTrusted(chain, authType);
                } catch (CertificateException notByTheJvm) {
                    ours.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                jvm.checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>(Arrays.asList(jvm.getAcceptedIssuers()));
                all.addAll(Arrays.asList(ours.getAcceptedIssuers()));
                return all.toArray(X509Certificate[]::new);
            }
        };
    }
}
