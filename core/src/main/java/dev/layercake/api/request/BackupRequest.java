package dev.layercake.api.request;

import dev.layercake.model.BuildInfo;
import dev.layercake.api.request.StoreLocation;

import java.util.Objects;

/**
 * Everything one backup needs. Immutable. {@code release} may be null (derived from the build);
 * {@code build} holds explicit overrides of what the CI environment says (null fields: detect).
 * {@code allowIncomplete}: a part of the app that cannot be captured is recorded in the manifest's
 * {@code incomplete} list instead of failing the backup. {@code pipelineFiles}: files of the CI system to store
 * in the manifest's pipeline section ({@code --pipeline-file}, repeatable).
 */
public record BackupRequest(StoreLocation store, String app, String release, SourceOptions source, BuildInfo build,
                            ImageOptions images, KubernetesOptions kubernetes, FreezeOptions freeze,
                            boolean allowIncomplete, java.util.List<String> pipelineFiles) {

    public BackupRequest {
        Objects.requireNonNull(store, "store");
        source = source == null ? SourceOptions.defaults() : source;
        build = build == null ? new BuildInfo(null, null, null, null, null, null) : build;
        images = images == null ? ImageOptions.defaults() : images;
        kubernetes = kubernetes == null ? KubernetesOptions.disabled() : kubernetes;
        freeze = freeze == null ? FreezeOptions.none() : freeze;
        pipelineFiles = pipelineFiles == null ? java.util.List.of() : java.util.List.copyOf(pipelineFiles);
    }

    /** The signature before {@code pipelineFiles}. */
    public BackupRequest(StoreLocation store, String app, String release, SourceOptions source, BuildInfo build,
                         ImageOptions images, KubernetesOptions kubernetes, FreezeOptions freeze, boolean allowIncomplete) {
        this(store, app, release, source, build, images, kubernetes, freeze, allowIncomplete, java.util.List.of());
    }

    /** A request that fails when anything asked for cannot be captured (the default). */
    public BackupRequest(StoreLocation store, String app, String release, SourceOptions source, BuildInfo build,
                         ImageOptions images, KubernetesOptions kubernetes, FreezeOptions freeze) {
        this(store, app, release, source, build, images, kubernetes, freeze, false, java.util.List.of());
    }
}
