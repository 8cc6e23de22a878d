package dev.layercake.jenkins;

import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code restoreApp}: restores a release to any of three targets: its sources into a folder of the workspace
 * ({@code sourcesTo}), its images to a registry ({@code imagesTo}), its Kubernetes objects to a cluster
 * ({@code kubernetes: true}, implied by {@code namespaceMapping}, {@code context}, {@code kubeconfig} or
 * {@code kubeconfigCredentialsId}). Returns a map with {@code app}, {@code release}, {@code manifestDigest},
 * {@code dryRun}, {@code sourcesTo}, {@code filesWritten}, {@code filesUnchanged}, {@code imagesPushed}.
 */
public class RestoreAppStep extends RestoreTargetStep {

    private static final long serialVersionUID = 1L;

    private final String release;
    private String sourcesTo;
    private String pipelineTo;
    private String existing;
    private boolean pinImages;
    private String imagesFrom;
    private boolean dryRun;
    private boolean requireSignature;

    @DataBoundConstructor
    public RestoreAppStep(String app, String release) {
        super(app);
        this.release = Util.fixEmptyAndTrim(release);
    }

    public String getRelease() {
        return release;
    }

    public String getPipelineTo() {
        return pipelineTo;
    }

    /** Workspace folder the release's pipeline section (config.xml, PipelineRun, pipeline files) is written into. */
    @DataBoundSetter
    public void setPipelineTo(String pipelineTo) {
        this.pipelineTo = Util.fixEmptyAndTrim(pipelineTo);
    }

    public String getSourcesTo() {
        return sourcesTo;
    }

    @DataBoundSetter
    public void setSourcesTo(String sourcesTo) {
        this.sourcesTo = Util.fixEmptyAndTrim(sourcesTo);
    }

    public String getExisting() {
        return existing;
    }

    @DataBoundSetter
    public void setExisting(String existing) {
        this.existing = Util.fixEmptyAndTrim(existing);
    }

    public boolean isPinImages() {
        return pinImages;
    }

    @DataBoundSetter
    public void setPinImages(boolean pinImages) {
        this.pinImages = pinImages;
    }

    public String getImagesFrom() {
        return imagesFrom;
    }

    @DataBoundSetter
    public void setImagesFrom(String imagesFrom) {
        this.imagesFrom = Util.fixEmptyAndTrim(imagesFrom);
    }

    public boolean isDryRun() {
        return dryRun;
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** Refuse an unsigned manifest, or one whose signature does not check (a store signature policy applies anyway). */
    public boolean isRequireSignature() {
        return requireSignature;
    }

    @DataBoundSetter
    public void setRequireSignature(boolean requireSignature) {
        this.requireSignature = requireSignature;
    }

    /** Whether the Kubernetes objects are restored: asked for, or implied by a cluster option (as in the CLI). */
    boolean toCluster() {
        return clusterAsked();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends LayercakeExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final transient RestoreAppStep step;

        Execution(RestoreAppStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            required(step.getApp(), "app");
            required(step.release, "release");
            Run<?, ?> run = currentRun();
            FilePath workspace = workspace();
            TaskListener listener = listener();
            StoreTarget store = step.storeTarget();

            AgentSecrets secrets = step.secrets(run, store);

            listener.getLogger().println(Messages.RestoreAppStep_Starting(step.getApp(), step.release, store.describe()));
            return workspace.act(new RestoreCallable(step, store, secrets, new LinkedHashMap<>(env()),
                    tempDir(workspace), listener));
        }
    }

    @Extension
    @Symbol("restoreApp")
    public static final class DescriptorImpl extends LayercakeStepDescriptor {

        @Override
        public String getFunctionName() {
            return "restoreApp";
        }

        @Override
        public String getDisplayName() {
            return Messages.RestoreAppStep_DisplayName();
        }

        @Override
        protected List<String> listParameters() {
            return new ArrayList<>(List.of("insecureRegistry", "namespaceMapping"));
        }
    }
}
