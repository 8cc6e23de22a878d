package dev.layercake.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * What one drill found, stored create-only as {@code releases/<app>/<release>/drills/<UTC time>.json}.
 * {@code outcome}: {@code passed} (every check that applies passed), {@code passed-with-unobserved} (no check
 * failed, but at least one could not be performed on this cluster: listed in {@code notObserved}, never counted
 * as passed) or {@code failed}. Field names are stable: later versions only add fields.
 */
@JsonPropertyOrder({"app", "release", "manifestDigest", "drillId", "startedAt", "finishedAt", "outcome", "checks", "differences",
        "notObserved"})
public record DrillRecord(String app, String release, String manifestDigest, String drillId, String startedAt, String finishedAt,
                          String outcome, List<Check> checks, List<Difference> differences, List<String> notObserved) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String NOT_OBSERVED = "not-observed";
    public static final String SKIPPED = "skipped";
    /** The outcome of a drill in which nothing failed but some check was {@link #NOT_OBSERVED}. */
    public static final String PASSED_WITH_UNOBSERVED = "passed-with-unobserved";

    /** One step: integrity, sources, images, kubernetes, readiness, cleanup. {@code how}: what was done. */
    public record Check(String name, String status, String how, List<String> problems) {
        public Check {
            problems = problems == null ? List.of() : List.copyOf(problems);
        }
    }

    /** One difference, named: the object, the field (JSON pointer), what was expected and what was found. */
    public record Difference(String check, String object, String field, String expected, String found) {
        public String line() {
            return object + " " + field + ": expected " + expected + ", found " + found;
        }
    }

    public DrillRecord {
        checks = List.copyOf(checks);
        differences = differences == null ? List.of() : List.copyOf(differences);
        // a record written before notObserved was stored: derived from the checks
        notObserved = notObserved == null ? namesWith(checks, NOT_OBSERVED) : List.copyOf(notObserved);
    }

    /** The record as first stored, without {@code notObserved} (derived from the checks). */
    public DrillRecord(String app, String release, String manifestDigest, String drillId, String startedAt, String finishedAt,
                       String outcome, List<Check> checks, List<Difference> differences) {
        this(app, release, manifestDigest, drillId, startedAt, finishedAt, outcome, checks, differences, null);
    }

    /** The outcome of these checks: failed if any failed, else passed-with-unobserved if any was not observed, else passed. */
    public static String outcomeOf(List<Check> checks) {
        if (checks.stream().anyMatch(c -> FAILED.equals(c.status()))) {
            return FAILED;
        }
        return checks.stream().anyMatch(c -> NOT_OBSERVED.equals(c.status())) ? PASSED_WITH_UNOBSERVED : PASSED;
    }

    /** Every check passed or did not apply, and none went unobserved. */
    public boolean passed() {
        return PASSED.equals(outcome);
    }

    /** Nothing failed (some checks may not have been observed). */
    public boolean nothingFailed() {
        return PASSED.equals(outcome) || PASSED_WITH_UNOBSERVED.equals(outcome);
    }

    /**
     * The exit a front door gives: 0 when nothing failed (passed, or passed-with-unobserved, which every front
     * door prints as such with the checks not observed), 1 when a check failed.
     */
    public int exitCode() {
        return nothingFailed() ? 0 : 1;
    }

    private static List<String> namesWith(List<Check> checks, String status) {
        return checks.stream().filter(c -> status.equals(c.status())).map(Check::name).toList();
    }
}
