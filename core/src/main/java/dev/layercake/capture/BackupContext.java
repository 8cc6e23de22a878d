package dev.layercake.capture;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.IncompleteEntry;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one backup as it flows through the steps. Steps run one after the other on one thread;
 * each fills its own section. Image candidates are collected from every step (given, found in sources,
 * used by live workloads) and resolved by the image step, which runs last.
 */
public final class BackupContext {

    private final BackupRequest request;
    private final ReleaseStore store;
    private final ProgressListener listener;
    private final Access access;
    private BuildInfo build;
    private String release;
    private SourceSection source;
    private KubernetesSection kubernetes = KubernetesSection.empty();
    private List<ImageEntry> images = List.of();
    private final Map<String, List<String>> imageCandidates = new LinkedHashMap<>();
    private final List<Gap> gaps = new ArrayList<>();
    private List<com.fasterxml.jackson.databind.JsonNode> liveObjects = List.of();
    private dev.layercake.model.CoverageSection coverage;
    private dev.layercake.model.PipelineSection pipeline;

    /**
     * A part of the app the backup was asked to capture and did not. {@code optedIn}: the user asked for it to
     * be left out by name ({@code --secrets skip}); any other gap fails the backup unless {@code allowIncomplete}.
     */
    public record Gap(IncompleteEntry entry, boolean optedIn) {
    }

    public BackupContext(BackupRequest request, ReleaseStore store, ProgressListener listener, Access access) {
        this.request = request;
        this.store = store;
        this.listener = listener;
        this.access = access;
    }

    public BackupRequest request() {
        return request;
    }

    public ReleaseStore store() {
        return store;
    }

    public ProgressListener listener() {
        return listener;
    }

    /** The process environment (or a test's stand-in): CI variables, key variables. */
    public Access access() {
        return access;
    }

    public BuildInfo build() {
        return build;
    }

    public void build(BuildInfo build) {
        this.build = build;
    }

    public String release() {
        return release;
    }

    public void release(String release) {
        this.release = release;
    }

    public SourceSection source() {
        return source;
    }

    public void source(SourceSection source) {
        this.source = source;
    }

    public KubernetesSection kubernetes() {
        return kubernetes;
    }

    public void kubernetes(KubernetesSection kubernetes) {
        this.kubernetes = kubernetes;
    }

    public List<ImageEntry> images() {
        return images;
    }

    public void images(List<ImageEntry> images) {
        this.images = List.copyOf(images);
    }

    /** Adds an image to pin, with where it was found ("option", "Dockerfile:3", "Deployment ns/web"). */
    public void addImageCandidate(String ref, String foundIn) {
        imageCandidates.computeIfAbsent(ref, r -> new ArrayList<>()).add(foundIn);
    }

    /** Records a part of the app that is not captured (said as a warning now; decided on before the manifest). */
    public void leftOut(String what, String why, boolean optedIn) {
        gaps.add(new Gap(new IncompleteEntry(what, why), optedIn));
        if (!optedIn) {
            listener.warn("NOT captured: " + what + ": " + why);
        }
    }

    /** Every gap recorded so far, in order. */
    public List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    /** The app's live objects as read (Secrets unencrypted: for keys only, never stored from here); empty without a cluster. */
    public List<com.fasterxml.jackson.databind.JsonNode> liveObjects() {
        return liveObjects;
    }

    public void liveObjects(List<com.fasterxml.jackson.databind.JsonNode> objects) {
        this.liveObjects = List.copyOf(objects);
    }

    /** What the release does not hold (null until the coverage step ran). */
    public dev.layercake.model.CoverageSection coverage() {
        return coverage;
    }

    public void coverage(dev.layercake.model.CoverageSection coverage) {
        this.coverage = coverage;
    }

    /** The pipeline section (null: none). */
    public dev.layercake.model.PipelineSection pipeline() {
        return pipeline;
    }

    public void pipeline(dev.layercake.model.PipelineSection pipeline) {
        this.pipeline = pipeline;
    }

    /** Image references to resolve, in the order found, each with where it was found. */
    public Map<String, List<String>> imageCandidates() {
        return imageCandidates;
    }
}
