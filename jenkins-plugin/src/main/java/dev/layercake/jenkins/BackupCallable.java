package dev.layercake.jenkins;

import dev.layercake.api.Layercake;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.result.BackupResult;
import dev.layercake.model.BuildInfo;
import hudson.model.TaskListener;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one backup on the agent that holds the workspace: the checkout there is the source, relative paths are
 * the workspace's, the step's credentials reach the engine as its {@code Access} for this run only. Freezing and
 * tagging the images ({@code freeze}, {@code tagImages}) are the engine's backup, as in the CLI.
 */
final class BackupCallable extends AgentCallable<BackupOutcome> {

    private static final long serialVersionUID = 1L;

    private final BackupAppStep step;
    private final BuildMetadata build;
    private final JenkinsPipelineInfo pipeline;

    BackupCallable(BackupAppStep step, StoreTarget store, BuildMetadata build, AgentSecrets secrets,
                   Map<String, String> env, String tempDir, TaskListener listener, JenkinsPipelineInfo pipeline) {
        super(store, secrets, env, tempDir, listener);
        this.step = step;
        this.build = build;
        this.pipeline = pipeline;
    }

    @Override
    BackupOutcome run(File workspace) throws IOException {
        List<String> targets = step.getImageTarget() == null ? List.of() : List.of(step.getImageTarget());
        try (AgentWorkspace agent = prepare(secrets, AgentWorkspace.registryHosts(step.images(), targets))) {
            // config.xml and jenkins.json (Jenkins version, folder, plugins) go in as pipeline files, beside the step's own.
            List<String> pipelineFiles = new ArrayList<>();
            step.pipelineFiles().forEach(f -> pipelineFiles.add(Paths.inWorkspace(workspace, f)));
            pipelineFiles.addAll(pipeline.writeTo(new File(tempDir, "layercake-pipeline-" + Long.toHexString(System.nanoTime()))));
            BackupRequest request = new BackupRequest(
                    store.toLocation(workspace),
                    step.getApp(),
                    step.release(),
                    new SourceOptions(source(workspace), step.ref(), step.include(), step.exclude(), step.isGitBundle()),
                    new BuildInfo(build.system, build.job, build.number, build.url, build.triggeredBy, build.commit),
                    new ImageOptions(step.images(), step.getImageMode(), step.getImageTarget(), step.insecureRegistries()),
                    new KubernetesOptions(
                            step.kubeconfigOn(workspace, agent),
                            step.getContext(), step.namespaces(), step.selectors(), step.getSecrets(),
                            step.encryptionKeyFileOn(workspace), step.encryptionKeyEnvOn(agent),
                            step.isAllowEmptySelection(), step.getHelmRelease(), step.getHelmNamespace()),
                    new FreezeOptions(step.isFreeze(), step.getRetainUntil(), step.isLegalHold(),
                            Paths.inWorkspace(workspace, step.getSigningKey()), step.isTagImages()),
                    step.isAllowIncomplete(), pipelineFiles);
            Layercake layercake = agent.layercake();
            BackupResult result = layercake.backup(request, progress());
            BackupOutcome outcome = BackupOutcome.of(result, store.name);
            outcome.reportFile = ReleaseReportFile.write(layercake, request.store(), result.app(), result.release(), workspace, listener);
            return outcome;
        }
    }

    /** The checkout to capture: the workspace, a folder in it, or a remote URL as given. */
    private String source(File workspace) {
        String s = step.source();
        if (s == null || s.equals(".")) {
            return workspace.getAbsolutePath();
        }
        return SourceOptions.isRemote(s) ? s : Paths.inWorkspace(workspace, s);
    }
}
