package dev.layercake.model;

/**
 * One captured Kubernetes object, stored as one blob: its own {@code digest} always identifies its bytes;
 * {@code pack} says where they are when they were stored in a pack with the other objects of a capture (null:
 * a blob of its own, as releases written before packs have). {@code namespace} is null for cluster-scoped objects.
 */
public record KubernetesResource(
        String apiVersion, String kind, String namespace, String name, Digest digest, boolean encrypted,
        PackLocation pack) {

    public KubernetesResource(String apiVersion, String kind, String namespace, String name, Digest digest, boolean encrypted) {
        this(apiVersion, kind, namespace, name, digest, encrypted, null);
    }

    /** "Kind namespace/name", for messages. */
    public String describe() {
        return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }
}
