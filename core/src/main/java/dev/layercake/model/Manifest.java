package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The release manifest: the artifact set tied to its build. Written last, once, never rewritten; its
 * sha256 is the release's identity ({@code manifestDigest}). The JSON Schema is
 * {@code core/src/main/resources/schema/manifest-v1.schema.json}.
 */
@JsonPropertyOrder({"schemaVersion", "app", "release", "createdAt", "tool", "build", "source", "images", "kubernetes", "incomplete", "coverage", "pipeline"})
public record Manifest(
        int schemaVersion,
        String app,
        String release,
        String createdAt,
        ToolInfo tool,
        BuildInfo build,
        SourceSection source,
        List<ImageEntry> images,
        KubernetesSection kubernetes,
        // What the backup was asked to capture and did not (opted in); absent when the release is complete,
        // so a complete release's bytes are what they were before this field existed.
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IncompleteEntry> incomplete,
        // What the release does not hold (volumes, storage services); absent in releases written before it.
        CoverageSection coverage,
        // What only the CI system knows of the pipeline (config.xml, PipelineRun, --pipeline-file); absent when none.
        PipelineSection pipeline) {

    /**
     * 2: Kubernetes objects may sit in packs ({@link KubernetesResource#pack()}). A reader that ignored the pack
     * would take the object's digest for a blob of its own, and an older gc would delete packs it cannot see as
     * named: so a manifest newer than this build is refused, never half-read.
     */
    public static final int SCHEMA_VERSION = 2;

    public Manifest {
        if (schemaVersion < 1 || schemaVersion > SCHEMA_VERSION) {
            throw new IllegalArgumentException("manifest schema version " + schemaVersion + " is not one this layercake reads (1 to "
                    + SCHEMA_VERSION + "); a newer layercake wrote it: upgrade this one before using the store");
        }
        images = images == null ? List.of() : List.copyOf(images);
        kubernetes = kubernetes == null ? KubernetesSection.empty() : kubernetes;
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
    }

    /** The signature before {@code coverage} and {@code pipeline}. */
    public Manifest(int schemaVersion, String app, String release, String createdAt, ToolInfo tool, BuildInfo build,
                    SourceSection source, List<ImageEntry> images, KubernetesSection kubernetes, List<IncompleteEntry> incomplete) {
        this(schemaVersion, app, release, createdAt, tool, build, source, images, kubernetes, incomplete, null, null);
    }

    /** A complete release (nothing recorded as left out): the signature before {@code incomplete}. */
    public Manifest(int schemaVersion, String app, String release, String createdAt, ToolInfo tool, BuildInfo build,
                    SourceSection source, List<ImageEntry> images, KubernetesSection kubernetes) {
        this(schemaVersion, app, release, createdAt, tool, build, source, images, kubernetes, List.of(), null, null);
    }

    /**
     * False when the backup left out part of what it was asked to capture (see {@link #incomplete()}). Not an
     * "is" getter, so JSON has only the {@code incomplete} list.
     */
    public boolean complete() {
        return incomplete.isEmpty();
    }

    /**
     * Every blob this release names, by digest, each once: source files, the git bundle, image content
     * and Kubernetes objects (or the packs that hold them). Verify re-hashes these; garbage collection keeps them.
     */
    public Map<Digest, String> referencedBlobs() {
        Map<Digest, String> blobs = new LinkedHashMap<>();
        if (source != null) {
            for (SourceFile f : source.files()) {
                blobs.putIfAbsent(f.digest(), "source file " + f.path());
            }
            if (source.bundle() != null) {
                blobs.putIfAbsent(source.bundle().digest(), "git bundle of " + source.commit());
            }
        }
        for (ImageEntry image : images) {
            addImageBlobs(image, blobs);
        }
        for (KubernetesResource r : kubernetes.resources()) {
            if (r.pack() == null) {
                blobs.putIfAbsent(r.digest(), "kubernetes " + r.describe());
            } else {
                blobs.putIfAbsent(r.pack().digest(), "kubernetes objects pack (first: " + r.describe() + ")");
            }
        }
        if (pipeline != null) {
            for (PipelineSection.PipelineFile f : pipeline.files()) {
                blobs.putIfAbsent(f.digest(), "pipeline file " + f.name());
            }
        }
        return blobs;
    }

    /**
     * The size the manifest records for each blob it names, where it records one: source files, the git
     * bundle and image blobs (Kubernetes objects record only a digest). The manifest write checks these.
     */
    public Map<Digest, Long> recordedBlobSizes() {
        Map<Digest, Long> sizes = new LinkedHashMap<>();
        if (source != null) {
            for (SourceFile f : source.files()) {
                sizes.putIfAbsent(f.digest(), f.size());
            }
            if (source.bundle() != null) {
                sizes.putIfAbsent(source.bundle().digest(), source.bundle().size());
            }
        }
        for (ImageEntry image : images) {
            addImageSizes(image, sizes);
        }
        if (pipeline != null) {
            for (PipelineSection.PipelineFile f : pipeline.files()) {
                sizes.putIfAbsent(f.digest(), f.size());
            }
        }
        return sizes;
    }

    private static void addImageSizes(ImageEntry image, Map<Digest, Long> sizes) {
        for (BlobRef b : image.blobs()) {
            sizes.putIfAbsent(b.digest(), b.size());
        }
        for (ImageEntry referrer : image.referrers()) {
            addImageSizes(referrer, sizes);
        }
    }

    private static void addImageBlobs(ImageEntry image, Map<Digest, String> blobs) {
        for (BlobRef b : image.blobs()) {
            blobs.putIfAbsent(b.digest(), "image " + image.ref() + " blob " + b.digest().shortHex()
                    + (b.mediaType() == null ? "" : " (" + b.mediaType() + ")"));
        }
        for (ImageEntry referrer : image.referrers()) {
            addImageBlobs(referrer, blobs);
        }
    }
}
