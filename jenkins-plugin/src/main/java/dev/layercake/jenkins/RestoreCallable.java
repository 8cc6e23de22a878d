package dev.layercake.jenkins;

import dev.layercake.restore.RestoreEngine;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.result.RestoreResult;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one restore on the agent; folders the step names are the workspace's when relative. */
final class RestoreCallable extends MasterToSlaveFileCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final RestoreAppStep step;
    private final StoreTarget store;
    private final AgentSecrets secrets;
    private final Map<String, String> env;
    private final String tempDir;
    private final TaskListener listener;

    RestoreCallable(RestoreAppStep step, StoreTarget store, AgentSecrets secrets, Map<String, String> env,
                    String tempDir, TaskListener listener) {
        this.step = step;
        this.store = store;
        this.secrets = secrets;
        this.env = env;
        this.tempDir = tempDir;
        this.listener = listener;
    }

    @Override
    public LinkedHashMap<String, Object> invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        List<String> targets = new ArrayList<>();
        if (step.getImagesTo() != null) {
            targets.add(step.getImagesTo());
        }
        if (step.getImagesFrom() != null) {
            targets.add(step.getImagesFrom());
        }
        try (AgentWorkspace agent = AgentWorkspace.prepare(new File(tempDir), env, secrets,
                AgentWorkspace.registryHosts(List.of(), targets))) {
            RestoreRequest.KubernetesTarget cluster = new RestoreRequest.KubernetesTarget(step.toCluster(),
                    Paths.either(Paths.inWorkspace(workspace, step.getKubeconfig()), agent.kubeconfigFile()),
                    step.getContext(),
                    RestoreRequest.KubernetesTarget.parseMapping(step.namespaceMappings()),
                    step.getExisting(), step.isPinImages(), step.getImagesFrom(),
                    Paths.either(Paths.inWorkspace(workspace, step.getEncryptionKeyFile()), agent.encryptionKeyFile()),
                    step.getEncryptionKeyEnv());
            LinkedHashMap<String, Object> pipeline = null;
            if (step.getPipelineTo() != null) {
                try (dev.layercake.store.ReleaseStore releases = dev.layercake.store.ReleaseStore.open(store.toLocation(workspace), agent.env())) {
                    dev.layercake.api.result.PipelineFilesWritten p = dev.layercake.pipeline.PipelineRestore.restore(releases,
                            releases.readManifest(step.getApp(), step.getRelease()),
                            new File(Paths.inWorkspace(workspace, step.getPipelineTo())).toPath(), step.isDryRun());
                    pipeline = new LinkedHashMap<>();
                    pipeline.put("directory", p.directory().toString());
                    pipeline.put("written", new ArrayList<>(p.written()));
                    pipeline.put("unchanged", new ArrayList<>(p.unchanged()));
                }
                if (step.getSourcesTo() == null && step.getImagesTo() == null && !step.toCluster()) {
                    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
                    m.put("app", step.getApp());
                    m.put("release", step.getRelease());
                    m.put("dryRun", step.isDryRun());
                    m.put("pipeline", pipeline);
                    return m;
                }
            }
            RestoreRequest request = new RestoreRequest(store.toLocation(workspace), step.getApp(), step.getRelease(),
                    Paths.inWorkspace(workspace, step.getSourcesTo()), step.getImagesTo(), step.insecureRegistries(),
                    cluster, step.isDryRun(), Paths.inWorkspace(workspace, step.getPublicKey()), step.isRequireSignature());
            // The engine's environment carries the store's AWS credentials and DOCKER_CONFIG.
            RestoreResult r = new RestoreEngine(agent.env()).restore(request, new TaskListenerProgress(listener));
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("app", r.app());
            m.put("release", r.release());
            m.put("manifestDigest", r.manifestDigest().toString());
            m.put("dryRun", r.dryRun());
            m.put("sourcesTo", r.sourcesTo());
            m.put("filesWritten", r.filesWritten());
            m.put("filesUnchanged", r.filesUnchanged());
            m.put("imagesPushed", new ArrayList<>(r.imagesPushed()));
            m.put("signature", r.signature());
            m.put("complete", r.complete());
            // Names and reasons only ("1 Secret(s) in namespace shop: ..."), never a value.
            m.put("incomplete", new ArrayList<>(r.incomplete().stream().map(Object::toString).toList()));
            if (pipeline != null) {
                m.put("pipeline", pipeline);
            }
            return m;
        } catch (RuntimeException e) {
            throw AgentFailures.toTransferable(e);
        }
    }
}
