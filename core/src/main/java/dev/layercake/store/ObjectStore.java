package dev.layercake.store;

import dev.layercake.model.Digest;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The backend under a release store: keys to bytes. Keys are relative '/'-separated paths checked by
 * {@link StoreKeys#check}. Implementations: {@link FileSystemObjectStore}, {@link S3ObjectStore},
 * {@link OciObjectStore}.
 *
 * <p>Writes are create-only: an existing key is never rewritten, so a store's own immutability
 * (S3 Object Lock, read-only files) never fights Layercake.
 */
public interface ObjectStore extends Closeable {

    /** Where this store is, for messages; never includes credentials. */
    String describe();

    Optional<ObjectInfo> stat(String key);

    /** Opens a key for streaming; fails with NOT_FOUND when it does not exist. */
    InputStream open(String key);

    /**
     * Creates {@code key} from {@code content} ({@code length} bytes, or -1 when unknown), atomically:
     * readers see nothing or all of it. {@code beforeCommit} runs after the bytes are sent and before they
     * become visible; if it throws, nothing becomes visible and the exception propagates.
     *
     * @return true when created, false when the key already existed (nothing was changed)
     */
    boolean create(String key, InputStream content, long length, Runnable beforeCommit);

    /**
     * Like {@link #create}, but the object need only be durable and visible after the next {@link #barrier}:
     * a backend that can flush many writes at once (a folder) does so there instead of once per object.
     * Callers call {@link #barrier} before anything that names the object (a manifest) is written. The
     * default is {@link #create} (durable and visible at once).
     */
    default boolean createDeferred(String key, InputStream content, long length, Runnable beforeCommit) {
        return create(key, content, length, beforeCommit);
    }

    /**
     * {@link #create} (or {@link #createDeferred} when {@code deferred}) of content whose SHA-256 the caller knows
     * beforehand (a blob, named by its digest) and checks in {@code beforeCommit} as usual. A backend may give the
     * digest to the server, which then verifies the bytes it received against it (S3's {@code x-amz-checksum-sha256}),
     * instead of hashing the content once more itself. The default ignores it.
     */
    default boolean createWithDigest(String key, InputStream content, long length, Digest sha256, boolean deferred,
                                     Runnable beforeCommit) {
        return deferred ? createDeferred(key, content, length, beforeCommit) : create(key, content, length, beforeCommit);
    }

    /** Makes every {@link #createDeferred} write of this instance durable and visible; no-op by default. */
    default void barrier() {
    }

    /** Every key under {@code prefix} (recursive), sorted. */
    List<ObjectInfo> list(String prefix);

    /**
     * Every key under {@code prefix} (recursive), given to {@code each} as the listing goes, in no particular
     * order, without holding the listing in memory (a folder walks its tree, S3 pages through the bucket), so
     * a caller that needs nothing but each key in turn (garbage collection) stays in memory bounded whatever
     * the store's size. The default lists everything first ({@link #list}).
     */
    default void forEach(String prefix, Consumer<ObjectInfo> each) {
        list(prefix).forEach(each);
    }

    /** Removes a key; no-op when absent. Only prune and garbage collection call this. */
    void delete(String key);

    /**
     * What interrupted writes left behind (never visible as objects) and last changed before {@code before}:
     * removed unless {@code dryRun}; returns how many. Only garbage collection calls this. The default removes
     * nothing: S3 aborts a failed multipart upload itself, and those of killed processes are left to the
     * bucket's {@code AbortIncompleteMultipartUpload} lifecycle rule.
     */
    default int removeAbandonedWrites(Instant before, boolean dryRun) {
        return 0;
    }

    /**
     * What kind of store this is, for messages that tell a user what it cannot do ("an OCI registry").
     * Never includes a location or credentials.
     */
    default String kind() {
        return "a " + getClass().getSimpleName() + " store";
    }

    /**
     * How this backend makes objects immutable (freeze), or empty when it cannot: S3 Object Lock, read-only files.
     * Callers ask this instead of testing the store's class; see {@link ReleaseStore#frozenReleases()}.
     */
    default Optional<Immutability> immutability() {
        return Optional.empty();
    }

    /** What this backend can do; folders and S3 can do everything. */
    default StoreCapabilities capabilities() {
        return StoreCapabilities.FULL;
    }

    @Override
    default void close() {
    }
}
