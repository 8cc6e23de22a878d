package dev.layercake.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AmazonWebServicesCredentials;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.springframework.security.core.Authentication;

import java.util.Collections;

/**
 * The credential fields of the steps and of a named store, each with the credential kinds it accepts: the one
 * place the drop-downs ({@code doFill*Items}) and the form checks ({@code doCheck*}) take them from, the same
 * kinds {@link CredentialLookup} resolves when the step runs.
 *
 * <p>A drop-down lists only the accepted kinds, in the context of the item being configured and as the item's
 * authentication (so folder credentials apply and a user sees what the build could use), to users who may
 * configure the item ({@link Item#EXTENDED_READ} or {@link CredentialsProvider#USE_ITEM}); at the root (the global
 * configuration) to administrators only. Everyone else gets only the current value, so saving a form they can
 * open does not drop it. This is the pattern of credentials-plugin's consumer guide.
 */
public enum CredentialField {

    /** {@code credentialsId}: the S3 store. */
    STORE("AWS credentials") {
        @Override
        CredentialsMatcher matcher() {
            return CredentialsMatchers.instanceOf(AmazonWebServicesCredentials.class);
        }
    },
    /** {@code registryCredentialsId}: the registries a step names. */
    REGISTRY("Username with password") {
        @Override
        CredentialsMatcher matcher() {
            return CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class);
        }
    },
    /**
     * {@code kubeconfigCredentialsId}: a secret file with a kubeconfig, or a kind the kubernetes-credentials plugin
     * turns into one. The file kind comes first, so it matches without asking the token converters.
     */
    KUBECONFIG("Secret file (kubeconfig) or Kubernetes") {
        @Override
        CredentialsMatcher matcher() {
            return CredentialsMatchers.anyOf(
                    CredentialsMatchers.instanceOf(FileCredentials.class),
                    AuthenticationTokens.matcher(KubernetesAuth.class));
        }
    },
    /** {@code encryptionKeyCredentialsId}: the Secrets encryption key. */
    ENCRYPTION_KEY("Secret text or Secret file") {
        @Override
        CredentialsMatcher matcher() {
            return CredentialsMatchers.anyOf(
                    CredentialsMatchers.instanceOf(StringCredentials.class),
                    CredentialsMatchers.instanceOf(FileCredentials.class));
        }
    };

    private final String kind;

    CredentialField(String kind) {
        this.kind = kind;
    }

    /** The accepted kinds, as the messages name them. */
    public String kind() {
        return kind;
    }

    /** Which credentials this field accepts. Built on each call: the Kubernetes converters are extensions. */
    abstract CredentialsMatcher matcher();

    /** Whether {@code c} is of a kind this field accepts. */
    public boolean accepts(StandardCredentials c) {
        return c != null && matcher().matches(c);
    }

    /**
     * The drop-down of this field for {@code item} (null: the global configuration).
     *
     * @param current the value the form holds now, kept even for users who may not list credentials
     */
    public ListBoxModel fill(Item item, String current) {
        StandardListBoxModel result = new StandardListBoxModel();
        String value = Util.fixNull(current);
        if (!mayList(item)) {
            result.includeCurrentValue(value);
            return result;
        }
        result.includeEmptyValue();
        if (item == null) {
            result.includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class,
                    Collections.emptyList(), matcher());
        } else {
            result.includeMatchingAs(authenticationOf(item), item, StandardCredentials.class,
                    Collections.emptyList(), matcher());
        }
        result.includeCurrentValue(value);
        return result;
    }

    /**
     * The form check of this field: an id that no credential in the item's context has, or a credential of
     * another kind, is an error. Empty is fine (every credential field is optional); an expression is known only
     * when the Pipeline runs. Listing ids does not read a secret, so a check is not a credential use.
     */
    public FormValidation check(Item item, String value) {
        if (!mayList(item)) {
            return FormValidation.ok(); // nothing to tell a user who may not see the credentials
        }
        String id = Util.fixEmptyAndTrim(value);
        if (id == null) {
            return FormValidation.ok();
        }
        if (id.contains("${")) {
            return FormValidation.warning(Messages.Credentials_Expression());
        }
        if (list(item, CredentialsMatchers.withId(id)).isEmpty()) {
            return FormValidation.error(Messages.Credentials_NotFound(id, kind));
        }
        if (list(item, CredentialsMatchers.allOf(CredentialsMatchers.withId(id), matcher())).isEmpty()) {
            return FormValidation.error(Messages.Credentials_WrongKind(id, kind));
        }
        return FormValidation.ok();
    }

    private static ListBoxModel list(Item item, CredentialsMatcher matcher) {
        if (item == null) {
            return CredentialsProvider.listCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(),
                    ACL.SYSTEM2, Collections.emptyList(), matcher);
        }
        return CredentialsProvider.listCredentialsInItem(StandardCredentials.class, item, authenticationOf(item),
                Collections.emptyList(), matcher);
    }

    /** Who may see the credential ids of this context (credentials-plugin's documented checks). */
    static boolean mayList(Item item) {
        if (item == null) {
            return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
        }
        return item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
    }

    /** The authentication the item's builds run as (what they could use), SYSTEM for items that do not run. */
    static Authentication authenticationOf(Item item) {
        return item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
    }
}
