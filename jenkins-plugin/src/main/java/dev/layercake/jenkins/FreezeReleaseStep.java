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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code freezeRelease}: makes a stored release unchangeable: S3 Object Lock retention ({@code retainUntil})
 * or legal hold on the manifest and every object it names, read-only files in a folder store. Returns a map
 * with {@code app}, {@code release}, {@code manifestDigest}, {@code method}, {@code retainUntil},
 * {@code legalHold}, {@code objectsFrozen}, {@code alreadyFrozen} and {@code imageTags}: with
 * {@code tagImages: true}, each backup-registry copy of the release's images also gets the release id as a
 * tag naming its recorded digest ({@code registryCredentialsId} for that registry).
 */
public class FreezeReleaseStep extends RegistryStep {

    private static final long serialVersionUID = 1L;

    private final String release;
    private String retainUntil;
    private boolean legalHold;
    private boolean tagImages;

    @DataBoundConstructor
    public FreezeReleaseStep(String app, String release) {
        super(app);
        this.release = Util.fixEmptyAndTrim(release);
    }

    public String getRelease() {
        return release;
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

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends LayercakeExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final transient FreezeReleaseStep step;

        Execution(FreezeReleaseStep step, StepContext context) {
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
            listener.getLogger().println(Messages.FreezeReleaseStep_Starting(step.getApp(), step.release, store.describe()));
            return workspace.act(new FreezeCallable(step, store, secrets, new LinkedHashMap<>(env()),
                    tempDir(workspace), listener));
        }
    }

    @Extension
    @Symbol("freezeRelease")
    public static final class DescriptorImpl extends LayercakeStepDescriptor {

        @Override
        public String getFunctionName() {
            return "freezeRelease";
        }

        @Override
        public String getDisplayName() {
            return Messages.FreezeReleaseStep_DisplayName();
        }

        @Override
        protected List<String> listParameters() {
            return List.of("insecureRegistry");
        }
    }
}
