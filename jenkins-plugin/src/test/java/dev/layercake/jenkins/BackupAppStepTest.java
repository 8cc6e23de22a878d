package dev.layercake.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import hudson.model.Fingerprint;
import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockFolder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines on a real agent: the Jenkinsfile makes a git repository in the agent's workspace and calls the
 * steps against a folder store; the release is then read back through the engine.
 */
@WithJenkins
class BackupAppStepTest {

    /** Makes a small release in the workspace: a Dockerfile, Kubernetes YAML, a Jenkinsfile. */
    private static final String MAKE_REPO = """
            sh '''
              git init -q -b main .
              git config user.email ci@example.com
              git config user.name CI
              mkdir -p k8s
              printf 'FROM scratch\\\\nCOPY app /app\\\\n' > Dockerfile
              printf 'apiVersion: v1\\\\nkind: ConfigMap\\\\nmetadata:\\\\n  name: shop\\\\n' > k8s/configmap.yaml
              printf 'pipeline { agent any }\\\\n' > Jenkinsfile
              echo hello > app
              git add -A
              git commit -q -m release
            '''
            echo "commit=${sh(script: 'git rev-parse HEAD', returnStdout: true).trim()}"
            """;

    @TempDir
    Path store;

    private JenkinsRule j;
    private DumbSlave agent;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        GitOnPath.require();
        j = rule;
        agent = j.createOnlineSlave(Label.get("builder"));
    }

    @Test
    void backupAppRecordsTheWorkspaceCheckoutOnTheAgent() throws Exception {
        MockFolder team = j.createFolder("team");
        WorkflowJob job = team.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  def r = backupApp app: 'shop', store: '%s', imageMode: 'none'
                  echo "release=${r.release} manifestDigest=${r.manifestDigest} store=${r.store} files=${r.files}"
                }
                """.formatted(MAKE_REPO, store), true));

        WorkflowRun run = j.buildAndAssertSuccess(job);

        String log = JenkinsRule.getLog(run);
        String commit = group(log, "commit=([0-9a-f]{40})");
        String workspace = agent.getWorkspaceFor(job).getRemote();
        assertTrue(log.contains(workspace), "the engine ran in the agent's workspace " + workspace);

        ReleaseAction action = run.getAction(ReleaseAction.class);
        assertNotNull(action, "the build page shows the release");
        assertEquals("team-shop-1", action.getRelease());
        assertEquals("shop", action.getApp());

        try (ReleaseStore releases = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
            byte[] bytes = releases.readManifestBytes("shop", "team-shop-1");
            Manifest manifest = releases.readManifest("shop", "team-shop-1");
            String digest = Digest.of(bytes).toString();

            j.assertLogContains("release=team-shop-1 manifestDigest=" + digest + " store=" + releases.location().uri(), run);
            assertEquals(digest, action.getManifestDigest());

            BuildInfo build = manifest.build();
            assertEquals(BuildInfo.JENKINS, build.system());
            assertEquals("team/shop", build.job());
            assertEquals("1", build.number());
            assertEquals(j.getURL() + run.getUrl(), build.url());
            assertNotNull(build.triggeredBy());
            assertEquals(commit, build.commit());
            assertEquals(commit, manifest.source().commit());

            List<String> paths = manifest.source().files().stream().map(SourceFile::path).toList();
            assertTrue(paths.containsAll(List.of("Dockerfile", "k8s/configmap.yaml", "Jenkinsfile")), paths.toString());
            assertEquals(paths.size(), action.getFiles());
            j.assertLogContains("files=" + paths.size(), run);
            assertEquals(0, action.getImages());
            assertEquals(0, action.getKubernetesObjects());
        }
    }

    @Test
    void restoreAppAndFreezeReleaseWorkOnTheRecordedRelease() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  def r = backupApp app: 'shop', store: '%2$s', release: 'r1', imageMode: 'none'
                  def restored = restoreApp app: 'shop', release: r.release, store: '%2$s', sourcesTo: 'restored'
                  echo "filesWritten=${restored.filesWritten}"
                  sh 'cmp Dockerfile restored/Dockerfile && cmp k8s/configmap.yaml restored/k8s/configmap.yaml'
                  def frozen = freezeRelease app: 'shop', release: r.release, store: '%2$s', retainUntil: '2099-01-01'
                  echo "method=${frozen.method} digest=${frozen.manifestDigest}"
                }
                """.formatted(MAKE_REPO, store), true));

        WorkflowRun run = j.buildAndAssertSuccess(job);

        ReleaseAction action = run.getAction(ReleaseAction.class);
        assertEquals("r1", action.getRelease());
        j.assertLogContains("filesWritten=" + action.getFiles(), run);
        j.assertLogContains("method=filesystem-read-only digest=" + action.getManifestDigest(), run);
        assertFalse(Files.getPosixFilePermissions(store.resolve("releases/shop/r1/manifest.json"))
                .contains(PosixFilePermission.OWNER_WRITE), "frozen: the manifest is read-only");
    }

    /** Issue 11: an INCOMPLETE release marks the build UNSTABLE, with a badge and a summary line naming the part. */
    @Test
    void anIncompleteReleaseMarksTheBuildUnstableWithABadgeAndTheManifestDigest() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        String gone = "127.0.0.1:" + port + "/shop/gone:1";
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  def r = backupApp app: 'shop', store: '%s', release: 'r1', imageMode: 'digest-only',
                      images: ['%s'], insecureRegistry: ['127.0.0.1:%d'], allowIncomplete: true
                  echo "complete=${r.complete} digest=${r.manifestDigest}"
                }
                """.formatted(MAKE_REPO, store, gone, port), true));

        WorkflowRun run = j.buildAndAssertStatus(Result.UNSTABLE, job);

        ReleaseAction action = run.getAction(ReleaseAction.class);
        assertFalse(action.isComplete());
        assertTrue(run.getBadgeActions().contains(action), "the release is a build badge");
        assertTrue(action.getBadgeText().startsWith("INCOMPLETE release shop/r1: 1 part(s)"), action.getBadgeText());
        assertTrue(action.getIncomplete().get(0).startsWith("image " + gone), action.getIncomplete().toString());
        j.assertLogContains("INCOMPLETE release shop/r1", run);
        j.assertLogContains("Build result set to UNSTABLE", run);
        j.assertLogContains("complete=false digest=" + action.getManifestDigest(), run);
    }

    @Test
    void aTakenReleaseIdFailsTheStepWithTheEnginesMessageAndKeepsTheRelease() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  backupApp app: 'shop', store: '%s', release: 'r1', imageMode: 'none'
                }
                """.formatted(MAKE_REPO, store), true));
        j.buildAndAssertSuccess(job);
        byte[] first = Files.readAllBytes(store.resolve("releases/shop/r1/manifest.json"));

        WorkflowRun second = j.buildAndAssertStatus(Result.FAILURE, job);

        j.assertLogContains("release shop/r1 already exists", second);
        j.assertLogNotContains("\tat dev.layercake", second);
        assertEquals(new String(first), Files.readString(store.resolve("releases/shop/r1/manifest.json")));
    }

    @Test
    void credentialsAreLookedUpByIdTrackedAndNeverPrinted() throws Exception {
        UsernamePasswordCredentialsImpl registry = new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL,
                "registry", "backup registry", "robot", "s3cr3t-registry-password");
        CredentialsProvider.lookupStores(j.jenkins).iterator().next().addCredentials(Domain.global(), registry);
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  backupApp app: 'shop', store: '%s', imageMode: 'none', registryCredentialsId: 'registry'
                }
                """.formatted(MAKE_REPO, store), true));

        WorkflowRun run = j.buildAndAssertSuccess(job);

        j.assertLogNotContains("s3cr3t-registry-password", run);
        Fingerprint fingerprint = CredentialsProvider.getFingerprintOf(registry);
        assertNotNull(fingerprint, "the use of the credentials is recorded");
        assertTrue(fingerprint.getJobs().contains(job.getFullName()), fingerprint.getJobs().toString());
        try (var files = Files.list(Path.of(agent.getWorkspaceFor(job).getRemote() + "@tmp"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("layercake")),
                    "the temporary secret files are gone");
        }
    }

    @Test
    void aFailedStepNamesTheOptionAsTheStepParameter() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  restoreApp app: 'shop', release: 'r1', store: '%s', kubernetes: true, existing: 'bogus'
                }
                """.formatted(store), true));

        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        // The engine says --existing; the step's parameter is existing.
        j.assertLogContains("existing 'bogus' is not one of skip, update, fail", run);
        j.assertLogNotContains("--existing", run);
    }

    @Test
    void anUnknownCredentialsIdFailsTheStepNamingIt() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  backupApp app: 'shop', store: '%s', credentialsId: 'no-such-credentials'
                }
                """.formatted(MAKE_REPO, store), true));

        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        j.assertLogContains("Credentials 'no-such-credentials' not found", run);
        assertFalse(Files.exists(store.resolve("releases")), "nothing stored");
    }

    @Test
    void aNamedStoreFromTheGlobalConfigurationIsUsed() throws Exception {
        LayercakeGlobalConfiguration.get().setStores(List.of(new StoreEntry("prod-backups", store.toString())));
        LayercakeGlobalConfiguration.get().setDefaultStore("prod-backups");
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  def r = backupApp app: 'shop', imageMode: 'none'
                  echo "store=${r.store}"
                }
                """.formatted(MAKE_REPO), true));

        WorkflowRun run = j.buildAndAssertSuccess(job);

        j.assertLogContains("store=prod-backups", run);
        assertTrue(Files.exists(store.resolve("releases/shop/shop-1/manifest.json")));
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "log has " + regex);
        return m.group(1);
    }
}
