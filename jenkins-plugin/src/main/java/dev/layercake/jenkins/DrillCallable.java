package dev.layercake.jenkins;

import dev.layercake.api.Layercake;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.api.request.Durations;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.api.result.DrillResult;
import hudson.model.TaskListener;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one drill (or {@code clean}) on the agent; paths the step names are the workspace's when relative. Returns
 * only plain values (strings, numbers, lists of strings) so the map crosses remoting and Pipeline's CPS.
 */
final class DrillCallable extends AgentCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final DrillReleaseStep step;

    DrillCallable(DrillReleaseStep step, StoreTarget store, AgentSecrets secrets, Map<String, String> env,
                  String tempDir, TaskListener listener) {
        super(store, secrets, env, tempDir, listener);
        this.step = step;
    }

    @Override
    LinkedHashMap<String, Object> run(File workspace) throws IOException {
        List<String> targets = step.getImagesTo() == null ? List.of() : List.of(step.getImagesTo());
        try (AgentWorkspace agent = prepare(secrets, AgentWorkspace.registryHosts(List.of(), targets))) {
            String publicKey = Paths.inWorkspace(workspace, step.getPublicKey());
            String signingKey = Paths.inWorkspace(workspace, step.getSigningKey());
            DrillRequest request = new DrillRequest(store.toLocation(workspace), step.getApp(), step.getRelease(),
                    publicKey == null ? null : Path.of(publicKey), signingKey == null ? null : Path.of(signingKey),
                    step.getImagesTo(), step.insecureRegistries(), step.toCluster(),
                    step.kubeconfigOn(workspace, agent), step.getContext(),
                    RestoreRequest.KubernetesTarget.parseMapping(step.namespaceMappings()),
                    step.encryptionKeyFileOn(workspace), step.encryptionKeyEnvOn(agent),
                    step.getTimeout() == null ? null : Durations.parse("--timeout", step.getTimeout()),
                    step.isKeepScratch());
            Layercake layercake = agent.layercake();
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            if (step.isClean()) {
                m.put("removed", layercake.cleanDrills(request, progress()));
                return m;
            }
            DrillResult result = layercake.drill(request, progress());
            DrillRecord record = result.record();
            m.put("app", record.app());
            m.put("release", record.release());
            m.put("outcome", record.outcome());
            m.put("notObserved", new ArrayList<>(record.notObserved()));
            m.put("recordKey", result.recordKey());
            m.put("recordDigest", result.recordDigest().toString());
            m.put("signed", result.signed());
            List<String> differences = new ArrayList<>();
            for (DrillRecord.Difference d : record.differences()) {
                differences.add(d.line());
            }
            m.put("differences", differences);
            List<String> checks = new ArrayList<>();
            for (DrillRecord.Check c : record.checks()) {
                checks.add(c.name() + " " + c.status() + (c.how() == null ? "" : ": " + c.how()));
            }
            m.put("checks", checks);
            return m;
        }
    }
}
