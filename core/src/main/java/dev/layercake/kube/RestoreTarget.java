package dev.layercake.kube;

import java.util.Map;

/**
 * Where and how {@link KubernetesRestore} applies a release's objects: the cluster (kubeconfig, context), the
 * namespace mapping (old to new), what to do with objects that exist already, the image rewriting and the key of
 * encrypted Secrets. Kube's own type: the restore engine builds it from its request.
 */
public record RestoreTarget(String kubeconfig, String context, Map<String, String> namespaceMapping, Existing existing,
                            boolean pinImages, String imagesFrom, String encryptionKeyFile, String encryptionKeyEnv) {

    /** What is done with an object that exists on the target. */
    public enum Existing {
        /** Left as it is. */
        SKIP,
        /** Replaced by the release's ({@link KubeRules#UPDATE_RULES}). */
        UPDATE,
        /** Nothing is applied when any exists. */
        FAIL
    }

    public static final String DEFAULT_KEY_ENV = "LAYERCAKE_ENCRYPTION_KEY";

    public RestoreTarget {
        namespaceMapping = namespaceMapping == null ? Map.of() : Map.copyOf(namespaceMapping);
        existing = existing == null ? Existing.SKIP : existing;
        encryptionKeyEnv = encryptionKeyEnv == null || encryptionKeyEnv.isBlank() ? DEFAULT_KEY_ENV : encryptionKeyEnv;
    }
}
