package dev.layercake.model;

/** One captured Kubernetes object, stored as one blob. {@code namespace} is null for cluster-scoped objects. */
public record KubernetesResource(
        String apiVersion, String kind, String namespace, String name, Digest digest, boolean encrypted) {
}
