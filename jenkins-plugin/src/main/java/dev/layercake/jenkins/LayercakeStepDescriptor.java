package dev.layercake.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import dev.layercake.LayercakeException;
import dev.layercake.model.Names;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shared descriptor behaviour of the Layercake steps: the context they need (they run on the agent that has
 * the workspace), list parameters typed one per line in the snippet generator form, and credential lists.
 */
public abstract class LayercakeStepDescriptor extends StepDescriptor {

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
        return Set.of(Run.class, FilePath.class, TaskListener.class, EnvVars.class);
    }

    /** The list-typed parameters of this step ({@code List<String>} in Pipeline, one per line in the form). */
    protected abstract List<String> listParameters();

    /**
     * The form sends a list parameter as text, one value per line; Pipeline and databinding want a JSON array.
     */
    @Override
    public Step newInstance(StaplerRequest2 req, JSONObject formData) throws FormException {
        for (String name : listParameters()) {
            Object value = formData.opt(name);
            if (value instanceof String text) {
                JSONArray values = new JSONArray();
                for (String line : text.split("\\R")) {
                    if (!line.isBlank()) {
                        values.add(line.trim());
                    }
                }
                formData.put(name, values);
            }
        }
        return super.newInstance(req, formData);
    }

    /** Whether {@code release} must be given (restore, freeze) or may be derived from the build (backup). */
    protected boolean releaseRequired() {
        return true;
    }

    public FormValidation doCheckApp(@QueryParameter String value) {
        return segment("app", value, true);
    }

    public FormValidation doCheckRelease(@QueryParameter String value) {
        return segment("release id", value, releaseRequired());
    }

    /** The engine's own rule for names that become store paths, so the form says what the step would. */
    private static FormValidation segment(String what, String value, boolean required) {
        if (value == null || value.isBlank()) {
            return required ? FormValidation.error(Messages.LayercakeStep_Required(what)) : FormValidation.ok();
        }
        if (value.contains("${")) {
            return FormValidation.ok(); // an expression, known only when the Pipeline runs
        }
        try {
            Names.checkSegment(what, value.trim());
            return FormValidation.ok();
        } catch (LayercakeException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** What the Pipeline views show for a call: the app and, when given, the release. Never a credential id. */
    @Override
    public String argumentsToString(Map<String, Object> namedArgs) {
        Object app = namedArgs.get("app");
        Object release = namedArgs.get("release");
        if (app == null) {
            return null;
        }
        return release == null ? app.toString() : app + "/" + release;
    }

    /** Shows a list parameter in the form, one value per line. */
    public String lines(List<String> values) {
        return values == null ? "" : String.join("\n", values);
    }

    @POST
    public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
        return credentialItems(item, credentialsId);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
        return credentialItems(item, registryCredentialsId);
    }

    @POST
    public ListBoxModel doFillKubeconfigCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String kubeconfigCredentialsId) {
        return credentialItems(item, kubeconfigCredentialsId);
    }

    @POST
    public ListBoxModel doFillEncryptionKeyCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String encryptionKeyCredentialsId) {
        return credentialItems(item, encryptionKeyCredentialsId);
    }

    /** Credentials the user may pick in this item's context; only the current value for those who may not list them. */
    static ListBoxModel credentialItems(Item item, String current) {
        StandardListBoxModel result = new StandardListBoxModel();
        if (item == null) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return result.includeCurrentValue(current);
            }
            return result.includeEmptyValue()
                    .includeAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class)
                    .includeCurrentValue(current);
        }
        if (!item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
            return result.includeCurrentValue(current);
        }
        return result.includeEmptyValue()
                .includeAs(ACL.SYSTEM2, item, StandardCredentials.class)
                .includeCurrentValue(current);
    }
}
