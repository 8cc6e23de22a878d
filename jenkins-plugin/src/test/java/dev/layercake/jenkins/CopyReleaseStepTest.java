package dev.layercake.jenkins;

import hudson.model.Label;
import hudson.model.Result;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * copyRelease on a real agent: a release recorded by backupApp into the configured default store is copied to
 * a second folder store; the manifest arrives byte for byte, a second copy adds nothing, and a destination
 * holding other content under that id fails the step and is left as it was.
 */
@WithJenkins
class CopyReleaseStepTest {

    private static final String MAKE_REPO = """
            sh '''
              git init -q -b main .
              git config user.email ci@example.com
              git config user.name CI
              printf 'FROM scratch\\\\nCOPY app /app\\\\n' > Dockerfile
              echo "$MARK" > app
              git add -A
              git commit -q -m release
            '''
            """;

    @TempDir
    Path store;
    @TempDir
    Path dr;

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        GitOnPath.require();
        j = rule;
        j.createOnlineSlave(Label.get("builder"));
        LayercakeGlobalConfiguration.get().setStores(List.of(new StoreEntry("prod-backups", store.toString())));
        LayercakeGlobalConfiguration.get().setDefaultStore("prod-backups");
    }

    @Test
    void copiesAReleaseFromTheConfiguredStoreToASecondFolderUnchanged() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  withEnv(['MARK=one']) {
                    %s
                  }
                  def r = backupApp app: 'shop', release: 'r1', imageMode: 'none'
                  def c = copyRelease app: 'shop', release: r.release, to: '%s'
                  echo "copied=${c.copied} status=${c.releases[0].status} digest=${c.releases[0].manifestDigest}"
                  def again = copyRelease app: 'shop', to: '%2$s'
                  echo "again copied=${again.copied} status=${again.releases[0].status}"
                }
                """.formatted(MAKE_REPO, dr), true));

        WorkflowRun run = j.buildAndAssertSuccess(job);

        ReleaseAction action = run.getAction(ReleaseAction.class);
        j.assertLogContains("copied=1 status=copied digest=" + action.getManifestDigest(), run);
        j.assertLogContains("again copied=0 status=present", run);
        assertArrayEquals(Files.readAllBytes(store.resolve("releases/shop/r1/manifest.json")),
                Files.readAllBytes(dr.resolve("releases/shop/r1/manifest.json")), "the manifest copied byte for byte");
    }

    @Test
    void aDestinationReleaseWithOtherContentFailsTheStepAndIsKept() throws Exception {
        WorkflowJob other = j.createProject(WorkflowJob.class, "other");
        other.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  withEnv(['MARK=two']) {
                    %s
                  }
                  backupApp app: 'shop', release: 'r1', imageMode: 'none', store: '%s'
                }
                """.formatted(MAKE_REPO, dr), true));
        j.buildAndAssertSuccess(other);
        byte[] before = Files.readAllBytes(dr.resolve("releases/shop/r1/manifest.json"));

        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  withEnv(['MARK=one']) {
                    %s
                  }
                  backupApp app: 'shop', release: 'r1', imageMode: 'none'
                  copyRelease app: 'shop', release: 'r1', to: '%s'
                }
                """.formatted(MAKE_REPO, dr), true));
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        j.assertLogContains("r1", run);
        j.assertLogNotContains("\tat dev.layercake", run);
        assertArrayEquals(before, Files.readAllBytes(dr.resolve("releases/shop/r1/manifest.json")));
    }

    @Test
    void withoutADestinationTheStepFailsBeforeAnyWork() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("node('builder') { copyRelease app: 'shop', to: '' }", true));
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);
        j.assertLogContains(Messages.LayercakeStep_Required("to"), run);
        assertFalse(Files.exists(dr.resolve("releases")), "nothing written to the destination");
        try (var files = Files.list(dr)) {
            assertEquals(0, files.count());
        }
    }
}
