package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;

import java.util.List;

/**
 * Rewrites the images of restored workloads: {@code pin} replaces each tag with the digest the release
 * recorded for it; {@code imagesFrom} moves each image to the backup registry/prefix (a registry copy
 * recorded under that prefix when there is one, else the prefix plus the image's repository path).
 */
final class ImageRewriter {

    private final List<ImageEntry> images;
    private final boolean pin;
    private final String imagesFrom;

    ImageRewriter(List<ImageEntry> images, boolean pin, String imagesFrom) {
        this.images = images;
        this.pin = pin;
        this.imagesFrom = imagesFrom == null || imagesFrom.isBlank() ? null : trimSlash(imagesFrom);
    }

    boolean active() {
        return pin || imagesFrom != null;
    }

    /** Rewrites the containers of the object's pod template in place; returns "old -> new" lines. */
    List<String> rewrite(ObjectNode object) {
        ObjectId id = ObjectId.of(object);
        KubeRules.PodTemplate t = KubeRules.podTemplate(id.type());
        if (t == null || !active()) {
            return List.of();
        }
        List<String> changes = new java.util.ArrayList<>();
        JsonNode spec = object.at(t.specPointer());
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                String image = c.path("image").asText("");
                if (image.isEmpty()) {
                    continue;
                }
                String rewritten = rewrite(image);
                if (!rewritten.equals(image)) {
                    ((ObjectNode) c).put("image", rewritten);
                    changes.add(image + " -> " + rewritten);
                }
            }
        }
        return changes;
    }

    String rewrite(String image) {
        ImageEntry entry = find(image);
        String repo = repository(image);
        String digest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : null;
        if (pin && entry != null && entry.digest() != null) {
            digest = entry.digest().toString();
        }
        String suffix = digest != null ? "@" + digest : tagSuffix(image);
        if (imagesFrom != null) {
            if (entry != null) {
                for (ImageCopy copy : entry.copies()) {
                    if (ImageCopy.REGISTRY.equals(copy.type()) && copy.location() != null && copy.location().startsWith(imagesFrom + "/")) {
                        return repository(copy.location()) + suffix;
                    }
                }
            }
            return imagesFrom + "/" + pathWithoutRegistry(repo) + suffix;
        }
        return repo + suffix;
    }

    private ImageEntry find(String image) {
        for (ImageEntry e : images) {
            if (e.ref().equals(image) || normalize(e.ref()).equals(normalize(image))) {
                return e;
            }
        }
        return null;
    }

    /** docker.io/library/nginx:latest for nginx, so short and long spellings match. */
    static String normalize(String ref) {
        String repo = repository(ref);
        String suffix = ref.substring(repo.length());
        if (suffix.isEmpty()) {
            suffix = ":latest";
        }
        String first = repo.contains("/") ? repo.substring(0, repo.indexOf('/')) : "";
        boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
        if (!hasRegistry) {
            repo = "docker.io/" + (repo.contains("/") ? repo : "library/" + repo);
        }
        return repo + suffix;
    }

    /** The reference without tag and digest. */
    static String repository(String ref) {
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        if (colon > slash) {
            r = r.substring(0, colon);
        }
        return r;
    }

    private static String tagSuffix(String ref) {
        String noDigest = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        return noDigest.substring(repository(noDigest).length());
    }

    private static String pathWithoutRegistry(String repo) {
        int slash = repo.indexOf('/');
        if (slash < 0) {
            return repo;
        }
        String first = repo.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? repo.substring(slash + 1) : repo;
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
