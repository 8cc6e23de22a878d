package dev.layercake.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference, {@code [registry/]repository[:tag][@sha256:hex]}, parsed by the rules docker and
 * podman use: the first path component is a registry when it has a '.' or ':' or is "localhost";
 * otherwise the registry is Docker Hub and one-component names live under {@code library/}. Without tag
 * or digest the tag is {@code latest}.
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern HOST = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\\[[0-9a-fA-F:]+](?::[0-9]+)?");

    public ImageRef {
        if (tag == null && digest == null) {
            tag = "latest";
        }
    }

    /** Parses a reference; a malformed one fails with {@link RegistryException.Kind#INVALID} naming the problem. */
    public static ImageRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(text, "it is empty");
        }
        String rest = text.trim();
        if (rest.contains("://")) {
            throw invalid(text, "an image reference has no scheme; write host/repository:tag");
        }
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw invalid(text, "the digest '" + digest + "' is not sha256:<64 lowercase hex>");
            }
        }
        String tag = null;
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "the tag '" + tag + "' is not valid (letters, digits, '_', '.', '-'; at most 128)");
            }
        }
        String registry = DOCKER_HUB;
        String repository = rest;
        int first = rest.indexOf('/');
        if (first >= 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
                registry = head;
                repository = rest.substring(first + 1);
                if (!HOST.matcher(registry).matches()) {
                    throw invalid(text, "the registry '" + registry + "' is not a host[:port]");
                }
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        if (repository.isEmpty()) {
            throw invalid(text, "it names no repository");
        }
        for (String component : repository.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(text, "the repository '" + repository + "' is not valid"
                        + (component.equals(component.toLowerCase(Locale.ROOT)) ? "" : " (it must be lowercase)"));
            }
        }
        return new ImageRef(registry, repository, tag, digest);
    }

    /** Parses {@code registry/prefix} (a target for copies): a registry host and an optional repository prefix. */
    public static ImageRef parseTarget(String text) {
        if (text == null || text.isBlank() || text.contains("@")) {
            throw invalid(text, "a target is registry[/prefix], without tag or digest");
        }
        String t = text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        int first = t.indexOf('/');
        String host = first < 0 ? t : t.substring(0, first);
        String prefix = first < 0 ? "" : t.substring(first + 1);
        if (!HOST.matcher(host).matches() || !(host.contains(".") || host.contains(":") || host.equals("localhost"))) {
            throw invalid(text, "a target starts with a registry host (with a '.' or a port, or localhost)");
        }
        for (String component : prefix.isEmpty() ? new String[0] : prefix.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(text, "the prefix '" + prefix + "' is not a valid lowercase repository path");
            }
        }
        return new ImageRef(host, prefix, "latest", null);
    }

    /**
     * Where this image goes under a target {@code registry/prefix}: the same repository path below the
     * prefix, the same tag. {@code 127.0.0.1:5000/team/app:1} under {@code backup.example/keep} is
     * {@code backup.example/keep/team/app:1}.
     */
    public ImageRef under(ImageRef target) {
        String repo = target.repository().isEmpty() ? repository : target.repository() + "/" + repository;
        return new ImageRef(target.registry(), repo, tag, digest);
    }

    public ImageRef withDigest(String newDigest) {
        return new ImageRef(registry, repository, tag, newDigest);
    }

    public ImageRef withTag(String newTag) {
        return new ImageRef(registry, repository, newTag, null);
    }

    /** The tag or, when pinned, the digest: what goes after {@code /manifests/}. */
    public String reference() {
        return digest != null ? digest : tag;
    }

    /** The host:port to contact: Docker Hub's API lives on another host than its name. */
    public String endpoint() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_ENDPOINT : registry;
    }

    /** {@code registry/repository}, without tag or digest. */
    public String name() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        return name() + (tag != null && (digest == null || !tag.equals("latest")) ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    private static RegistryException invalid(String text, String why) {
        return new RegistryException(RegistryException.Kind.INVALID, "'" + text + "' is not a valid image reference: " + why);
    }
}
