package dev.layercake.drill;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * What one drill found, stored create-only as {@code releases/<app>/<release>/drills/<UTC time>.json}.
 * {@code outcome}: passed (no check failed) or failed. A check the drill could not perform is
 * {@code not-observed}, never passed: the record lists it and says so in {@code notObserved}.
 */
@JsonPropertyOrder({"app", "release", "manifestDigest", "drillId", "startedAt", "finishedAt", "outcome", "checks", "differences"})
public record DrillRecord(String app, String release, String manifestDigest, String drillId, String startedAt, String finishedAt,
                          String outcome, List<Check> checks, List<Difference> differences) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String NOT_OBSERVED = "not-observed";
    public static final String SKIPPED = "skipped";

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
    }

    public boolean passed() {
        return PASSED.equals(outcome);
    }

    public List<String> notObserved() {
        return checks.stream().filter(c -> NOT_OBSERVED.equals(c.status())).map(Check::name).toList();
    }
}
