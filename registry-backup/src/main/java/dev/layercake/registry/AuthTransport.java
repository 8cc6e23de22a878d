package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The auth layer: anonymous until a registry challenges ({@code 401} with {@code WWW-Authenticate}), then
 * Basic with the registry's credentials, or a Bearer token fetched from the challenge's realm (with the
 * Basic credentials when there are any) for the request's scopes and kept in a {@link TokenCache}. A
 * request refused again after answering the challenge, or a 403, is an AUTH {@link RegistryException}
 * naming registry and repository, never the credentials. Requests without scopes pass through untouched.
 */
final class AuthTransport implements Transport {

    private final Transport next;
    private final CredentialProvider credentials;
    private final TokenCache tokens;
    /** Per registry: the auth scheme it asked for (absent until challenged). */
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();

    AuthTransport(Transport next, CredentialProvider credentials, TokenCache tokens) {
        this.next = next;
        this.credentials = credentials;
        this.tokens = tokens;
    }

    @Override
    public Response send(Request request) {
        if (request.scopes.isEmpty()) {
            return next.send(request);
        }
        Response r = next.send(authorized(request));
        if (r.status() == 401) {
            String header = r.header("WWW-Authenticate");
            r.close();
            Challenge challenge = Challenge.parse(header);
            challenges.put(request.registry, challenge);
            if (challenge.isBearer()) {
                fetchToken(request, challenge);
            } else if (credentials.credentials(request.registry).isEmpty()) {
                throw new RegistryException(RegistryException.Kind.AUTH, request.registry + " requires credentials and none were"
                        + " found for it; log in (docker/podman login) or point DOCKER_CONFIG at a config.json with them");
            }
            r = next.send(authorized(request));
            if (r.status() == 401) {
                r.close();
                throw refused(request);
            }
        }
        if (r.status() == 403) {
            String text = r.errorText();
            r.close();
            throw new RegistryException(RegistryException.Kind.AUTH, request.registry + " denied " + request.method + " on "
                    + request.repository() + " (" + text + "); check the account's permissions for this repository");
        }
        return r;
    }

    /** The request with the Authorization its registry asked for: a cached (or freshly fetched) token, or Basic. */
    private Request authorized(Request request) {
        Challenge c = challenges.get(request.registry);
        if (c == null) {
            return request;
        }
        if (c.isBearer()) {
            String token = tokens.get(request.registry, request.scope()).orElseGet(() -> fetchToken(request, c));
            return request.header("Authorization", "Bearer " + token);
        }
        return credentials.credentials(request.registry).map(creds -> request.header("Authorization", basic(creds))).orElse(request);
    }

    private String fetchToken(Request request, Challenge challenge) {
        String registry = request.registry;
        String realm = challenge.params().get("realm");
        if (realm == null) {
            throw new RegistryException(RegistryException.Kind.AUTH, registry + " asked for a bearer token without naming a realm");
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (challenge.params().get("service") != null) {
            q.append("service=").append(enc(challenge.params().get("service"))).append('&');
        }
        for (String scope : request.scopes) {
            q.append("scope=").append(enc(scope)).append('&');
        }
        URI tokenUri;
        try {
            tokenUri = URI.create(q.substring(0, q.length() - 1));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.AUTH, registry + " named an invalid token realm");
        }
        Optional<Credentials> creds = credentials.credentials(registry);
        Request get = Request.plain("GET", tokenUri, registry, "token service " + tokenUri.getHost());
        if (creds.isPresent()) {
            get = get.header("Authorization", basic(creds.get()));
        }
        try (Response r = next.send(get)) {
            if (r.status() == 401 || r.status() == 403) {
                throw creds.isPresent()
                        ? new RegistryException(RegistryException.Kind.AUTH, "the token service of " + registry + " ("
                        + tokenUri.getHost() + ") refused the credentials found for " + registry + "; log in again")
                        : new RegistryException(RegistryException.Kind.AUTH, registry + " refused anonymous access to "
                        + request.repository() + "; log in (docker/podman login) or point DOCKER_CONFIG at a config.json with credentials");
            }
            if (r.status() != 200) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the token service of " + registry
                        + " answered HTTP " + r.status());
            }
            JsonNode json = r.json("token from " + tokenUri.getHost());
            String token = json.path("token").asText(json.path("access_token").asText(null));
            if (token == null || token.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.AUTH, "the token service of " + registry + " returned no token");
            }
            long expiresIn = json.path("expires_in").asLong(0);
            tokens.put(registry, request.scope(), token, Duration.ofSeconds(Math.max(0, Math.min(expiresIn, 24 * 3600))));
            return token;
        }
    }

    private RegistryException refused(Request request) {
        boolean hasCreds = credentials.credentials(request.registry).isPresent();
        return new RegistryException(RegistryException.Kind.AUTH, hasCreds
                ? request.registry + " refused the credentials found for it (" + request.method + " " + request.repository()
                + "); log in again or fix the entry in the docker config"
                : request.registry + " requires credentials for " + request.repository() + " and none were found; log in"
                + " (docker/podman login) or point DOCKER_CONFIG at a config.json with them");
    }

    private static String basic(Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
