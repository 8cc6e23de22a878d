package dev.layercake.jenkins;

import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
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
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code drillRelease} on a real agent right after {@code backupApp}, against a folder store (no cluster, no
 * images: integrity and sources are drilled, the rest is skipped); then after one blob of the release is changed
 * in the store: the stage fails, or with {@code failOnDifference: false} the build is UNSTABLE and goes on.
 */
@WithJenkins
class DrillReleaseStepTest {

    private static final String MAKE_REPO = """
            sh '''
              git init -q -b main .
              git config user.email ci@example.com
              git config user.name CI
              printf 'FROM scratch\\\\nCOPY app /app\\\\n' > Dockerfile
              echo hello > app
              git add -A
              git commit -q -m release
            '''
            """;

    @TempDir
    Path store;

    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        GitOnPath.require();
        j = rule;
        j.createOnlineSlave(Label.get("builder"));
    }

    @Test
    void drillsTheReleaseRightAfterTheBackupAndRecordsTheOutcome() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  def r = backupApp app: 'shop', store: '%2$s', release: 'r1', imageMode: 'none'
                  def d = drillRelease app: 'shop', release: r.release, store: '%2$s'
                  echo "outcome=${d.outcome} recordDigest=${d.recordDigest} differences=${d.differences.size()}"
                }
                """.formatted(MAKE_REPO, store), true));

        WorkflowRun run = j.buildAndAssertSuccess(job);

        Path record = onlyRecord(store.resolve("releases/shop/r1/drills"));
        String digest = sha256(record);
        j.assertLogContains("outcome=passed recordDigest=" + digest + " differences=0", run);
        j.assertLogContains("Layercake drill of shop/r1: passed; record releases/shop/r1/drills/", run);
        DrillAction action = run.getAction(DrillAction.class);
        assertNotNull(action, "the build page shows the drill");
        assertEquals("passed", action.getOutcome());
        assertTrue(action.isPassed());
        assertEquals(digest, action.getRecordDigest());
        assertTrue(action.getNotObserved().isEmpty());
        try (ReleaseStore releases = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
            assertNotNull(releases.readManifest("shop", "r1"), "the manifest is untouched by the drill");
        }
    }

    @Test
    void aFailedDrillFailsTheStageUnlessFailOnDifferenceIsFalse() throws Exception {
        WorkflowJob backup = j.createProject(WorkflowJob.class, "backup");
        backup.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  %s
                  backupApp app: 'shop', store: '%2$s', release: 'r1', imageMode: 'none'
                }
                """.formatted(MAKE_REPO, store), true));
        j.buildAndAssertSuccess(backup);
        Path blob = largestBlob(store);
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(blob, bytes);

        WorkflowJob strict = j.createProject(WorkflowJob.class, "strict");
        strict.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  drillRelease app: 'shop', release: 'r1', store: '%s'
                  echo 'not reached'
                }
                """.formatted(store), true));
        WorkflowRun failed = j.buildAndAssertStatus(Result.FAILURE, strict);
        j.assertLogContains("Layercake drill of shop/r1: failed", failed);
        j.assertLogContains("Layercake drill of shop/r1 FAILED", failed);
        j.assertLogNotContains("not reached", failed);
        DrillAction failedAction = failed.getAction(DrillAction.class);
        assertNotNull(failedAction, "a failed drill is shown on the build page too");
        assertTrue(failedAction.isFailed());

        WorkflowJob lenient = j.createProject(WorkflowJob.class, "lenient");
        lenient.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  def d = drillRelease app: 'shop', release: 'r1', store: '%s', failOnDifference: false
                  echo "went on: outcome=${d.outcome}"
                }
                """.formatted(store), true));
        WorkflowRun unstable = j.buildAndAssertStatus(Result.UNSTABLE, lenient);
        j.assertLogContains("went on: outcome=failed", unstable);
        j.assertLogContains("failOnDifference is false", unstable);
        try (Stream<Path> records = Files.list(store.resolve("releases/shop/r1/drills"))) {
            assertEquals(2, records.filter(p -> p.toString().endsWith(".json")).count(), "each drill wrote its record");
        }
        assertFalse(JenkinsRule.getLog(unstable).contains("not reached"));
    }

    private static Path onlyRecord(Path drills) throws Exception {
        try (Stream<Path> files = Files.list(drills)) {
            List<Path> records = files.filter(p -> p.toString().endsWith(".json")).toList();
            assertEquals(1, records.size(), records.toString());
            return records.get(0);
        }
    }

    /** The largest content-addressed file of the store: a blob or pack the manifest lists. */
    private static Path largestBlob(Path store) throws Exception {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).filter(p -> !store.relativize(p).startsWith("releases"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
    }

    private static String sha256(Path file) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
