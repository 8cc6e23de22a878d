package dev.layercake.jenkins;

import dev.layercake.LayercakeException;
import dev.layercake.model.Names;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
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
            return FormValidation.error(AgentFailures.render(e.getMessage()));
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

    // Credential fields. A step that has a field of one of these names gets its drop-down and check from here,
    // filtered to the kinds the field accepts (CredentialField); a new kind of field is a new CredentialField.

    @POST
    public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
        return CredentialField.STORE.fill(item, credentialsId);
    }

    @POST
    public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
        return CredentialField.STORE.check(item, value);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
        return CredentialField.REGISTRY.fill(item, registryCredentialsId);
    }

    @POST
    public FormValidation doCheckRegistryCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
        return CredentialField.REGISTRY.check(item, value);
    }

    @POST
    public ListBoxModel doFillKubeconfigCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String kubeconfigCredentialsId) {
        return CredentialField.KUBECONFIG.fill(item, kubeconfigCredentialsId);
    }

    @POST
    public FormValidation doCheckKubeconfigCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
        return CredentialField.KUBECONFIG.check(item, value);
    }

    @POST
    public ListBoxModel doFillEncryptionKeyCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String encryptionKeyCredentialsId) {
        return CredentialField.ENCRYPTION_KEY.fill(item, encryptionKeyCredentialsId);
    }

    @POST
    public FormValidation doCheckEncryptionKeyCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
        return CredentialField.ENCRYPTION_KEY.check(item, value);
    }
}
