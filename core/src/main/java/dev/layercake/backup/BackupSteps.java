package dev.layercake.backup;

import dev.layercake.capture.BackupStep;
import dev.layercake.coverage.CoverageStep;
import dev.layercake.pipeline.PipelineStep;
import dev.layercake.images.ImageBackupStep;
import dev.layercake.kube.KubernetesCaptureStep;

import java.util.List;

/**
 * The steps after source capture, in order: Kubernetes first (it finds workload images), then what the release
 * does not cover (it scans the sources and the live objects) and the pipeline, images last.
 */
public final class BackupSteps {

    private BackupSteps() {
    }

    public static List<BackupStep> defaults() {
        return List.of(new KubernetesCaptureStep(), new CoverageStep(), new PipelineStep(), new ImageBackupStep());
    }
}
