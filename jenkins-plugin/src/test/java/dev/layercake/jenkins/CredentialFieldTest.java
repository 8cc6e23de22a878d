package dev.layercake.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.hudson.plugins.folder.Folder;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Item;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The credential drop-downs and checks of the steps and of a named store: each field lists only the kinds it
 * accepts, in the item's context (folder credentials), and only to users who may configure the item.
 */
@WithJenkins
class CredentialFieldTest {

    private JenkinsRule j;
    private BackupAppStep.DescriptorImpl backup;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        backup = j.jenkins.getDescriptorByType(BackupAppStep.DescriptorImpl.class);
        var store = CredentialsProvider.lookupStores(j.jenkins).iterator().next();
        store.addCredentials(Domain.global(), new AWSCredentialsImpl(CredentialsScope.GLOBAL, "aws",
                "AKIAEXAMPLE", "aws-secret", "S3"));
        store.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL,
                "registry", "registry login", "robot", "registry-password"));
        store.addCredentials(Domain.global(), new StringCredentialsImpl(CredentialsScope.GLOBAL,
                "key-text", "encryption key", Secret.fromString("c2VjcmV0LWtleS1iYXNlNjQ=")));
        store.addCredentials(Domain.global(), new FileCredentialsImpl(CredentialsScope.GLOBAL,
                "kube-file", "kubeconfig", "config", SecretBytes.fromBytes("apiVersion: v1\n".getBytes(StandardCharsets.UTF_8))));

        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Item.READ, Item.CONFIGURE, Item.EXTENDED_READ).everywhere().to("dev")
                .grant(Jenkins.READ, Item.READ).everywhere().to("viewer"));
    }

    @Test
    void eachFieldListsOnlyTheKindsItAccepts() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        try (ACLContext ignored = ACL.as2(User.getById("dev", true).impersonate2())) {
            assertEquals(List.of("", "aws"), values(backup.doFillCredentialsIdItems(job, "")));
            // A username/password is a registry login, and also a Kubernetes kind (basic auth).
            assertEquals(List.of("", "registry"), values(backup.doFillRegistryCredentialsIdItems(job, "")));
            assertEquals(List.of("", "key-text", "kube-file"), sorted(values(backup.doFillEncryptionKeyCredentialsIdItems(job, ""))));
            List<String> kube = values(backup.doFillKubeconfigCredentialsIdItems(job, ""));
            assertTrue(kube.contains("kube-file"), kube.toString());
            assertTrue(!kube.contains("aws"), "AWS credentials are no kubeconfig: " + kube);
        }
    }

    @Test
    void folderCredentialsAreListedInTheFolderOnly() throws Exception {
        // A real folder (cloudbees-folder): it has a credentials store of its own; MockFolder has none.
        Folder team = j.jenkins.createProject(Folder.class, "team");
        WorkflowJob inFolder = team.createProject(WorkflowJob.class, "shop");
        WorkflowJob outside = j.createProject(WorkflowJob.class, "other");
        CredentialsStore folderStore = null;
        for (CredentialsStore s : CredentialsProvider.lookupStores(team)) {
            if (s.getContext() == team) {
                folderStore = s;
            }
        }
        assertNotNull(folderStore, "the folder's own credentials store");
        folderStore.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL,
                "team-registry", "team registry", "team", "team-password"));
        try (ACLContext ignored = ACL.as2(User.getById("dev", true).impersonate2())) {
            assertTrue(values(backup.doFillRegistryCredentialsIdItems(inFolder, "")).contains("team-registry"));
            assertTrue(!values(backup.doFillRegistryCredentialsIdItems(outside, "")).contains("team-registry"));
            assertEquals(FormValidation.Kind.OK, backup.doCheckRegistryCredentialsId(inFolder, "team-registry").kind);
            assertEquals(FormValidation.Kind.ERROR, backup.doCheckRegistryCredentialsId(outside, "team-registry").kind);
        }
    }

    @Test
    void aUserWhoMayNotConfigureSeesOnlyTheCurrentValue() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        try (ACLContext ignored = ACL.as2(User.getById("viewer", true).impersonate2())) {
            assertEquals(List.of("registry"), values(backup.doFillRegistryCredentialsIdItems(job, "registry")));
            assertEquals(FormValidation.Kind.OK, backup.doCheckRegistryCredentialsId(job, "no-such-id").kind,
                    "no hint about which ids exist");
        }
    }

    @Test
    void theGlobalConfigurationListsForAdministratorsOnly() throws Exception {
        StoreEntry.DescriptorImpl store = j.jenkins.getDescriptorByType(StoreEntry.DescriptorImpl.class);
        try (ACLContext ignored = ACL.as2(User.getById("admin", true).impersonate2())) {
            assertEquals(List.of("", "aws"), values(store.doFillCredentialsIdItems(null, "")));
            assertEquals(FormValidation.Kind.OK, store.doCheckCredentialsId(null, "aws").kind);
        }
        try (ACLContext ignored = ACL.as2(User.getById("dev", true).impersonate2())) {
            assertEquals(List.of("aws"), values(store.doFillCredentialsIdItems(null, "aws")),
                    "a non-administrator gets the current value only");
        }
    }

    @Test
    void checksNameAMissingIdAndAWrongKind() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        try (ACLContext ignored = ACL.as2(User.getById("dev", true).impersonate2())) {
            assertEquals(FormValidation.Kind.OK, backup.doCheckCredentialsId(job, "aws").kind);
            assertEquals(FormValidation.Kind.OK, backup.doCheckCredentialsId(job, "").kind, "optional");
            assertEquals(FormValidation.Kind.WARNING, backup.doCheckCredentialsId(job, "${AWS_ID}").kind);

            FormValidation missing = backup.doCheckCredentialsId(job, "nope");
            assertEquals(FormValidation.Kind.ERROR, missing.kind);
            assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("AWS credentials"),
                    missing.getMessage());

            FormValidation wrongKind = backup.doCheckEncryptionKeyCredentialsId(job, "registry");
            assertEquals(FormValidation.Kind.ERROR, wrongKind.kind);
            assertTrue(wrongKind.getMessage().contains("Secret text or Secret file"), wrongKind.getMessage());
            assertTrue(!wrongKind.getMessage().contains("registry-password"), "no secret in the message");

            assertEquals(FormValidation.Kind.OK, backup.doCheckEncryptionKeyCredentialsId(job, "key-text").kind);
            assertEquals(FormValidation.Kind.OK, backup.doCheckKubeconfigCredentialsId(job, "kube-file").kind);
            assertEquals(FormValidation.Kind.ERROR, backup.doCheckKubeconfigCredentialsId(job, "aws").kind);
        }
    }

    @Test
    void theOtherStepsInheritTheSameFilteredFields() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        RestoreAppStep.DescriptorImpl restore = j.jenkins.getDescriptorByType(RestoreAppStep.DescriptorImpl.class);
        FreezeReleaseStep.DescriptorImpl freeze = j.jenkins.getDescriptorByType(FreezeReleaseStep.DescriptorImpl.class);
        try (ACLContext ignored = ACL.as2(User.getById("dev", true).impersonate2())) {
            assertEquals(List.of("", "aws"), values(restore.doFillCredentialsIdItems(job, "")));
            assertEquals(List.of("", "registry"), values(freeze.doFillRegistryCredentialsIdItems(job, "")));
        }
    }

    private static List<String> values(ListBoxModel model) {
        return model.stream().map(o -> o.value).toList();
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }
}
