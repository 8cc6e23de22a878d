package dev.layercake.api.request;

import dev.layercake.LayercakeException;

import java.util.List;

/**
 * Which images to pin and where to copy them. {@code mode}: copy (into the store, and the target
 * registry when given), digest-only (record digests, copy nothing) or none (skip images).
 */
public record ImageOptions(List<String> images, Mode mode, String target, List<String> insecureRegistries) {

    public static final Mode COPY = Mode.COPY;
    public static final Mode DIGEST_ONLY = Mode.DIGEST_ONLY;
    public static final Mode NONE = Mode.NONE;

    /** What to do with images: copy them, record their digests only, or skip images. */
    public enum Mode {
        COPY("copy"),
        DIGEST_ONLY("digest-only"),
        NONE("none");

        private final String word;

        Mode(String word) {
            this.word = word;
        }

        /** As users write it (--image-mode digest-only). */
        public String word() {
            return word;
        }

        /** Parses what a user gave; null or blank is the default (copy); anything else names the option and the choices. */
        public static Mode parse(String value) {
            if (value == null || value.isBlank()) {
                return COPY;
            }
            for (Mode m : values()) {
                if (m.word.equals(value.trim())) {
                    return m;
                }
            }
            throw LayercakeException.usage("--image-mode '" + value + "' is not one of copy, digest-only, none");
        }

        @Override
        public String toString() {
            return word;
        }
    }

    public ImageOptions {
        images = images == null ? List.of() : List.copyOf(images);
        mode = mode == null ? COPY : mode;
        target = target == null || target.isBlank() ? null : target;
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }

    /** With the mode as a user wrote it ({@code --image-mode}, {@code imageMode}, {@code image-mode}). */
    public ImageOptions(List<String> images, String mode, String target, List<String> insecureRegistries) {
        this(images, Mode.parse(mode), target, insecureRegistries);
    }

    public static ImageOptions defaults() {
        return new ImageOptions(List.of(), COPY, null, List.of());
    }
}
