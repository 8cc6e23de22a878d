package dev.layercake.api.progress;

/**
 * How the engine reports what it is doing. The CLI draws on stderr, the Jenkins step writes to the build
 * log, the Tekton Task prints lines. Messages never contain credentials or secret values.
 */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
    };

    /** A phase starts: "sources", "images", "kubernetes", "manifest"... */
    default void phase(String name) {
    }

    /** Work within the current phase: {@code done} of {@code total} units ({@code total} -1 when unknown). */
    default void progress(String phase, long done, long total, String unit) {
    }

    default void info(String message) {
    }

    default void warn(String message) {
    }
}
