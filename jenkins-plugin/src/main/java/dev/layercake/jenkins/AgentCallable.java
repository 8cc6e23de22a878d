package dev.layercake.jenkins;

import dev.layercake.api.progress.ProgressListener;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * The agent side of a Layercake step: runs the engine ({@code dev.layercake.api.Layercake}) on the agent that holds
 * the workspace, with the step's store, its secrets (turned into the engine's {@code Access} there, by
 * {@link AgentWorkspace}), the build's environment and the build log. An engine failure comes back as one the
 * controller can receive and show ({@link AgentFailures}).
 */
abstract class AgentCallable<T> extends MasterToSlaveFileCallable<T> {

    private static final long serialVersionUID = 1L;

    final StoreTarget store;
    final AgentSecrets secrets;
    private final Map<String, String> env;
    final String tempDir;
    final TaskListener listener;

    AgentCallable(StoreTarget store, AgentSecrets secrets, Map<String, String> env, String tempDir, TaskListener listener) {
        this.store = store;
        this.secrets = secrets;
        this.env = env;
        this.tempDir = tempDir;
        this.listener = listener;
    }

    @Override
    public final T invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        try {
            return run(workspace);
        } catch (RuntimeException e) {
            throw AgentFailures.toTransferable(e);
        }
    }

    /** The step's work on the agent; {@code workspace} is the folder relative paths are taken from. */
    abstract T run(File workspace) throws IOException, InterruptedException;

    /** The engine's access for {@code secrets}, the registry login for {@code registryHosts}; close it after the run. */
    AgentWorkspace prepare(AgentSecrets secrets, Collection<String> registryHosts) throws IOException {
        return AgentWorkspace.prepare(new File(tempDir), env, secrets, registryHosts);
    }

    ProgressListener progress() {
        return new TaskListenerProgress(listener);
    }
}
