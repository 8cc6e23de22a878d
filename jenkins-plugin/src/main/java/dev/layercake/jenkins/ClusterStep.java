package dev.layercake.jenkins;

import hudson.Util;
import hudson.model.Run;
import org.kohsuke.stapler.DataBoundSetter;

import java.io.File;
import java.io.IOException;

/**
 * A step that also reaches a Kubernetes cluster and the Secrets encryption key (backup, restore, drill): the
 * cluster as a kubeconfig file in the workspace ({@code kubeconfig}) or from credentials
 * ({@code kubeconfigCredentialsId}), its {@code context}; the key as a file ({@code encryptionKeyFile}), a variable
 * ({@code encryptionKeyEnv}) or from credentials ({@code encryptionKeyCredentialsId}). A file the step names wins
 * over one made from its credentials; the key's credential wins over a variable.
 */
public abstract class ClusterStep extends RegistryStep {

    private static final long serialVersionUID = 1L;

    private String kubeconfig;
    private String context;
    private String encryptionKeyFile;
    private String encryptionKeyEnv;
    private String kubeconfigCredentialsId;
    private String encryptionKeyCredentialsId;

    protected ClusterStep(String app) {
        super(app);
    }

    public String getKubeconfig() {
        return kubeconfig;
    }

    @DataBoundSetter
    public void setKubeconfig(String kubeconfig) {
        this.kubeconfig = Util.fixEmptyAndTrim(kubeconfig);
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = Util.fixEmptyAndTrim(context);
    }

    public String getEncryptionKeyFile() {
        return encryptionKeyFile;
    }

    @DataBoundSetter
    public void setEncryptionKeyFile(String encryptionKeyFile) {
        this.encryptionKeyFile = Util.fixEmptyAndTrim(encryptionKeyFile);
    }

    public String getEncryptionKeyEnv() {
        return encryptionKeyEnv;
    }

    @DataBoundSetter
    public void setEncryptionKeyEnv(String encryptionKeyEnv) {
        this.encryptionKeyEnv = Util.fixEmptyAndTrim(encryptionKeyEnv);
    }

    /** A kubeconfig secret file, or a kubernetes-credentials credential. */
    public String getKubeconfigCredentialsId() {
        return kubeconfigCredentialsId;
    }

    @DataBoundSetter
    public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
        this.kubeconfigCredentialsId = Util.fixEmptyAndTrim(kubeconfigCredentialsId);
    }

    /** Secret text (base64 AES-256 key) or secret file (raw or base64) encrypting captured Secrets. */
    public String getEncryptionKeyCredentialsId() {
        return encryptionKeyCredentialsId;
    }

    @DataBoundSetter
    public void setEncryptionKeyCredentialsId(String encryptionKeyCredentialsId) {
        this.encryptionKeyCredentialsId = Util.fixEmptyAndTrim(encryptionKeyCredentialsId);
    }

    @Override
    AgentSecrets secrets(Run<?, ?> run, StoreTarget store) throws IOException {
        return LayercakeExecution.secrets(run, store, getRegistryCredentialsId(), kubeconfigCredentialsId,
                encryptionKeyCredentialsId);
    }

    // Read on the agent.

    /** The kubeconfig the engine reads: the step's file (the workspace's when relative), else the credential's. */
    String kubeconfigOn(File workspace, AgentWorkspace agent) {
        return Paths.either(Paths.inWorkspace(workspace, kubeconfig), agent.kubeconfigFile());
    }

    String encryptionKeyFileOn(File workspace) {
        return Paths.inWorkspace(workspace, encryptionKeyFile);
    }

    /** The credential's key when there is one, else the step's variable. */
    String encryptionKeyEnvOn(AgentWorkspace agent) {
        return agent.encryptionKeyEnv(encryptionKeyEnv);
    }
}
