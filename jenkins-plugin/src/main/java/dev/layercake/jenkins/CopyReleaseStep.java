package dev.layercake.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code copyRelease}: copies releases of an app from the step's store (the {@code store} of the other steps:
 * a location or a configured store, by default the configured default store; the engine's {@code copy --from})
 * to a second store {@code to} (a location or a configured store, with its own {@code targetCredentialsId}),
 * e.g. a disaster-recovery site: every blob the release names unless the destination has it, then its
 * signature and drill records, the manifest last and unchanged. {@code release} names one release; without it
 * every release of the app is copied. Returns a map with {@code from}, {@code to}, {@code copied} (how many were
 * copied, the others being at the destination already, identical) and {@code releases}: per release
 * {@code app}, {@code release}, {@code manifestDigest}, {@code status} ({@code copied} or {@code present}),
 * {@code blobsWritten}, {@code blobsSkipped}, {@code bytesWritten}, {@code extras}.
 */
public class CopyReleaseStep extends LayercakeStep {

    private static final long serialVersionUID = 1L;

    private final String to;
    private String release;
    private String targetCredentialsId;

    @DataBoundConstructor
    public CopyReleaseStep(String app, String to) {
        super(app);
        this.to = Util.fixEmptyAndTrim(to);
    }

    /** The destination: a location ({@code /dr}, {@code s3://bucket/prefix}, {@code oci://registry/repo}) or a configured store. */
    public String getTo() {
        return to;
    }

    public String getRelease() {
        return release;
    }

    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    /** AWS credentials (aws-credentials plugin) of an S3 destination; overrides a configured destination store's. */
    public String getTargetCredentialsId() {
        return targetCredentialsId;
    }

    @DataBoundSetter
    public void setTargetCredentialsId(String targetCredentialsId) {
        this.targetCredentialsId = Util.fixEmptyAndTrim(targetCredentialsId);
    }

    /** The destination, resolved like {@code store}: named stores bring their own location, S3 options and credentials. */
    StoreTarget targetStore() throws AbortException {
        return LayercakeGlobalConfiguration.get().resolve(to, getS3Endpoint(), getS3Region(), isS3PathStyle(), targetCredentialsId);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends LayercakeExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final transient CopyReleaseStep step;

        Execution(CopyReleaseStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            required(step.getApp(), "app");
            required(step.to, "to");
            Run<?, ?> run = currentRun();
            FilePath workspace = workspace();
            TaskListener listener = listener();
            StoreTarget from = step.storeTarget();
            StoreTarget target = step.targetStore();
            // Each store gets only its own credentials: two separate secret sets, two engine environments.
            AgentSecrets fromSecrets = step.secrets(run, from);
            AgentSecrets targetSecrets = step.secrets(run, target);
            listener.getLogger().println(Messages.CopyReleaseStep_Starting(step.getApp(),
                    step.release == null ? "*" : step.release, from.describe(), target.describe()));
            return workspace.act(new CopyCallable(step, from, fromSecrets, target, targetSecrets,
                    new LinkedHashMap<>(env()), tempDir(workspace), listener));
        }
    }

    @Extension
    @Symbol("copyRelease")
    public static final class DescriptorImpl extends LayercakeStepDescriptor {

        @Override
        public String getFunctionName() {
            return "copyRelease";
        }

        @Override
        public String getDisplayName() {
            return Messages.CopyReleaseStep_DisplayName();
        }

        @Override
        protected List<String> listParameters() {
            return List.of("insecureRegistry");
        }

        /** Without a release id, every release of the app is copied. */
        @Override
        protected boolean releaseRequired() {
            return false;
        }

        // The destination's credentials are of the store field's kinds (CredentialField.STORE).

        @POST
        public ListBoxModel doFillTargetCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String targetCredentialsId) {
            return CredentialField.STORE.fill(item, targetCredentialsId);
        }

        @POST
        public FormValidation doCheckTargetCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return CredentialField.STORE.check(item, value);
        }
    }
}
