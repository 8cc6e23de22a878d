package dev.layercake.jenkins;

import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

/** Each step survives the snippet generator's form: shown, submitted, bound back with every value. */
@WithJenkins
class StepConfigRoundTripTest {

    @Test
    void backupApp(JenkinsRule j) throws Exception {
        BackupAppStep step = new BackupAppStep("shop");
        step.setStore("prod-backups");
        step.setRelease("1.4.0");
        step.setRef("main");
        step.setInclude(List.of("docs/**", "charts/**"));
        step.setGitBundle(true);
        step.setImages(List.of("registry.example.com/shop/web:1.4", "registry.example.com/shop/worker:1.4"));
        step.setImageMode("copy");
        step.setImageTarget("backup.example.com/shop");
        step.setInsecureRegistry(List.of("localhost:5000"));
        step.setNamespace(List.of("shop"));
        step.setSelector(List.of("app.kubernetes.io/part-of=shop"));
        step.setContext("prod");
        step.setSecrets("encrypt");
        step.setFreeze(true);
        step.setRetainUntil("2030-01-31");
        step.setS3Region("eu-west-1");
        step.setS3PathStyle(true);
        step.setCredentialsId("aws-backups");
        step.setRegistryCredentialsId("registry");
        step.setKubeconfigCredentialsId("kubeconfig");
        step.setEncryptionKeyCredentialsId("secrets-key");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }

    @Test
    void backupAppWithOnlyTheApp(JenkinsRule j) throws Exception {
        BackupAppStep step = new BackupAppStep("shop");
        BackupAppStep after = new StepConfigTester(j).configRoundTrip(step);
        j.assertEqualDataBoundBeans(step, after);
        org.junit.jupiter.api.Assertions.assertNull(after.getImages(), "an empty list stays unset");
    }

    @Test
    void restoreApp(JenkinsRule j) throws Exception {
        RestoreAppStep step = new RestoreAppStep("shop", "1.4.0");
        step.setStore("s3://acme-backups/layercake");
        step.setS3Endpoint("http://minio.example.com:9000");
        step.setSourcesTo("restored");
        step.setImagesTo("registry.dr.example.com/shop");
        step.setNamespaceMapping(List.of("shop=shop-dr", "shop-jobs=shop-dr-jobs"));
        step.setExisting("update");
        step.setPinImages(true);
        step.setKubernetes(true);
        step.setDryRun(true);
        step.setKubeconfigCredentialsId("dr-cluster");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }

    @Test
    void freezeRelease(JenkinsRule j) throws Exception {
        FreezeReleaseStep step = new FreezeReleaseStep("shop", "1.4.0");
        step.setStore("prod-backups");
        step.setRetainUntil("2031-12-31");
        step.setLegalHold(true);
        step.setTagImages(true);
        step.setRegistryCredentialsId("backup-registry");
        step.setInsecureRegistry(java.util.List.of("registry.internal:5000"));
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }

    @Test
    void copyRelease(JenkinsRule j) throws Exception {
        CopyReleaseStep step = new CopyReleaseStep("shop", "oci://registry.dr.example.com/layercake/shop");
        step.setRelease("1.4.0");
        step.setStore("prod-backups");
        step.setCredentialsId("aws-backups");
        step.setTargetCredentialsId("dr-aws");
        step.setInsecureRegistry(java.util.List.of("registry.dr.example.com:5000"));
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }

    @Test
    void drillRelease(JenkinsRule j) throws Exception {
        DrillReleaseStep step = new DrillReleaseStep("shop", "1.4.0");
        step.setStore("prod-backups");
        step.setImagesTo("drill-registry.example.com/drills");
        step.setNamespaceMapping(List.of("shop=shop-drill"));
        step.setInsecureRegistry(List.of("registry.internal:5000"));
        step.setTimeout("90s");
        step.setKeepScratch(true);
        step.setFailOnDifference(false);
        step.setKubeconfigCredentialsId("drill-cluster");
        step.setPublicKey("keys/release.pub");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }
}
