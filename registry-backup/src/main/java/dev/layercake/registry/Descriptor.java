package dev.layercake.registry;

import java.util.Map;

/**
 * An OCI content descriptor: digest, size, media type, and for index entries the platform
 * ({@code os/arch[/variant]}) and artifact type. Annotations are kept for referrers (signatures, SBOMs).
 */
public record Descriptor(String digest, long size, String mediaType, String platform, String artifactType,
                         Map<String, String> annotations) {

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Descriptor of(String digest, long size, String mediaType) {
        return new Descriptor(digest, size, mediaType, null, null, Map.of());
    }

    /** The hex part of the digest. */
    public String hex() {
        return digest.substring(digest.indexOf(':') + 1);
    }
}
