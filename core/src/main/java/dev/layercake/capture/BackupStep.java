package dev.layercake.capture;

/**
 * One capture of a backup (sources, Kubernetes, images), run in order by {@link BackupEngine}. A step
 * stores its blobs through the context's store and fills its section of the context; it never writes
 * the manifest.
 */
public interface BackupStep {

    /** A short name for progress output: "sources", "kubernetes", "images". */
    String name();

    void run(BackupContext context);

    /** False when the request does not ask for this step: it is neither run nor shown as a phase. */
    default boolean appliesTo(BackupContext context) {
        return true;
    }
}
