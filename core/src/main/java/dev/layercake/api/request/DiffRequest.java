package dev.layercake.api.request;

import java.util.Objects;

/**
 * A release's Kubernetes objects compared with another release ({@code against}) or, when {@code against} is null,
 * with the live cluster named by {@code live}. The key decrypts Secrets to compare them (values never printed).
 */
public record DiffRequest(StoreLocation store, String app, String release, String against,
                          RestoreRequest.KubernetesTarget live, String encryptionKeyFile, String encryptionKeyEnv) {

    public DiffRequest {
        Objects.requireNonNull(store, "store");
        live = live == null ? RestoreRequest.KubernetesTarget.disabled() : live;
    }
}
