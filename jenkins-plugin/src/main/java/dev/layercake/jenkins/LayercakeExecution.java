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

    /** The secrets a step names (null ids: none), resolved against the run and tracked on it. */
    static AgentSecrets secrets(Run<?, ?> run, StoreTarget store, String registryCredentialsId,
                                String kubeconfigCredentialsId, String encryptionKeyCredentialsId) throws IOException {
        AgentSecrets secrets = new AgentSecrets();
        CredentialLookup lookup = new CredentialLookup(run);
        lookup.aws(store.credentialsId, secrets);
        lookup.registry(registryCredentialsId, secrets);
        LayercakeGlobalConfiguration global = LayercakeGlobalConfiguration.get();
        lookup.kubeconfig(kubeconfigCredentialsId, global.getKubernetesServerUrl(), global.getKubernetesCaCertificate(), secrets);
        lookup.encryptionKey(encryptionKeyCredentialsId, secrets);
        return secrets;
    }
}
