package dev.layercake.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AmazonWebServicesCredentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.model.Run;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthConfig;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Resolves the credential ids a step names, in the context of its run (so folder credentials and the
 * run's authentication apply), records their use on the run, and copies the secret values into
 * {@link AgentSecrets}. Messages name the id and the expected kind, never a value.
 */
final class CredentialLookup {

    private final Run<?, ?> run;

    CredentialLookup(Run<?, ?> run) {
        this.run = run;
    }

    /** Store credentials: an AWS credential (access key, optionally an assumed role). */
    void aws(String id, AgentSecrets into) throws AbortException {
        if (id == null) {
            return;
        }
        AmazonWebServicesCredentials c = find(id, AmazonWebServicesCredentials.class, CredentialField.STORE.kind());
        // AWS SDK v2 (AwsCredentialsProvider): aws-credentials keeps the v1 getCredentials() only as a
        // deprecated-for-removal shim. Resolving may call STS (assumed role); its failure names no secret.
        AwsCredentials keys;
        try {
            keys = c.resolveCredentials();
        } catch (RuntimeException e) {
            throw new AbortException(Messages.Credentials_Unusable(id, e.getClass().getSimpleName()));
        }
        into.awsAccessKeyId = keys.accessKeyId();
        into.awsSecretAccessKey = keys.secretAccessKey();
        if (keys instanceof AwsSessionCredentials session) {
            into.awsSessionToken = session.sessionToken();
        }
    }

    /** Registry credentials: username and password (or token as password). */
    void registry(String id, AgentSecrets into) throws AbortException {
        if (id == null) {
            return;
        }
        StandardUsernamePasswordCredentials c = find(id, StandardUsernamePasswordCredentials.class, CredentialField.REGISTRY.kind());
        into.registryUsername = c.getUsername();
        into.registryPassword = c.getPassword().getPlainText();
    }

    /**
     * A kubeconfig: a secret file holding one, or any credential the kubernetes-credentials plugin turns into a
     * kubeconfig (token, certificate, service account), pointed at {@code serverUrl}.
     */
    void kubeconfig(String id, String serverUrl, String caCertificate, AgentSecrets into) throws AbortException {
        if (id == null) {
            return;
        }
        StandardCredentials c = find(id, StandardCredentials.class, CredentialField.KUBECONFIG.kind());
        if (c instanceof FileCredentials file) {
            into.kubeconfig = new String(read(id, file), StandardCharsets.UTF_8);
            return;
        }
        KubernetesAuth auth = AuthenticationTokens.convert(KubernetesAuth.class, c);
        if (auth == null) {
            throw new AbortException(Messages.Credentials_WrongKind(id, CredentialField.KUBECONFIG.kind()));
        }
        if (serverUrl == null) {
            throw new AbortException(Messages.Credentials_NoKubernetesServer(id));
        }
        try {
            into.kubeconfig = auth.buildKubeConfig(new KubernetesAuthConfig(serverUrl, caCertificate, false));
        } catch (Exception e) {
            // The cause may quote the credential; keep only its kind.
            throw new AbortException(Messages.Credentials_Unusable(id, e.getClass().getSimpleName()));
        }
    }

    /** The Secrets encryption key: secret text (base64) or a secret file (raw or base64). */
    void encryptionKey(String id, AgentSecrets into) throws AbortException {
        if (id == null) {
            return;
        }
        StandardCredentials c = find(id, StandardCredentials.class, CredentialField.ENCRYPTION_KEY.kind());
        if (c instanceof StringCredentials text) {
            into.encryptionKey = text.getSecret().getPlainText().trim().getBytes(StandardCharsets.US_ASCII);
        } else if (c instanceof FileCredentials file) {
            into.encryptionKey = read(id, file);
        } else {
            throw new AbortException(Messages.Credentials_WrongKind(id, CredentialField.ENCRYPTION_KEY.kind()));
        }
    }

    private <C extends StandardCredentials> C find(String id, Class<C> type, String kind) throws AbortException {
        C c = CredentialsProvider.findCredentialById(id, type, run);
        if (c == null) {
            throw new AbortException(Messages.Credentials_NotFound(id, kind));
        }
        CredentialsProvider.track(run, c);
        return c;
    }

    private static byte[] read(String id, FileCredentials file) throws AbortException {
        try (InputStream in = file.getContent()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AbortException(Messages.Credentials_Unusable(id, e.getClass().getSimpleName()));
        }
    }
}
