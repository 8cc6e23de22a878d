package dev.layercake.api.request;

import dev.layercake.LayercakeException;

import java.util.List;

/**
 * Which images to pin and where to copy them. {@code mode}: copy (into the store, and the target
 * registry when given), digest-only (record digests, copy nothing) or none (skip images).
 */
public record ImageOptions(List<String> images, String mode, String target, List<String> insecureRegistries) {

    public static final String COPY = "copy";
    public static final String DIGEST_ONLY = "digest-only";
    public static final String NONE = "none";

    public ImageOptions {
        images = images == null ? List.of() : List.copyOf(images);
        mode = mode == null || mode.isBlank() ? COPY : mode;
        if (!List.of(COPY, DIGEST_ONLY, NONE).contains(mode)) {
            throw LayercakeException.usage("--image-mode '" + mode + "' is not one of copy, digest-only, none");
        }
        target = target == null || target.isBlank() ? null : target;
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }

    public static ImageOptions defaults() {
        return new ImageOptions(List.of(), COPY, null, List.of());
    }
}
