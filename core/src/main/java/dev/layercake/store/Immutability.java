package dev.layercake.store;

import java.time.Instant;

/**
 * A backend's capability to make stored objects immutable (freeze), asked of {@link ObjectStore#immutability()}
 * instead of testing the store's class. S3 sets Object Lock (a COMPLIANCE retention and/or a legal hold); a folder
 * makes the files read-only (against accidents, not against root). A store without it (an OCI registry) has none.
 */
public interface Immutability {

    /** {@link #method()} of S3 Object Lock. */
    String S3_OBJECT_LOCK = "s3-object-lock";
    /** {@link #method()} of read-only files. */
    String FILESYSTEM_READ_ONLY = "filesystem-read-only";

    /** How objects are made immutable, recorded in the frozen marker: {@link #S3_OBJECT_LOCK}, {@link #FILESYSTEM_READ_ONLY}. */
    String method();

    /**
     * Checks, before anything is changed, that this store can freeze with these options; fails with USAGE (the
     * options do not fit this store) or UNSUPPORTED (the store cannot, e.g. a bucket without Object Lock).
     */
    void check(Instant retainUntil, boolean legalHold);

    /**
     * Makes one existing key immutable: retained until {@code retainUntil} (never shortened when already longer)
     * and/or under a legal hold where the store has those, read-only otherwise.
     */
    void protect(String key, Instant retainUntil, boolean legalHold);
}
