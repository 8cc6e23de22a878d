package dev.layercake.restore;

import dev.layercake.api.request.RestoreRequest;
import dev.layercake.kube.RestoreTarget;


/** The request's Kubernetes target as kube's own {@link RestoreTarget}. */
public final class KubeRestoreTargets {

    private KubeRestoreTargets() {
    }

    public static RestoreTarget of(RestoreRequest.KubernetesTarget t) {
        return new RestoreTarget(t.kubeconfig(), t.context(), t.namespaceMapping(),
                RestoreTarget.Existing.valueOf(t.existing().name()), t.pinImages(), t.imagesFrom(),
                t.encryptionKeyFile(), t.encryptionKeyEnv());
    }
}
