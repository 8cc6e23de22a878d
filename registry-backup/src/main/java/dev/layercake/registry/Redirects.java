package dev.layercake.registry;

import java.net.URI;

/**
 * The redirect layer, for blob downloads: a registry may answer a blob GET with a redirect to its storage
 * backend (S3, a CDN). Up to {@value #MAX_HOPS} hops are followed, each sent through {@code plain}
 * (retried, TLS-checked, but without the registry's credentials: the backend's URL carries its own
 * signature, and the registry's token must not leak to another host). Requests that are not redirected
 * pass through; a response still redirecting after the last hop is returned as is.
 */
final class Redirects implements Transport {

    static final int MAX_HOPS = 5;

    private final Transport authenticated;
    private final Transport plain;

    Redirects(Transport authenticated, Transport plain) {
        this.authenticated = authenticated;
        this.plain = plain;
    }

    @Override
    public Response send(Request request) {
        Response r = authenticated.send(request);
        URI at = request.uri;
        for (int hops = 0; r.isRedirect() && hops < MAX_HOPS; hops++) {
            String location = r.header("Location");
            r.close();
            if (location == null) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, request.registry
                        + " redirected " + request.what + " without a Location");
            }
            at = at.resolve(location);
            r = plain.send(Request.plain("GET", at, request.registry, request.what + " redirected to " + at.getHost()));
        }
        return r;
    }
}
