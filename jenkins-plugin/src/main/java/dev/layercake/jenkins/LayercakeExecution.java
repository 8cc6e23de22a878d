package dev.layercake.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

import java.io.IOException;

/**
 * The controller side of a Layercake step: read the context, resolve store and credentials, then run the
 * engine on the agent that holds the workspace. Restarting the controller mid-step fails the step (the work
 * on the agent is not resumable); running it again is safe, a release id is never overwritten.
 */
abstract class LayercakeExecution<T> extends SynchronousNonBlockingStepExecution<T> {

    private static final long serialVersionUID = 1L;

    protected LayercakeExecution(StepContext context) {
        super(context);
    }

    Run<?, ?> currentRun() throws IOException, InterruptedException {
        return getContext().get(Run.class);
    }

    FilePath workspace() throws IOException, InterruptedException {
        return getContext().get(FilePath.class);
    }

    TaskListener listener() throws IOException, InterruptedException {
        return getContext().get(TaskListener.class);
    }

    EnvVars env() throws IOException, InterruptedException {
        return getContext().get(EnvVars.class);
    }

    /** Fails the step before any work when a required parameter is missing. */
    static String required(String value, String name) throws AbortException {
        if (value == null || value.isBlank()) {
            throw new AbortException(Messages.LayercakeStep_Required(name));
        }
        return value;
    }

    /** The workspace's {@code @tmp} folder (on the agent), for the step's short-lived secret files. */
    static String tempDir(FilePath workspace) {
        FilePath tmp = WorkspaceList.tempDir(workspace);
        return tmp == null ? workspace.getRemote() + "@tmp" : tmp.getRemote();
    }

    /** Secrets for the store, resolved against the run. */
    static AgentSecrets storeSecrets(Run<?, ?> run, StoreTarget store) throws IOException {
        AgentSecrets secrets = new AgentSecrets();
        new CredentialLookup(run).aws(store.credentialsId, secrets);
        return secrets;
    }
}
