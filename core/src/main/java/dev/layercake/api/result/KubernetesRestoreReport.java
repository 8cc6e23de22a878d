package dev.layercake.api.result;

import java.util.List;

/**
 * What a Kubernetes restore did (or, in a dry run, would do), object by object, in apply order.
 * {@code action}: created, updated, skipped (exists), failed; in a dry run: create, update, skip.
 */
public record KubernetesRestoreReport(String context, boolean dryRun, List<Entry> entries) {

    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    public static final String WOULD_CREATE = "create";
    public static final String WOULD_UPDATE = "update";
    public static final String WOULD_SKIP = "skip";
    public static final String NOT_APPLIED = "not-applied";

    /** One object: where it comes from in the release, where it goes, and what happened. */
    public record Entry(String apiVersion, String kind, String namespace, String name, String sourceNamespace,
                        String action, String detail) {
        public String object() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }

    public KubernetesRestoreReport {
        entries = List.copyOf(entries);
    }

    public List<Entry> applied() {
        return entries.stream().filter(e -> e.action().equals(CREATED) || e.action().equals(UPDATED)).toList();
    }

    public List<Entry> skipped() {
        return entries.stream().filter(e -> e.action().equals(SKIPPED)).toList();
    }

    public List<Entry> failed() {
        return entries.stream().filter(e -> e.action().equals(FAILED)).toList();
    }

    /** The plan or outcome as lines: "create Deployment shop/web". */
    public List<String> lines() {
        return entries.stream().map(e -> e.action() + " " + e.object() + (e.detail() == null ? "" : " (" + e.detail() + ")")).toList();
    }
}
