package dev.layercake.model;

/**
 * One captured Kubernetes object: its own {@code digest} always identifies its bytes; {@code pack} says where
 * they are when they sit in a pack with other objects (null: a blob of its own at {@code digest}, as Secrets are
 * and as every object of a release written before packs is). {@code namespace} is null for cluster-scoped objects.
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
