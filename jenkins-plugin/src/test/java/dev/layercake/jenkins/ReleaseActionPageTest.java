package dev.layercake.jenkins;

import hudson.model.Label;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build page's summary of a recorded release and the release's own page render with its values. */
@WithJenkins
class ReleaseActionPageTest {

    @TempDir
    Path store;

    @Test
    void theSummaryAndTheReleasePageShowTheRelease(JenkinsRule j) throws Exception {
        GitOnPath.require();
        j.createOnlineSlave(Label.get("builder"));
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("""
                node('builder') {
                  sh '''
                    git init -q -b main .
                    git config user.email ci@example.com
                    git config user.name CI
                    printf 'FROM scratch\\\\n' > Dockerfile
                    git add -A
                    git commit -q -m release
                  '''
                  backupApp app: 'shop', release: 'r1', store: '%s', imageMode: 'none'
                }
                """.formatted(store), true));
        WorkflowRun run = j.buildAndAssertSuccess(job);
        ReleaseAction action = run.getAction(ReleaseAction.class);
        assertNotNull(action);

        JenkinsRule.WebClient web = j.createWebClient();
        HtmlPage build = web.getPage(run);
        String summary = build.asNormalizedText();
        assertTrue(summary.contains("shop/r1"), summary);
        assertTrue(summary.contains(action.getManifestDigest()), "the summary shows the manifest digest");
        assertNotNull(build.getAnchorByHref(action.getUrlName() + "/"), "the summary links to the release page");

        HtmlPage page = web.getPage(run, action.getUrlName());
        assertEquals(200, page.getWebResponse().getStatusCode());
        String text = page.asNormalizedText();
        assertTrue(text.contains("Release shop/r1"), text);
        assertTrue(text.contains(action.getManifestDigest()), text);
        assertTrue(text.contains(action.getRestoreSnippet()), "the restore snippet is shown");
        assertTrue(text.contains(String.valueOf(action.getFiles())), text);
    }
}
