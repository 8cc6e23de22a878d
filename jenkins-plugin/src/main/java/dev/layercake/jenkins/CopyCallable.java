package dev.layercake.jenkins;

import dev.layercake.api.request.CopyRequest;
import dev.layercake.api.result.CopyResult;
import hudson.model.TaskListener;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies releases between two stores, from the agent: each store is reached with an {@code Access} that holds
 * only its own credentials (the engine's two-access copy), so the source's keys never reach the destination or the
 * other way round.
 */
final class CopyCallable extends AgentCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final CopyReleaseStep step;
    private final StoreTarget to;
    private final AgentSecrets toSecrets;

    CopyCallable(CopyReleaseStep step, StoreTarget from, AgentSecrets fromSecrets, StoreTarget to, AgentSecrets toSecrets,
                 Map<String, String> env, String tempDir, TaskListener listener) {
        super(from, fromSecrets, env, tempDir, listener);
        this.step = step;
        this.to = to;
        this.toSecrets = toSecrets;
    }

    @Override
    LinkedHashMap<String, Object> run(File workspace) throws IOException {
        List<String> releases = step.getRelease() == null ? List.of() : List.of(step.getRelease());
        CopyRequest request = new CopyRequest(store.toLocation(workspace), to.toLocation(workspace), step.getApp(), releases,
                step.insecureRegistries());
        try (AgentWorkspace fromAgent = prepare(secrets, List.of());
             AgentWorkspace toAgent = prepare(toSecrets, List.of())) {
            CopyResult r = fromAgent.layercake().copy(request, toAgent.access(), progress());
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
    }
}
