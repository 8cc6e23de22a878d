package dev.layercake.registry;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.function.Predicate;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The scheme and TLS layer: which registries are spoken to over plain HTTP (only those allowed as
 * insecure registries; there is no fallback from HTTPS to HTTP), and the TLS trust of every HTTPS
 * connection (the JVM's defaults, plus a private CA's certificates when given, host names always
 * checked). A TLS failure a retry cannot mend becomes an UNAVAILABLE {@link RegistryException} here,
 * so the retry layer above never sees it.
 */
final class SchemeAndTrust implements Transport {

    /**
     * The JDK checks the certificate's host name itself and asks this verifier only when that check failed:
     * answering no keeps the check strict even if a permissive verifier was made the JVM-wide default.
     */
    private static final HostnameVerifier STRICT_HOSTNAMES = (host, session) -> false;

    private final Predicate<String> insecure;
    private final List<Path> trustedCertificates;
    private final Transport next;
    private volatile SSLContext context;

    SchemeAndTrust(Predicate<String> insecure, List<Path> trustedCertificates, java.time.Duration connectTimeout) {
        this.insecure = insecure;
        this.trustedCertificates = List.copyOf(trustedCertificates);
        this.next = new HttpTransport(connectTimeout, this::secure);
    }

    /** {@code http://registry} for an insecure registry, else {@code https://registry}. */
    URI base(String registry) {
        return URI.create((insecure.test(registry) ? "http://" : "https://") + registry);
    }

    @Override
    public Response send(Request request) {
        try {
            return next.send(request);
        } catch (UncheckedIOException e) {
            if (isTlsMisconfiguration(e)) {
                // Not transient: an untrusted or misnamed certificate, or TLS spoken to a plain-HTTP registry.
                String host = request.scopes.isEmpty() ? request.uri.getAuthority() : request.registry;
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "TLS with " + host + " failed ("
                        + RegistryException.describe(e) + "). If a private CA issued its certificate, trust that CA's certificate for"
                        + " registries (or add it to the JVM's trust store); if " + host + " speaks plain HTTP, allow it"
                        + " as an insecure registry", e);
            }
            throw e;
        }
    }

    /** TLS as the JDK defaults it, whatever another component set as the JVM-wide HTTPS defaults. */
    private void secure(HttpsURLConnection https) {
        https.setSSLSocketFactory(context().getSocketFactory());
        https.setHostnameVerifier(STRICT_HOSTNAMES);
    }

    /** The JVM's default context, or (with trusted certificates given, read once) one that also trusts those CAs. */
    SSLContext context() {
        if (trustedCertificates.isEmpty()) {
            return RegistryTrust.context(List.of());
        }
        SSLContext ctx = context;
        if (ctx == null) {
            synchronized (this) {
                if (context == null) {
                    context = RegistryTrust.context(trustedCertificates);
                }
                ctx = context;
            }
        }
        return ctx;
    }

    /**
     * A TLS failure that a retry cannot mend: the certificate chain is not trusted, the certificate names
     * another host, or the server does not speak TLS at all. (A connection reset during a handshake is
     * transient and retried as usual.)
     */
    static boolean isTlsMisconfiguration(Throwable e) {
        if (RegistryException.findCause(e, CertificateException.class) != null) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.startsWith("HTTPS hostname wrong") || (t instanceof SSLException && m.contains("Unsupported or unrecognized SSL message"))) {
                return true;
            }
        }
        return false;
    }
}
