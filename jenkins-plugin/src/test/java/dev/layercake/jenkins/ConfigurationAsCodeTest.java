package dev.layercake.jenkins;

import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named stores and defaults come from Configuration as Code (unclassified: layercake:) and export back. */
@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void loadsStoresAndDefaults(JenkinsConfiguredWithCodeRule r) throws Exception {
        LayercakeGlobalConfiguration config = LayercakeGlobalConfiguration.get();
        assertEquals("prod-backups", config.getDefaultStore());
        assertEquals("https://kubernetes.default.svc", config.getKubernetesServerUrl());
        assertEquals(3, config.getStores().size());

        StoreEntry prod = config.getStore("prod-backups");
        assertEquals("s3://acme-release-backups/layercake", prod.getLocation());
        assertEquals("eu-west-1", prod.getS3Region());
        assertEquals("aws-backups", prod.getCredentialsId());
        assertFalse(prod.isS3PathStyle());

        StoreEntry minio = config.getStore("minio");
        assertEquals("http://minio.example.com:9000", minio.getS3Endpoint());
        assertTrue(minio.isS3PathStyle());
        assertNull(minio.getCredentialsId());

        assertEquals("/var/lib/layercake", config.getStore("local").getLocation());

        // A step naming no store gets the default; a step's own options override the named store's.
        StoreTarget target = config.resolve(null, null, "us-east-2", false, null);
        assertEquals("prod-backups", target.name);
        assertEquals("s3://acme-release-backups/layercake", target.location);
        assertEquals("us-east-2", target.s3Region);
        assertEquals("aws-backups", target.credentialsId);
        assertEquals("/tmp/elsewhere", config.resolve("/tmp/elsewhere", null, null, false, null).location);

        String exported = r.exportToString(false);
        assertTrue(exported.contains("layercake:"), exported);
        assertTrue(exported.contains("prod-backups"), exported);
        assertTrue(exported.contains("minio.example.com"), exported);
    }
}
