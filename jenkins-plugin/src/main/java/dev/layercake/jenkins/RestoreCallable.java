package dev.layercake.jenkins;

import dev.layercake.api.Layercake;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.PipelineFilesWritten;
import dev.layercake.api.result.RestoreResult;
import hudson.model.TaskListener;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one restore on the agent; folders the step names are the workspace's when relative. */
final class RestoreCallable extends AgentCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final RestoreAppStep step;

    RestoreCallable(RestoreAppStep step, StoreTarget store, AgentSecrets secrets, Map<String, String> env,
                    String tempDir, TaskListener listener) {
        super(store, secrets, env, tempDir, listener);
        this.step = step;
    }

    @Override
    LinkedHashMap<String, Object> run(File workspace) throws IOException {
        List<String> targets = new ArrayList<>();
        if (step.getImagesTo() != null) {
            targets.add(step.getImagesTo());
        }
        if (step.getImagesFrom() != null) {
            targets.add(step.getImagesFrom());
        }
        try (AgentWorkspace agent = prepare(secrets, AgentWorkspace.registryHosts(List.of(), targets))) {
            Layercake layercake = agent.layercake();
            StoreLocation location = store.toLocation(workspace);
            LinkedHashMap<String, Object> pipeline = null;
            if (step.getPipelineTo() != null) {
                PipelineFilesWritten p = layercake.restorePipeline(location, step.getApp(), step.getRelease(),
                        new File(Paths.inWorkspace(workspace, step.getPipelineTo())).toPath(), step.isDryRun());
                pipeline = new LinkedHashMap<>();
                pipeline.put("directory", p.directory().toString());
                pipeline.put("written", new ArrayList<>(p.written()));
                pipeline.put("unchanged", new ArrayList<>(p.unchanged()));
                if (step.getSourcesTo() == null && step.getImagesTo() == null && !step.toCluster()) {
                    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
                    m.put("app", step.getApp());
                    m.put("release", step.getRelease());
                    m.put("dryRun", step.isDryRun());
                    m.put("pipeline", pipeline);
                    return m;
                }
            }
            RestoreRequest.KubernetesTarget cluster = new RestoreRequest.KubernetesTarget(step.toCluster(),
                    step.kubeconfigOn(workspace, agent), step.getContext(),
                    RestoreRequest.KubernetesTarget.parseMapping(step.namespaceMappings()),
                    step.getExisting(), step.isPinImages(), step.getImagesFrom(),
                    step.encryptionKeyFileOn(workspace), step.encryptionKeyEnvOn(agent));
            RestoreRequest request = new RestoreRequest(location, step.getApp(), step.getRelease(),
                    Paths.inWorkspace(workspace, step.getSourcesTo()), step.getImagesTo(), step.insecureRegistries(),
                    cluster, step.isDryRun(), Paths.inWorkspace(workspace, step.getPublicKey()), step.isRequireSignature());
            RestoreResult r = layercake.restore(request, progress());
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
        }
    }
}
