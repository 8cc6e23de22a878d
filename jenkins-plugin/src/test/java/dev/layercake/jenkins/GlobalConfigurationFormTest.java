package dev.layercake.jenkins;

import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Manage Jenkins → System submitted through the browser form: the custom {@code configure()} clears the fields
 * first, so an emptied text field and a store list with every entry deleted are saved as such (databinding
 * alone would keep the old values of fields absent from the form).
 */
@WithJenkins
class GlobalConfigurationFormTest {

    private static void configure(LayercakeGlobalConfiguration config) {
        StoreEntry s3 = new StoreEntry("prod-backups", "s3://acme-backups/layercake");
        s3.setS3Region("eu-west-1");
        s3.setS3PathStyle(true);
        s3.setCredentialsId("aws-backups");
        config.setStores(List.of(s3, new StoreEntry("local", "/var/lib/layercake")));
        config.setDefaultStore("prod-backups");
        config.setKubernetesServerUrl("https://kubernetes.default.svc");
    }

    @Test
    void anUnchangedFormKeepsEveryValue(JenkinsRule j) throws Exception {
        LayercakeGlobalConfiguration config = LayercakeGlobalConfiguration.get();
        configure(config);

        HtmlPage page = j.createWebClient().goTo("configure");
        j.submit(page.getFormByName("config"));

        LayercakeGlobalConfiguration after = LayercakeGlobalConfiguration.get();
        assertEquals(2, after.getStores().size());
        StoreEntry s3 = after.getStore("prod-backups");
        assertEquals("s3://acme-backups/layercake", s3.getLocation());
        assertEquals("eu-west-1", s3.getS3Region());
        assertTrue(s3.isS3PathStyle());
        assertEquals("aws-backups", s3.getCredentialsId());
        assertEquals("/var/lib/layercake", after.getStore("local").getLocation());
        assertEquals("prod-backups", after.getDefaultStore());
        assertEquals("https://kubernetes.default.svc", after.getKubernetesServerUrl());
    }

    @Test
    void emptiedFieldsAndDeletedStoresAreSavedAsSuch(JenkinsRule j) throws Exception {
        configure(LayercakeGlobalConfiguration.get());

        HtmlPage page = j.createWebClient().goTo("configure");
        HtmlForm form = page.getFormByName("config");
        form.getInputByName("_.kubernetesServerUrl").setValue("");
        form.getInputByName("_.defaultStore").setValue("");
        // What the delete buttons do: the entries' chunks leave the form, so "stores" is absent from its JSON.
        for (DomNode chunk : page.querySelectorAll(".repeated-chunk")) {
            if (chunk.querySelector("input[name='_.location']") != null) {
                chunk.remove();
            }
        }
        j.submit(form);

        LayercakeGlobalConfiguration after = LayercakeGlobalConfiguration.get();
        assertEquals(List.of(), after.getStores(), "every store deleted");
        assertNull(after.getDefaultStore());
        assertNull(after.getKubernetesServerUrl());
    }
}
