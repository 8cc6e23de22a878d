package dev.layercake.jenkins;

import hudson.model.BuildBadgeAction;
import hudson.model.Run;
import jenkins.model.RunAction2;

import java.util.List;

/**
 * On the build page: the release this build recorded (id, manifest digest, counts of files, images and
 * Kubernetes objects) and a link to its report page. One per {@code backupApp} call. Also a build badge
 * ({@code badge.jelly}): an INCOMPLETE release shows a badge beside the build in the build history.
 */
public final class ReleaseAction implements RunAction2, BuildBadgeAction {

    private final BackupOutcome outcome;
    private transient Run<?, ?> run;

    ReleaseAction(BackupOutcome outcome) {
        this.outcome = outcome;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "symbol-archive-outline plugin-ionicons-api";
    }

    @Override
    public String getDisplayName() {
        return outcome.isComplete() ? Messages.ReleaseAction_DisplayName(outcome.app, outcome.release)
                : Messages.ReleaseAction_IncompleteDisplayName(outcome.app, outcome.release);
    }

    /** False when the release records parts of the app as not captured (shown on the summary and the page). */
    public boolean isComplete() {
        return outcome.isComplete();
    }

    /** The badge's tooltip: "INCOMPLETE release app/release: N part(s) not captured"; empty for a complete release. */
    public String getBadgeText() {
        return outcome.isComplete() ? "" : "INCOMPLETE release " + outcome.app + "/" + outcome.release + ": "
                + outcome.incompleteParts().size() + " part(s) of the app not captured (manifest " + outcome.manifestDigest + ")";
    }

    /** "what: why" of each part not captured; names and counts only, never a secret value. */
    public List<String> getIncomplete() {
        return outcome.incompleteParts();
    }

    /** App and release ids are safe path segments (the engine enforces it), so they make a unique URL. */
    @Override
    public String getUrlName() {
        return "layercake-" + outcome.app + "-" + outcome.release;
    }

    public String getApp() {
        return outcome.app;
    }

    public String getRelease() {
        return outcome.release;
    }

    public String getManifestDigest() {
        return outcome.manifestDigest;
    }

    public String getStore() {
        return outcome.store;
    }

    public String getStoreUri() {
        return outcome.storeUri;
    }

    public String getManifestUri() {
        return outcome.manifestUri;
    }

    public int getFiles() {
        return outcome.files;
    }

    public int getImages() {
        return outcome.images;
    }

    public int getKubernetesObjects() {
        return outcome.kubernetesObjects;
    }

    public List<String> getPinnedImages() {
        return outcome.pinnedImages;
    }

    public long getBlobsWritten() {
        return outcome.blobsWritten;
    }

    public long getBytesWritten() {
        return outcome.bytesWritten;
    }

    public long getBlobsSkipped() {
        return outcome.blobsSkipped;
    }

    /** The archived release report (a path under the build's artifacts), or null when none was written. */
    public String getReportFile() {
        return outcome.reportFile;
    }

    public boolean isFrozen() {
        return outcome.frozen;
    }

    /** The Jenkinsfile line that restores this release's sources into a folder, for the report page. */
    public String getRestoreSnippet() {
        return "restoreApp app: '" + outcome.app + "', release: '" + outcome.release + "', store: '" + outcome.store
                + "', sourcesTo: 'restored'";
    }
}
