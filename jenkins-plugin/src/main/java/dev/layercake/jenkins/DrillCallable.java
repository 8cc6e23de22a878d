package dev.layercake.jenkins;

import dev.layercake.drill.Drill;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.request.Durations;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one drill (or {@code clean}) on the agent; paths the step names are the workspace's when relative. Returns
 * only plain values (strings, numbers, lists of strings) so the map crosses remoting and Pipeline's CPS.
 */
final class DrillCallable extends MasterToSlaveFileCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final DrillReleaseStep step;
    private final StoreTarget store;
    private final AgentSecrets secrets;
    private final Map<String, String> env;
    private final String tempDir;
    private final TaskListener listener;

    DrillCallable(DrillReleaseStep step, StoreTarget store, AgentSecrets secrets, Map<String, String> env,
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
        try (AgentWorkspace agent = AgentWorkspace.prepare(new File(tempDir), env, secrets,
                AgentWorkspace.registryHosts(List.of(), targets))) {
            String publicKey = Paths.inWorkspace(workspace, step.getPublicKey());
            String signingKey = Paths.inWorkspace(workspace, step.getSigningKey());
            DrillRequest request = new DrillRequest(store.toLocation(workspace), step.getApp(), step.getRelease(),
                    publicKey == null ? null : Path.of(publicKey), signingKey == null ? null : Path.of(signingKey),
                    step.getImagesTo(), step.insecureRegistries(), step.toCluster(),
                    Paths.either(Paths.inWorkspace(workspace, step.getKubeconfig()), agent.kubeconfigFile()),
                    step.getContext(), RestoreRequest.KubernetesTarget.parseMapping(step.namespaceMappings()),
                    Paths.either(Paths.inWorkspace(workspace, step.getEncryptionKeyFile()), agent.encryptionKeyFile()),
                    step.getEncryptionKeyEnv(),
                    step.getTimeout() == null ? null : Durations.parse("timeout", step.getTimeout()),
                    step.isKeepScratch());
            // The engine's environment carries the store's AWS credentials and DOCKER_CONFIG.
            Drill drill = new Drill(agent.env(), Clock.systemUTC());
            TaskListenerProgress progress = new TaskListenerProgress(listener);
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            if (step.isClean()) {
                m.put("removed", drill.clean(request, progress));
                return m;
            }
            dev.layercake.api.result.DrillResult result = drill.run(request, progress);
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
        } catch (RuntimeException e) {
            throw AgentFailures.toTransferable(e);
        }
    }
}
