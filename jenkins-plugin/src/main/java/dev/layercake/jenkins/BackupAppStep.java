package dev.layercake.jenkins;

import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import jenkins.util.BuildListenerAdapter;
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
 * {@code backupApp}: records the release's restorable artifact set from the workspace checkout, its images and
 * its live Kubernetes objects, tied to this build. Returns a map with {@code release}, {@code manifestDigest}
 * and {@code store} (plus {@code app}, {@code manifestUri}, {@code files}, {@code images},
 * {@code kubernetesObjects}, {@code frozen}).
 *
 * <p>Every parameter is a {@code dev.layercake.api.request.Vocabulary} option of {@code backup} (the CLI's
 * {@code --kebab-case} flags, the Tekton Task's params) or a credential id.
 */
public class BackupAppStep extends ClusterStep {

    private static final long serialVersionUID = 1L;

    private String release;
    private String source;
    private String ref;
    private List<String> include;
    private List<String> exclude;
    private boolean gitBundle;
    private String buildSystem;
    private String buildJob;
    private String buildNumber;
    private String buildUrl;
    private String triggeredBy;
    private List<String> images;
    private String imageMode;
    private String imageTarget;
    private List<String> namespace;
    private List<String> selector;
    private String secrets;
    private boolean allowIncomplete;
    private boolean allowEmptySelection;
    private String helmRelease;
    private String helmNamespace;
    private List<String> pipelineFiles;
    private boolean freeze;
    private String retainUntil;
    private boolean legalHold;
    private boolean tagImages;
    private String signingKey;

    @DataBoundConstructor
    public BackupAppStep(String app) {
        super(app);
    }

    public String getRelease() {
        return release;
    }

    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    public String getSource() {
        return source;
    }

    @DataBoundSetter
    public void setSource(String source) {
        this.source = Util.fixEmptyAndTrim(source);
    }

    public String getRef() {
        return ref;
    }

    @DataBoundSetter
    public void setRef(String ref) {
        this.ref = Util.fixEmptyAndTrim(ref);
    }

    public List<String> getPipelineFiles() {
        return pipelineFiles;
    }

    /** Workspace files of the CI system to store in the release's pipeline section, besides config.xml. */
    @DataBoundSetter
    public void setPipelineFiles(List<String> pipelineFiles) {
        this.pipelineFiles = clean(pipelineFiles);
    }

    public List<String> getInclude() {
        return include;
    }

    @DataBoundSetter
    public void setInclude(List<String> include) {
        this.include = clean(include);
    }

    public List<String> getExclude() {
        return exclude;
    }

    @DataBoundSetter
    public void setExclude(List<String> exclude) {
        this.exclude = clean(exclude);
    }

    public boolean isGitBundle() {
        return gitBundle;
    }

    @DataBoundSetter
    public void setGitBundle(boolean gitBundle) {
        this.gitBundle = gitBundle;
    }

    public String getBuildSystem() {
        return buildSystem;
    }

    @DataBoundSetter
    public void setBuildSystem(String buildSystem) {
        this.buildSystem = Util.fixEmptyAndTrim(buildSystem);
    }

    public String getBuildJob() {
        return buildJob;
    }

    @DataBoundSetter
    public void setBuildJob(String buildJob) {
        this.buildJob = Util.fixEmptyAndTrim(buildJob);
    }

    public String getBuildNumber() {
        return buildNumber;
    }

    @DataBoundSetter
    public void setBuildNumber(String buildNumber) {
        this.buildNumber = Util.fixEmptyAndTrim(buildNumber);
    }

    public String getBuildUrl() {
        return buildUrl;
    }

    @DataBoundSetter
    public void setBuildUrl(String buildUrl) {
        this.buildUrl = Util.fixEmptyAndTrim(buildUrl);
    }

    public String getTriggeredBy() {
        return triggeredBy;
    }

    @DataBoundSetter
    public void setTriggeredBy(String triggeredBy) {
        this.triggeredBy = Util.fixEmptyAndTrim(triggeredBy);
    }

    public List<String> getImages() {
        return images;
    }

    @DataBoundSetter
    public void setImages(List<String> images) {
        this.images = clean(images);
    }

    public String getImageMode() {
        return imageMode;
    }

    @DataBoundSetter
    public void setImageMode(String imageMode) {
        this.imageMode = Util.fixEmptyAndTrim(imageMode);
    }

    public String getImageTarget() {
        return imageTarget;
    }

    @DataBoundSetter
    public void setImageTarget(String imageTarget) {
        this.imageTarget = Util.fixEmptyAndTrim(imageTarget);
    }

    public List<String> getNamespace() {
        return namespace;
    }

    @DataBoundSetter
    public void setNamespace(List<String> namespace) {
        this.namespace = clean(namespace);
    }

    public List<String> getSelector() {
        return selector;
    }

    @DataBoundSetter
    public void setSelector(List<String> selector) {
        this.selector = clean(selector);
    }

    public boolean isAllowIncomplete() {
        return allowIncomplete;
    }

    @DataBoundSetter
    public void setAllowIncomplete(boolean allowIncomplete) {
        this.allowIncomplete = allowIncomplete;
    }

    public String getHelmRelease() {
        return helmRelease;
    }

    @DataBoundSetter
    public void setHelmRelease(String helmRelease) {
        this.helmRelease = Util.fixEmptyAndTrim(helmRelease);
    }

    public String getHelmNamespace() {
        return helmNamespace;
    }

    @DataBoundSetter
    public void setHelmNamespace(String helmNamespace) {
        this.helmNamespace = Util.fixEmptyAndTrim(helmNamespace);
    }

    public boolean isAllowEmptySelection() {
        return allowEmptySelection;
    }

    @DataBoundSetter
    public void setAllowEmptySelection(boolean allowEmptySelection) {
        this.allowEmptySelection = allowEmptySelection;
    }

    public String getSecrets() {
        return secrets;
    }

    @DataBoundSetter
    public void setSecrets(String secrets) {
        this.secrets = Util.fixEmptyAndTrim(secrets);
    }

    public boolean isFreeze() {
        return freeze;
    }

    @DataBoundSetter
    public void setFreeze(boolean freeze) {
        this.freeze = freeze;
    }

    public String getRetainUntil() {
        return retainUntil;
    }

    @DataBoundSetter
    public void setRetainUntil(String retainUntil) {
        this.retainUntil = Util.fixEmptyAndTrim(retainUntil);
    }

    public boolean isLegalHold() {
        return legalHold;
    }

    @DataBoundSetter
    public void setLegalHold(boolean legalHold) {
        this.legalHold = legalHold;
    }

    public boolean isTagImages() {
        return tagImages;
    }

    @DataBoundSetter
    public void setTagImages(boolean tagImages) {
        this.tagImages = tagImages;
    }

    public String getSigningKey() {
        return signingKey;
    }

    @DataBoundSetter
    public void setSigningKey(String signingKey) {
        this.signingKey = Util.fixEmptyAndTrim(signingKey);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends LayercakeExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final transient BackupAppStep step;

        Execution(BackupAppStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            required(step.getApp(), "app");
            Run<?, ?> run = currentRun();
            FilePath workspace = workspace();
            TaskListener listener = listener();
            StoreTarget store = step.storeTarget();

            AgentSecrets secrets = step.secrets(run, store);

            BuildMetadata build = BuildMetadata.of(run, env()).override(step.buildSystem, step.buildJob,
                    step.buildNumber, step.buildUrl, step.triggeredBy);

            listener.getLogger().println(Messages.BackupAppStep_Starting(step.getApp(), store.describe(), workspace.getRemote()));
            JenkinsPipelineInfo pipeline = JenkinsPipelineInfo.of(run);
            pipeline.problems.forEach(p -> listener.getLogger().println("layercake: pipeline: " + p));
            BackupOutcome outcome = workspace.act(new BackupCallable(step, store, build, secrets,
                    new LinkedHashMap<>(env()), tempDir(workspace), listener, pipeline));

            if (outcome.reportFile != null) {
                // Archived as a build artifact; the build page's release action links to it.
                run.pickArtifactManager().archive(workspace, getContext().get(Launcher.class), BuildListenerAdapter.wrap(listener),
                        Map.of(outcome.reportFile, outcome.reportFile));
            }
            run.addAction(new ReleaseAction(outcome));
            listener.getLogger().println(Messages.BackupAppStep_Done(outcome.app, outcome.release, outcome.manifestDigest,
                    outcome.files, outcome.images, outcome.kubernetesObjects));
            if (!outcome.isComplete()) {
                // The release was written because allowIncomplete (or secrets: 'skip') said so: say it where nobody misses it.
                listener.getLogger().println(Messages.BackupAppStep_Incomplete(outcome.app, outcome.release,
                        outcome.incompleteParts().size(), String.join("; ", outcome.incompleteParts())));
                // The build result says it too (default UNSTABLE; Manage Jenkins > System > Layercake changes it).
                Result result = Result.fromString(LayercakeGlobalConfiguration.get().getIncompleteBuildResult());
                if (result != Result.SUCCESS) {
                    run.setResult(result);
                    listener.getLogger().println(Messages.BackupAppStep_IncompleteResult(result.toString()));
                }
            }
            return outcome.toMap();
        }
    }

    @Extension
    @Symbol("backupApp")
    public static final class DescriptorImpl extends LayercakeStepDescriptor {

        @Override
        public String getFunctionName() {
            return "backupApp";
        }

        @Override
        public String getDisplayName() {
            return Messages.BackupAppStep_DisplayName();
        }

        @Override
        protected List<String> listParameters() {
            return new ArrayList<>(List.of("include", "exclude", "images", "insecureRegistry", "namespace", "selector", "pipelineFiles"));
        }

        /** Without a release id, the engine derives one from the build (full job name and number). */
        @Override
        protected boolean releaseRequired() {
            return false;
        }
    }

    // Read by BackupCallable on the agent.

    String release() {
        return release;
    }

    String source() {
        return source;
    }

    String ref() {
        return ref;
    }

    List<String> include() {
        return orEmpty(include);
    }

    List<String> pipelineFiles() {
        return orEmpty(pipelineFiles);
    }

    List<String> exclude() {
        return orEmpty(exclude);
    }

    List<String> images() {
        return orEmpty(images);
    }

    List<String> namespaces() {
        return orEmpty(namespace);
    }

    List<String> selectors() {
        return orEmpty(selector);
    }
}
