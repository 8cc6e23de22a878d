package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The registry transport over real TLS (Debian's docker-registry with an openssl-made certificate): an
 * untrusted certificate is refused, a trusted one works, and a certificate for another host name is refused
 * even when some other component made a permissive host-name verifier the JVM-wide default.
 */
class RegistryTlsTest {

    @Test
    void certificatesAreCheckedByTheJdksRules() throws Exception {
        try (RegistryFixture ours = RegistryFixture.startWithTls("IP:127.0.0.1");
             RegistryFixture otherName = RegistryFixture.startWithTls("DNS:registry.example.invalid")) {
            ImageRef probe = ImageRef.parse(ours.host() + "/nothing/here:1");
            RegistryException untrusted = catchThrowableOfType(RegistryException.class,
                    () -> new RegistryClient(RegistryOptions.defaults()).headManifest(probe));
            assertThat(untrusted).as("a self-signed certificate nobody trusts").isNotNull();
            assertThat(untrusted.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
            assertThat(untrusted.getMessage()).contains(ours.host()).contains("trust store").contains("as an insecure registry")
                    .doesNotContain("--") // the module names no front door's flag
                    .doesNotContain("attempts"); // a certificate problem is not retried

            SSLContext previous = SSLContext.getDefault();
            HostnameVerifier previousVerifier = HttpsURLConnection.getDefaultHostnameVerifier();
            try {
                SSLContext.setDefault(trusting(ours.certificate(), otherName.certificate()));
                // Trusted: the registry answers (404 for a repository it does not have).
                assertThat(new RegistryClient(RegistryOptions.defaults()).headManifest(probe)).isEmpty();

                // Trusted but issued for another name, with a permissive JVM-wide verifier: still refused.
                HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true);
                RegistryException wrongName = catchThrowableOfType(RegistryException.class, () -> new RegistryClient(RegistryOptions.defaults())
                        .headManifest(ImageRef.parse(otherName.host() + "/nothing/here:1")));
                assertThat(wrongName).as("a certificate for registry.example.invalid, reached as 127.0.0.1").isNotNull();
                assertThat(wrongName.getMessage()).contains(otherName.host()).contains("hostname wrong").doesNotContain("attempts");
            } finally {
                SSLContext.setDefault(previous);
                HttpsURLConnection.setDefaultHostnameVerifier(previousVerifier);
            }
        }
    }

    @Test
    void aPrivateCaNamedByTheEnvironmentIsTrustedForRegistriesOnly() throws Exception {
        try (RegistryFixture ours = RegistryFixture.startWithTls("IP:127.0.0.1");
             RegistryFixture otherName = RegistryFixture.startWithTls("DNS:registry.example.invalid")) {
            ImageRef probe = ImageRef.parse(ours.host() + "/nothing/here:1");
            Map<String, String> env = Map.of(Access.REGISTRY_CA_ENV, ours.certificate() + java.io.File.pathSeparator + otherName.certificate());
            RegistryClient client = new RegistryClient(Access.fromEnvironment(env).registryOptions(List.of()));
            assertThat(client.headManifest(probe)).as("trusted through LAYERCAKE_REGISTRY_CA").isEmpty();
            // Host names are still checked, and the JVM's own trust is untouched.
            RegistryException wrongName = catchThrowableOfType(RegistryException.class,
                    () -> client.headManifest(ImageRef.parse(otherName.host() + "/nothing/here:1")));
            assertThat(wrongName).isNotNull();
            assertThat(catchThrowableOfType(RegistryException.class,
                    () -> new RegistryClient(RegistryOptions.defaults()).headManifest(probe))).isNotNull();

            Path missing = ours.certificate().resolveSibling("no-such-ca.pem");
            assertThat(catchThrowableOfType(LayercakeException.class,
                    () -> Access.fromEnvironment(Map.of(Access.REGISTRY_CA_ENV, missing.toString())).registryOptions(List.of())))
                    .hasMessageContaining(Access.REGISTRY_CA_ENV).hasMessageContaining(missing.toString());
            Path notPem = Files.writeString(ours.certificate().resolveSibling("not.pem"), "hello\n");
            assertThat(catchThrowableOfType(RegistryException.class,
                    () -> new RegistryClient(Access.fromEnvironment(Map.of(Access.REGISTRY_CA_ENV, notPem.toString())).registryOptions(List.of()))
                            .headManifest(probe))).hasMessageContaining(notPem.toString());
        }
    }

    private static SSLContext trusting(Path... certificates) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        for (int i = 0; i < certificates.length; i++) {
            try (InputStream in = Files.newInputStream(certificates[i])) {
                trust.setCertificateEntry("test-" + i, x509.generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
