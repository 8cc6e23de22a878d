package dev.layercake.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Result;
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
 * {@code drillRelease}: a restore drill of a recorded release ({@code layercake drill}): re-creates it somewhere
 * harmless (sources in a temporary folder, images in {@code imagesTo} or checked in the backup registry, Kubernetes
 * objects in scratch namespaces), checks every part, writes a drill record next to the release and cleans up. The
 * same options as {@code restoreApp}'s where they mean the same. Returns a map with {@code app}, {@code release},
 * {@code outcome} ({@code passed}, {@code passed-with-unobserved} or {@code failed}), {@code notObserved},
 * {@code recordKey}, {@code recordDigest}, {@code signed}, {@code differences}. A failed drill fails the stage
 * (after the record is written and the build shows it) unless {@code failOnDifference: false}: then the build is
 * marked UNSTABLE and the Pipeline goes on. With {@code clean: true} it only removes what earlier drills left.
 */
public class DrillReleaseStep extends RestoreTargetStep {

    private static final long serialVersionUID = 1L;

    private final String release;
    private String signingKey;
    private String timeout;
    private boolean keepScratch;
    private boolean clean;
    private boolean failOnDifference = true;

    @DataBoundConstructor
    public DrillReleaseStep(String app, String release) {
        super(app);
        this.release = Util.fixEmptyAndTrim(release);
    }

    public String getRelease() {
        return release;
    }

    public String getSigningKey() {
        return signingKey;
    }

    @DataBoundSetter
    public void setSigningKey(String signingKey) {
        this.signingKey = Util.fixEmptyAndTrim(signingKey);
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = Util.fixEmptyAndTrim(timeout);
    }

    public boolean isKeepScratch() {
        return keepScratch;
    }

    @DataBoundSetter
    public void setKeepScratch(boolean keepScratch) {
        this.keepScratch = keepScratch;
    }

    public boolean isClean() {
        return clean;
    }

    @DataBoundSetter
    public void setClean(boolean clean) {
        this.clean = clean;
    }

    /** Default true: a failed drill fails the stage; false: the build is marked UNSTABLE and the Pipeline goes on. */
    public boolean isFailOnDifference() {
        return failOnDifference;
    }

    @DataBoundSetter
    public void setFailOnDifference(boolean failOnDifference) {
        this.failOnDifference = failOnDifference;
    }

    /** Whether the Kubernetes objects are drilled: asked for, or implied by a cluster option (as in the CLI). */
    boolean toCluster() {
        return clean || clusterAsked();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    static final class Execution extends LayercakeExecution<Map<String, Object>> {

        private static final long serialVersionUID = 1L;

        private final transient DrillReleaseStep step;

        Execution(DrillReleaseStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            required(step.getApp(), "app");
            if (!step.clean) {
                required(step.release, "release");
            }
            Run<?, ?> run = currentRun();
            FilePath workspace = workspace();
            TaskListener listener = listener();
            StoreTarget store = step.storeTarget();

            AgentSecrets secrets = step.secrets(run, store);

            if (step.clean) {
                listener.getLogger().println(Messages.DrillReleaseStep_Cleaning());
            } else {
                listener.getLogger().println(Messages.DrillReleaseStep_Starting(step.getApp(), step.release, store.describe()));
            }
            LinkedHashMap<String, Object> result = workspace.act(new DrillCallable(step, store, secrets,
                    new LinkedHashMap<>(env()), tempDir(workspace), listener));
            if (step.clean) {
                return result;
            }
            String outcome = String.valueOf(result.get("outcome"));
            @SuppressWarnings("unchecked")
            List<String> notObserved = (List<String>) result.get("notObserved");
            @SuppressWarnings("unchecked")
            List<String> differences = (List<String>) result.get("differences");
            run.addAction(new DrillAction(step.getApp(), step.release, outcome, notObserved, differences,
                    String.valueOf(result.get("recordKey")), String.valueOf(result.get("recordDigest"))));
            // One line the build log always has, whatever the outcome: grep-able, names what was not observed.
            listener.getLogger().println(Messages.DrillReleaseStep_Outcome(step.getApp(), step.release, outcome,
                    notObserved.isEmpty() ? "" : Messages.DrillReleaseStep_NotObserved(String.join(", ", notObserved)),
                    result.get("recordKey"), result.get("recordDigest")));
            for (String d : differences) {
                listener.getLogger().println("  difference: " + d);
            }
            if (DrillAction.FAILED.equals(outcome)) {
                String message = Messages.DrillReleaseStep_Failed(step.getApp(), step.release, differences.size());
                if (step.failOnDifference) {
                    throw new AbortException(message);
                }
                run.setResult(Result.UNSTABLE);
                listener.getLogger().println(message + " " + Messages.DrillReleaseStep_Continuing());
            }
            return result;
        }
    }

    @Extension
    @Symbol("drillRelease")
    public static final class DescriptorImpl extends LayercakeStepDescriptor {

        @Override
        public String getFunctionName() {
            return "drillRelease";
        }

        @Override
        public String getDisplayName() {
            return Messages.DrillReleaseStep_DisplayName();
        }

        @Override
        protected List<String> listParameters() {
            return new ArrayList<>(List.of("insecureRegistry", "namespaceMapping"));
        }
    }
}
