package dev.layercake.jenkins;

import java.io.Serializable;

/**
 * Secret values resolved from Jenkins credentials on the controller, carried to the agent over the remoting
 * channel and turned there into the engine's typed access, and the kubeconfig into a short-lived file
 * ({@link AgentWorkspace}).
 * Never logged: {@link #toString()} names only which secrets are present.
 */
final class AgentSecrets implements Serializable {

    private static final long serialVersionUID = 1L;

    String awsAccessKeyId;
    String awsSecretAccessKey;
    String awsSessionToken;
    String registryUsername;
    String registryPassword;
    /** A whole kubeconfig document. */
    String kubeconfig;
    /** The AES-256 key file's content (raw 32 bytes or base64 text). */
    byte[] encryptionKey;

    boolean hasAws() {
        return awsAccessKeyId != null && awsSecretAccessKey != null;
    }

    boolean hasRegistry() {
        return registryUsername != null && registryPassword != null;
    }

    /** Only the store's credentials (reading a release before the registry login is known). */
    AgentSecrets storeOnly() {
        AgentSecrets s = new AgentSecrets();
        s.awsAccessKeyId = awsAccessKeyId;
        s.awsSecretAccessKey = awsSecretAccessKey;
        s.awsSessionToken = awsSessionToken;
        return s;
    }

    @Override
    public String toString() {
        return "AgentSecrets[aws=" + (hasAws() ? "****" : "-") + ", registry=" + (hasRegistry() ? "****" : "-")
                + ", kubeconfig=" + (kubeconfig != null ? "****" : "-")
                + ", encryptionKey=" + (encryptionKey != null ? "****" : "-") + "]";
    }
}
