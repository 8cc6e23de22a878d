package dev.layercake.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AmazonWebServicesCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kind filter of each credential field, without a Jenkins instance: the matchers are plain type tests, so
 * stand-ins of each credential interface are enough. (The Kubernetes field also asks the token converters,
 * which are Jenkins extensions: it is covered by {@link CredentialFieldTest}.)
 */
class CredentialFieldKindsTest {

    private static StandardCredentials of(Class<? extends StandardCredentials> kind) {
        return (StandardCredentials) Proxy.newProxyInstance(CredentialFieldKindsTest.class.getClassLoader(),
                new Class<?>[] {kind}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException("the filter must not read " + method.getName());
                });
    }

    @Test
    void theStoreTakesAwsCredentialsOnly() {
        assertTrue(CredentialField.STORE.accepts(of(AmazonWebServicesCredentials.class)));
        assertFalse(CredentialField.STORE.accepts(of(StandardUsernamePasswordCredentials.class)));
        assertFalse(CredentialField.STORE.accepts(of(StringCredentials.class)));
        assertFalse(CredentialField.STORE.accepts(of(FileCredentials.class)));
    }

    @Test
    void registriesTakeAUsernameWithPassword() {
        assertTrue(CredentialField.REGISTRY.accepts(of(StandardUsernamePasswordCredentials.class)));
        assertFalse(CredentialField.REGISTRY.accepts(of(AmazonWebServicesCredentials.class)));
        assertFalse(CredentialField.REGISTRY.accepts(of(StringCredentials.class)));
    }

    @Test
    void theEncryptionKeyIsSecretTextOrASecretFile() {
        assertTrue(CredentialField.ENCRYPTION_KEY.accepts(of(StringCredentials.class)));
        assertTrue(CredentialField.ENCRYPTION_KEY.accepts(of(FileCredentials.class)));
        assertFalse(CredentialField.ENCRYPTION_KEY.accepts(of(StandardUsernamePasswordCredentials.class)));
        assertFalse(CredentialField.ENCRYPTION_KEY.accepts(of(AmazonWebServicesCredentials.class)));
    }

    @Test
    void nothingIsAcceptedForNoCredentials() {
        for (CredentialField field : new CredentialField[] {CredentialField.STORE, CredentialField.REGISTRY, CredentialField.ENCRYPTION_KEY}) {
            assertFalse(field.accepts(null), field.name());
        }
    }
}
