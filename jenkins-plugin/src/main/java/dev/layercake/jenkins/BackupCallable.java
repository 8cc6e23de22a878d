package dev.layercake.jenkins;

import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.backup.BackupSteps;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.BuildInfo;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one backup on the agent that holds the workspace: the checkout there is the source, relative paths are
 * the workspace's, secrets become files and variables only for the engine's run.
 */
final class BackupCallable extends MasterToSlaveFileCallable<BackupOutcome> {

    private static final long serialVersionUID = 1L;

    private final BackupAppStep step;
    private final StoreTarget store;
    private final BuildMetadata build;
    private final AgentSecrets secrets;
    private final Map<String, String> env;
    private final String tempDir;
    private final TaskListener listener;
    private final JenkinsPipelineInfo pipeline;

    BackupCallable(BackupAppStep step, StoreTarget store, BuildMetadata build, AgentSecrets secrets,
                   Map<String, String> env, String tempDir, TaskListener listener, JenkinsPipelineInfo pipeline) {
        this.step = step;
        this.store = store;
        this.build = build;
        this.secrets = secrets;
        this.env = env;
        this.tempDir = tempDir;
        this.listener = listener;
        this.pipeline = pipeline;
    }

    @Override
    public BackupOutcome invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        List<String> targets = new ArrayList<>();
        if (step.getImageTarget() != null) {
            targets.add(step.getImageTarget());
        }
        try (AgentWorkspace agent = AgentWorkspace.prepare(new File(tempDir), env, secrets,
                AgentWorkspace.registryHosts(step.images(), targets))) {
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
                            Paths.either(Paths.inWorkspace(workspace, step.getKubeconfig()), agent.kubeconfigFile()),
                            step.getContext(), step.namespaces(), step.selectors(), step.getSecrets(),
                            Paths.either(Paths.inWorkspace(workspace, step.getEncryptionKeyFile()), agent.encryptionKeyFile()),
                            step.getEncryptionKeyEnv(), step.isAllowEmptySelection(), step.getHelmRelease(), step.getHelmNamespace()),
                    new FreezeOptions(step.isFreeze(), step.getRetainUntil(), step.isLegalHold(),
                            Paths.inWorkspace(workspace, step.getSigningKey()), step.isTagImages()),
                    step.isAllowIncomplete(), pipelineFiles);
            BackupResult result = new BackupEngine(BackupSteps.defaults(), agent.env(), Clock.systemUTC())
                    .backup(request, new TaskListenerProgress(listener));
            BackupOutcome outcome = BackupOutcome.of(result, store.name);
            outcome.reportFile = ReleaseReportFile.write(request.store(), agent.env(), result.app(), result.release(), workspace, listener);
            return outcome;
        } catch (RuntimeException e) {
            throw AgentFailures.toTransferable(e);
        }
    }

    /** The checkout to capture: the workspace, a folder in it, or a remote URL as given. */
    private String source(File workspace) {
        String s = step.source();
        if (s == null || s.equals(".")) {
            return workspace.getAbsolutePath();
        }
        return Paths.isRemote(s) ? s : Paths.inWorkspace(workspace, s);
    }
}
