package dev.layercake.backup;

import dev.layercake.capture.BackupStep;
import dev.layercake.images.ImageBackupStep;
import dev.layercake.kube.KubernetesCaptureStep;

import java.util.List;

/** The steps after source capture, in order: Kubernetes first (it finds workload images), images last. */
public final class BackupSteps {

    private BackupSteps() {
    }

    public static List<BackupStep> defaults() {
        return List.of(new KubernetesCaptureStep(), new ImageBackupStep());
    }
}
