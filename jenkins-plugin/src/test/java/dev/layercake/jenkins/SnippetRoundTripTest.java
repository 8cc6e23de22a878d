package dev.layercake.jenkins;

import org.jenkinsci.plugins.workflow.cps.SnippetizerTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

/** The snippet generator writes the documented Jenkinsfile syntax, and that syntax makes the same step. */
@WithJenkins
class SnippetRoundTripTest {

    @Test
    void backupApp(JenkinsRule j) throws Exception {
        SnippetizerTester st = new SnippetizerTester(j);
        st.assertRoundTrip(new BackupAppStep("shop"), "backupApp 'shop'");

        BackupAppStep step = new BackupAppStep("shop");
        step.setStore("prod-backups");
        step.setImages(List.of("registry.example.com/shop/web:1.4", "registry.example.com/shop/worker:1.4"));
        step.setNamespace(List.of("shop"));
        step.setFreeze(true);
        step.setCredentialsId("aws-backups");
        st.assertRoundTrip(step, "backupApp app: 'shop', credentialsId: 'aws-backups', freeze: true, "
                + "images: ['registry.example.com/shop/web:1.4', 'registry.example.com/shop/worker:1.4'], "
                + "namespace: ['shop'], store: 'prod-backups'");
    }

    @Test
    void restoreApp(JenkinsRule j) throws Exception {
        RestoreAppStep step = new RestoreAppStep("shop", "team-shop-42");
        step.setNamespaceMapping(List.of("shop=shop-dr"));
        step.setPinImages(true);
        step.setDryRun(true);
        new SnippetizerTester(j).assertRoundTrip(step, "restoreApp app: 'shop', dryRun: true, "
                + "namespaceMapping: ['shop=shop-dr'], pinImages: true, release: 'team-shop-42'");
    }

    @Test
    void freezeRelease(JenkinsRule j) throws Exception {
        FreezeReleaseStep step = new FreezeReleaseStep("shop", "team-shop-42");
        step.setRetainUntil("2030-01-31");
        new SnippetizerTester(j).assertRoundTrip(step,
                "freezeRelease app: 'shop', release: 'team-shop-42', retainUntil: '2030-01-31'");
    }

    @Test
    void copyRelease(JenkinsRule j) throws Exception {
        CopyReleaseStep step = new CopyReleaseStep("shop", "s3://dr-backups/shop");
        step.setRelease("team-shop-42");
        step.setTargetCredentialsId("dr-aws");
        new SnippetizerTester(j).assertRoundTrip(step,
                "copyRelease app: 'shop', release: 'team-shop-42', targetCredentialsId: 'dr-aws', to: 's3://dr-backups/shop'");
    }

    @Test
    void drillRelease(JenkinsRule j) throws Exception {
        DrillReleaseStep step = new DrillReleaseStep("shop", "team-shop-42");
        new SnippetizerTester(j).assertRoundTrip(step, "drillRelease app: 'shop', release: 'team-shop-42'");
        step.setFailOnDifference(false);
        step.setKubernetes(true);
        new SnippetizerTester(j).assertRoundTrip(step,
                "drillRelease app: 'shop', failOnDifference: false, kubernetes: true, release: 'team-shop-42'");
    }
}
