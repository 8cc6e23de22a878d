package dev.layercake.jenkins;

import hudson.model.Run;
import jenkins.model.RunAction2;

import java.util.List;

/**
 * On the build page: the outcome of one {@code drillRelease} call (passed, passed-with-unobserved naming what
 * was not observed, or failed with the differences) and the drill record's key and digest. One per call; no
 * sidebar link, only the summary.
 */
public final class DrillAction implements RunAction2 {

    static final String PASSED = "passed";
    static final String PASSED_WITH_UNOBSERVED = "passed-with-unobserved";
    static final String FAILED = "failed";

    private final String app;
    private final String release;
    private final String outcome;
    private final List<String> notObserved;
    private final List<String> differences;
    private final String recordKey;
    private final String recordDigest;
    private transient Run<?, ?> run;

    DrillAction(String app, String release, String outcome, List<String> notObserved, List<String> differences,
                String recordKey, String recordDigest) {
        this.app = app;
        this.release = release;
        this.outcome = outcome;
        this.notObserved = List.copyOf(notObserved);
        this.differences = List.copyOf(differences);
        this.recordKey = recordKey;
        this.recordDigest = recordDigest;
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

    /** No sidebar entry: the summary on the build page says it all. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return Messages.DrillAction_DisplayName(app, release, outcome);
    }

    @Override
    public String getUrlName() {
        return null;
    }

    public String getApp() {
        return app;
    }

    public String getRelease() {
        return release;
    }

    /** {@code passed}, {@code passed-with-unobserved} or {@code failed}. */
    public String getOutcome() {
        return outcome;
    }

    /** True only when every check that applies passed: passed-with-unobserved is not a pass of what was unobserved. */
    public boolean isPassed() {
        return PASSED.equals(outcome);
    }

    public boolean isFailed() {
        return FAILED.equals(outcome);
    }

    /** The checks this cluster could not perform (e.g. readiness on an API server that runs no pods). */
    public List<String> getNotObserved() {
        return notObserved;
    }

    /** Each difference: object, field, expected, found (Secret values are never in them). */
    public List<String> getDifferences() {
        return differences;
    }

    public String getRecordKey() {
        return recordKey;
    }

    public String getRecordDigest() {
        return recordDigest;
    }
}
