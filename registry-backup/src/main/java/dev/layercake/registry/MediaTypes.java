package dev.layercake.registry;

import java.util.List;

/** The manifest media types this client reads, and which of them are indexes (lists of manifests). */
public final class MediaTypes {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

    /** What we ask for on manifest GET/HEAD: every current format, so nothing gets converted. */
    public static final List<String> ACCEPT = List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

    private static final List<String> INDEXES = List.of(OCI_INDEX, DOCKER_LIST);
    private static final List<String> MANIFESTS = List.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final List<String> SCHEMA1 = List.of(DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED);

    private MediaTypes() {
    }

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }

    public static boolean isSchema1(String mediaType) {
        return SCHEMA1.contains(mediaType);
    }

    public static boolean isAnyManifest(String mediaType) {
        return isIndex(mediaType) || isManifest(mediaType);
    }
}
