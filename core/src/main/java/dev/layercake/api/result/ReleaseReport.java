package dev.layercake.api.result;

import dev.layercake.report.ReleaseReports;
import java.util.List;

/**
 * What the release report shows, built only from the manifest and the store ({@link ReleaseReports#build}).
 * Every string here may have come from git, a registry or the cluster: the template escapes all of it.
 */
public record ReleaseReport(Header header, Cake cake, Sources sources, Kubernetes kubernetes, Coverage coverage,
                            Diff diff, List<Missing> incomplete, Pipeline pipeline) {

    /**
     * {@code incomplete}: the manifest's list of parts of the app never captured (empty: a complete release);
     * {@code pipeline}: what the release stored of the pipeline itself (none: an empty one).
     */
    public ReleaseReport {
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
        pipeline = pipeline == null ? new Pipeline(null, List.of(), List.of()) : pipeline;
    }

    /** The signature before {@code pipeline}. */
    public ReleaseReport(Header header, Cake cake, Sources sources, Kubernetes kubernetes, Coverage coverage, Diff diff,
                         List<Missing> incomplete) {
        this(header, cake, sources, kubernetes, coverage, diff, incomplete, null);
    }

    public ReleaseReport(Header header, Cake cake, Sources sources, Kubernetes kubernetes, Coverage coverage, Diff diff) {
        this(header, cake, sources, kubernetes, coverage, diff, List.of());
    }

    /** One part of the app the release does not hold (names and counts, never a secret value). */
    public record Missing(String what, String why) {
    }

    /** Who made the release: build, commit, manifest digest, signature, freeze and the latest drill. */
    public record Header(String app, String release, String createdAt, String buildSystem, String buildJob,
                         String buildNumber, String buildUrl, boolean buildUrlIsLink, String triggeredBy,
                         String commit, String ref, boolean dirty, String repo, String manifestDigest,
                         String signature, String freeze, String previousRelease, Drill drill) {
    }

    /**
     * The latest drill record under {@code releases/<app>/<release>/drills/}, read tolerantly. {@code unobserved}: the
     * outcome is passed-with-unobserved; {@code notPassed}: its checks that did not pass ("readiness not-observed",
     * "images skipped"), so a drill on a cluster that runs no pods never reads as a plain "passed".
     */
    public record Drill(String outcome, String at, String record, boolean passed, boolean unobserved,
                        List<String> notPassed) {
        public Drill(String outcome, String at, String record, boolean passed) {
            this(outcome, at, record, passed, false, List.of());
        }
    }

    /** The layer cake: every image a stack of layers; bytes new in this release vs reused from the previous one. */
    public record Cake(List<ImageStack> images, long newBytes, long reusedBytes, long sharedBytes, int uniqueLayers,
                       int width, int height, List<Column> columns) {
    }

    /** The drawing of one image: where its column sits and its layers as boxes, bottom up (geometry for the SVG). */
    public record Column(int x, int labelY, String label, String title, List<Box> boxes) {
    }

    public record Box(int y, int height, String state, String title) {
    }

    /** One image: its layers bottom to top (the order its manifests list them). */
    public record ImageStack(String ref, String digest, String platforms, long size, String storedAs,
                             List<String> foundIn, List<Layer> layers) {
    }

    /**
     * One layer. {@code sharedInRelease}: another image of this release has it too; {@code inPrevious}: the
     * previous release of the app already held it (so its bytes were reused, not stored again).
     */
    public record Layer(String digest, String shortDigest, long size, String mediaType, boolean sharedInRelease,
                        boolean inPrevious) {
        public String state() {
            return inPrevious ? "reused" : sharedInRelease ? "shared" : "new";
        }
    }

    public record Sources(int fileCount, long bytes, List<KindGroup> kinds, List<Reference> referencedImages) {
    }

    public record KindGroup(String kind, List<File> files) {
    }

    public record File(String path, long size, String digest, boolean symlink) {
    }

    public record Reference(String ref, String file, int line, String foundAs, String platform) {
    }

    public record Kubernetes(int objectCount, String context, List<String> namespaces, List<String> selectors,
                             List<ObjectGroup> groups, List<DriftRow> drift, List<String> rendered) {
        /** {@code rendered}: each Kustomize root and Helm chart drift rendered first, or why it was not ("not rendered: ..."). */
        public Kubernetes {
            rendered = rendered == null ? List.of() : List.copyOf(rendered);
        }

        /** The signature before {@code rendered}. */
        public Kubernetes(int objectCount, String context, List<String> namespaces, List<String> selectors,
                          List<ObjectGroup> groups, List<DriftRow> drift) {
            this(objectCount, context, namespaces, selectors, groups, drift, List.of());
        }
    }

    /** Objects of one kind in one namespace ("" for cluster-scoped); Secrets by name only. */
    public record ObjectGroup(String namespace, String kind, List<String> names, boolean secret) {
    }

    public record DriftRow(String object, String change, String declaredIn, List<FieldChange> fields) {
    }

    /** One changed field; values are null for Secrets (never shown). */
    public record FieldChange(String pointer, String change, String before, String after) {
    }

    /**
     * What the release does not hold. {@code sections}: the manifest's {@code coverage} section when it has one
     * (rendered as found); {@code persistentVolumeClaims}: the PVCs it captured as objects, whose data it does not hold.
     */
    public record Coverage(boolean fromManifest, List<CoverageItem> items, List<String> persistentVolumeClaims,
                           List<CoverageGroup> groups) {
        /**
         * {@code groups}: the manifest's coverage section as this layercake writes it, grouped (volumes; storage
         * services; credentials present; notes), only the groups that have rows; empty when the section has
         * another shape, which {@code items} then shows as found.
         */
        public Coverage {
            items = items == null ? List.of() : List.copyOf(items);
            persistentVolumeClaims = persistentVolumeClaims == null ? List.of() : List.copyOf(persistentVolumeClaims);
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        /** The signature before {@code groups}. */
        public Coverage(boolean fromManifest, List<CoverageItem> items, List<String> persistentVolumeClaims) {
            this(fromManifest, items, persistentVolumeClaims, List.of());
        }
    }

    /** One group of the coverage map: {@code id} is "volumes", "services", "credentials" or "notes". */
    public record CoverageGroup(String id, String title, List<CoverageRow> rows) {
    }

    /** One entry: what it is, its name or endpoint, details, where it was found, and its coverage statement. */
    public record CoverageRow(String kind, String name, String detail, String foundIn, String coverage) {
    }

    /** The pipeline section: the CI system, each stored file (name, kind, origin, size, digest), and what could not be read. */
    public record Pipeline(String system, List<PipelineRow> files, List<String> warnings) {
        public Pipeline {
            files = files == null ? List.of() : List.copyOf(files);
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }
    }

    public record PipelineRow(String name, String kind, String origin, long size, String digest, String mediaType) {
    }

    public record CoverageItem(String section, String text) {
    }

    /** {@code --against}: what changed from {@code from} to this release. */
    public record Diff(String from, String to, List<String> filesAdded, List<String> filesRemoved,
                       List<String> filesChanged, List<ImageChange> images, List<ObjectChange> objects,
                       int objectsCompared, List<String> notes) {
    }

    public record ImageChange(String ref, String change, String fromDigest, String toDigest,
                              List<String> layersAdded, List<String> layersRemoved) {
    }

    public record ObjectChange(String object, String change, List<FieldChange> fields) {
    }
}
