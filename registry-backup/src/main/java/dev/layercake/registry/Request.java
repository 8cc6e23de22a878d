package dev.layercake.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the transport layers see it: where it goes, which registry and auth scopes it
 * belongs to (none for a token service or a storage redirect), its headers and body, and whether a
 * layer may send it again. Built by {@link RegistryClient}; each layer that adds a header copies it.
 */
final class Request {

    final String method;
    final URI uri;
    /** The registry the request is for: credentials, challenges and messages are per registry. */
    final String registry;
    /** For messages: {@code repo/manifests/tag}, {@code repo upload}, {@code token service}. */
    final String what;
    /** Auth scopes ({@code repository:a/b:pull}); empty: sent without registry auth. */
    final List<String> scopes;
    final Map<String, String> headers;
    /** A small body held in memory (a manifest; empty for POSTs), sent with its Content-Length. */
    final byte[] bytes;
    /** A streamed body (blob bytes), re-opened by whoever sends the request again. */
    final RegistryClient.ContentOpener stream;
    final long streamLength;
    /** False for a request whose body must not be sent twice on one session (a streamed upload PUT). */
    final boolean retryable;

    private Request(String method, URI uri, String registry, String what, List<String> scopes, Map<String, String> headers,
                    byte[] bytes, RegistryClient.ContentOpener stream, long streamLength, boolean retryable) {
        this.method = method;
        this.uri = uri;
        this.registry = registry;
        this.what = what;
        this.scopes = List.copyOf(scopes);
        this.headers = headers;
        this.bytes = bytes;
        this.stream = stream;
        this.streamLength = streamLength;
        this.retryable = retryable;
    }

    /** A request for {@code registry}'s repository {@code repository} needing {@code actions} on it. */
    static Request to(String method, URI uri, String registry, String repository, String actions, String what) {
        return new Request(method, uri, registry, what, List.of("repository:" + repository + ":" + actions),
                new LinkedHashMap<>(), null, null, -1, true);
    }

    /** A request outside the registry's auth: its token service, or a storage backend it redirected to. */
    static Request plain(String method, URI uri, String registry, String what) {
        return new Request(method, uri, registry, what, List.of(), new LinkedHashMap<>(), null, null, -1, true);
    }

    Request header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Request(method, uri, registry, what, scopes, h, bytes, stream, streamLength, retryable);
    }

    Request bytes(byte[] body) {
        return new Request(method, uri, registry, what, scopes, headers, body, stream, streamLength, retryable);
    }

    Request stream(RegistryClient.ContentOpener opener, long length) {
        return new Request(method, uri, registry, what, scopes, headers, bytes, opener, length, retryable);
    }

    Request extraScope(String scope) {
        List<String> s = new ArrayList<>(scopes);
        s.add(scope);
        return new Request(method, uri, registry, what, s, headers, bytes, stream, streamLength, retryable);
    }

    Request noRetry() {
        return new Request(method, uri, registry, what, scopes, headers, bytes, stream, streamLength, false);
    }

    /** The scopes as one token-cache key and {@code scope} parameter list. */
    String scope() {
        return String.join(" ", scopes);
    }

    /** The repository named by the first scope, for messages. */
    String repository() {
        if (scopes.isEmpty()) {
            return what;
        }
        String s = scopes.get(0);
        return s.substring("repository:".length(), s.lastIndexOf(':'));
    }
}
