package dev.layercake.jenkins;

import dev.layercake.LayercakeException;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.CopyResult;
import dev.layercake.transfer.ReleaseCopier;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies releases between two stores, from the agent: each store is opened with an engine environment that
 * holds only its own credentials, so the source's keys never reach the destination or the other way round.
 */
final class CopyCallable extends MasterToSlaveFileCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final CopyReleaseStep step;
    private final StoreTarget from;
    private final AgentSecrets fromSecrets;
    private final StoreTarget to;
    private final AgentSecrets toSecrets;
    private final Map<String, String> env;
    private final String tempDir;
    private final TaskListener listener;

    CopyCallable(CopyReleaseStep step, StoreTarget from, AgentSecrets fromSecrets, StoreTarget to, AgentSecrets toSecrets,
                 Map<String, String> env, String tempDir, TaskListener listener) {
        this.step = step;
        this.from = from;
        this.fromSecrets = fromSecrets;
        this.to = to;
        this.toSecrets = toSecrets;
        this.env = env;
        this.tempDir = tempDir;
        this.listener = listener;
    }

    @Override
    public LinkedHashMap<String, Object> invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        try {
            StoreLocation source = from.toLocation(workspace);
            StoreLocation target = to.toLocation(workspace);
            if (source.uri().equals(target.uri())) {
                throw LayercakeException.usage("store and to are the same store (" + source.uri() + ")");
            }
            List<String> insecure = LayercakeStep.orEmpty(step.getInsecureRegistry());
            List<String> releases = step.getRelease() == null ? List.of() : List.of(step.getRelease());
            try (AgentWorkspace fromAgent = AgentWorkspace.prepare(new File(tempDir), env, fromSecrets, List.of());
                 AgentWorkspace toAgent = AgentWorkspace.prepare(new File(tempDir), env, toSecrets, List.of());
                 ReleaseStore fromStore = ReleaseStore.open(source, fromAgent.env(), insecure);
                 ReleaseStore toStore = ReleaseStore.open(target, toAgent.env(), insecure)) {
                CopyResult r = new ReleaseCopier().copy(fromStore, toStore, step.getApp(), releases,
                        new TaskListenerProgress(listener));
                ArrayList<Object> copied = new ArrayList<>();
                int count = 0;
                for (CopyResult.Copied c : r.releases()) {
                    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
                    m.put("app", c.app());
                    m.put("release", c.release());
                    m.put("manifestDigest", c.manifestDigest());
                    m.put("status", c.status());
                    m.put("blobsWritten", c.blobsWritten());
                    m.put("blobsSkipped", c.blobsSkipped());
                    m.put("bytesWritten", c.bytesWritten());
                    m.put("extras", new ArrayList<>(c.extras()));
                    copied.add(m);
                    if ("copied".equals(c.status())) {
                        count++;
                    }
                    listener.getLogger().println(Messages.CopyReleaseStep_Copied(c.app(), c.release(), c.status(),
                            c.manifestDigest(), c.blobsWritten(), c.blobsSkipped()));
                }
                LinkedHashMap<String, Object> out = new LinkedHashMap<>();
                out.put("from", r.from());
                out.put("to", r.to());
                out.put("copied", count);
                out.put("releases", copied);
                return out;
            }
        } catch (RuntimeException e) {
            throw AgentFailures.toTransferable(e);
        }
    }
}
