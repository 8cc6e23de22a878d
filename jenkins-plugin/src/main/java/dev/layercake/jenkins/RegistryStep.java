package dev.layercake.jenkins;

import hudson.Util;
import hudson.model.Run;
import org.kohsuke.stapler.DataBoundSetter;

import java.io.IOException;

/**
 * A step that reaches registries with a login: {@code registryCredentialsId} (username and password, or a token as
 * password), used for exactly the registries the step names and nowhere else.
 */
public abstract class RegistryStep extends LayercakeStep {

    private static final long serialVersionUID = 1L;

    private String registryCredentialsId;

    protected RegistryStep(String app) {
        super(app);
    }

    /** Username/password for the registries this step names (images, targets, the release's image copies). */
    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    @DataBoundSetter
    public void setRegistryCredentialsId(String registryCredentialsId) {
        this.registryCredentialsId = Util.fixEmptyAndTrim(registryCredentialsId);
    }

    @Override
    AgentSecrets secrets(Run<?, ?> run, StoreTarget store) throws IOException {
        return LayercakeExecution.secrets(run, store, registryCredentialsId, null, null);
    }
}
