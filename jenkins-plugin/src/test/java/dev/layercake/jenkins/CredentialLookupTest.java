package dev.layercake.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.AbortException;
import hudson.util.Secret;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each credential kind becomes for the engine, resolved in the context of a run: AWS keys through
 * {@code resolveCredentials()}, a kubeconfig from a secret file or through {@code AuthenticationTokens.convert}
 * (a token credential against the configured API server), the encryption key from secret text or a secret file.
 */
@WithJenkins
class CredentialLookupTest {

    private JenkinsRule j;
    private CredentialsStore store;
    private CredentialLookup lookup;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        store = CredentialsProvider.lookupStores(j.jenkins).iterator().next();
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("echo 'a run to resolve credentials for'", true));
        WorkflowRun run = j.buildAndAssertSuccess(job);
        lookup = new CredentialLookup(run);
    }

    @Test
    void awsCredentialsAreResolvedThroughTheSdkV2Provider() throws Exception {
        store.addCredentials(Domain.global(), new AWSCredentialsImpl(CredentialsScope.GLOBAL, "aws",
                "AKIAEXAMPLE", "aws-secret-key", "S3"));
        AgentSecrets secrets = new AgentSecrets();

        lookup.aws("aws", secrets);

        assertEquals("AKIAEXAMPLE", secrets.awsAccessKeyId);
        assertEquals("aws-secret-key", secrets.awsSecretAccessKey);
        assertNull(secrets.awsSessionToken, "no role: no session");
        assertFalse(secrets.toString().contains("aws-secret-key"));
    }

    @Test
    void aKubeconfigSecretFileIsUsedAsIs() throws Exception {
        String kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";
        store.addCredentials(Domain.global(), new FileCredentialsImpl(CredentialsScope.GLOBAL, "kube-file",
                "kubeconfig", "config", SecretBytes.fromBytes(kubeconfig.getBytes(StandardCharsets.UTF_8))));
        AgentSecrets secrets = new AgentSecrets();

        lookup.kubeconfig("kube-file", null, null, secrets);

        assertEquals(kubeconfig, secrets.kubeconfig);
    }

    @Test
    void aTokenCredentialBecomesAKubeconfigThroughAuthenticationTokens() throws Exception {
        store.addCredentials(Domain.global(), new StringCredentialsImpl(CredentialsScope.GLOBAL, "kube-token",
                "service account token", Secret.fromString("tok-0123456789")));
        AgentSecrets secrets = new AgentSecrets();

        lookup.kubeconfig("kube-token", "https://kubernetes.example.com:6443", null, secrets);

        assertTrue(secrets.kubeconfig.contains("https://kubernetes.example.com:6443"), "the configured server");
        assertTrue(secrets.kubeconfig.contains("tok-0123456789"), "the token, as the kubeconfig's user");
    }

    @Test
    void aTokenCredentialWithoutAConfiguredServerIsRefusedNamingTheSetting() throws Exception {
        store.addCredentials(Domain.global(), new StringCredentialsImpl(CredentialsScope.GLOBAL, "kube-token",
                "service account token", Secret.fromString("tok-0123456789")));

        AbortException e = assertThrows(AbortException.class,
                () -> lookup.kubeconfig("kube-token", null, null, new AgentSecrets()));

        assertTrue(e.getMessage().contains("kube-token") && e.getMessage().contains("API server URL"), e.getMessage());
        assertFalse(e.getMessage().contains("tok-0123456789"));
    }

    @Test
    void anEncryptionKeyFromSecretTextIsTheTrimmedBase64() throws Exception {
        String base64 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        store.addCredentials(Domain.global(), new StringCredentialsImpl(CredentialsScope.GLOBAL, "key-text",
                "encryption key", Secret.fromString("  " + base64 + "\n")));
        AgentSecrets secrets = new AgentSecrets();

        lookup.encryptionKey("key-text", secrets);

        assertArrayEquals(base64.getBytes(StandardCharsets.US_ASCII), secrets.encryptionKey);
    }

    @Test
    void anEncryptionKeyFromASecretFileIsItsRawBytes() throws Exception {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7 + 1);
        }
        store.addCredentials(Domain.global(), new FileCredentialsImpl(CredentialsScope.GLOBAL, "key-file",
                "encryption key", "secrets.key", SecretBytes.fromBytes(raw)));
        AgentSecrets secrets = new AgentSecrets();

        lookup.encryptionKey("key-file", secrets);

        assertArrayEquals(raw, secrets.encryptionKey);
    }

    @Test
    void aCredentialOfAnotherKindIsRefusedWithoutItsValue() throws Exception {
        store.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL,
                "registry", "registry login", "robot", "registry-password"));

        AbortException e = assertThrows(AbortException.class, () -> lookup.encryptionKey("registry", new AgentSecrets()));

        assertTrue(e.getMessage().contains("registry") && e.getMessage().contains(CredentialField.ENCRYPTION_KEY.kind()),
                e.getMessage());
        assertFalse(e.getMessage().contains("registry-password"));
    }
}
