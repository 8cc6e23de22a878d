package dev.layercake.freeze;

import dev.layercake.api.result.FreezeResult;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.S3ObjectStore;
import dev.layercake.store.StoreKeys;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Freezes a release so nobody can quietly change or lose it.
 *
 * <ul>
 *   <li>S3: Object Lock on the manifest, its signature, the frozen marker and every blob the release names:
 *       a COMPLIANCE retention until {@code retainUntil} and/or a legal hold. A retention already on an object
 *       (a blob shared with a release frozen longer) is never shortened. A bucket without Object Lock, or a
 *       server without it, is refused with UNSUPPORTED before anything is changed.</li>
 *   <li>Filesystem: the same files made read-only. That guards against accidents, not against root.</li>
 * </ul>
 * Both write {@code frozen.json} first (create-only); {@code prune} never removes a release that has one.
 * Layercake writes are create-only, so a frozen object is never rewritten by a later backup.
 * An immutable release tag in the backup registry is the registry backup's concern, not done here.
 */
public final class ReleaseFreezer {

    public static final String S3_OBJECT_LOCK = "s3-object-lock";
    public static final String FILESYSTEM_READ_ONLY = "filesystem-read-only";

    private final Clock clock;

    public ReleaseFreezer() {
        this(Clock.systemUTC());
    }

    public ReleaseFreezer(Clock clock) {
        this.clock = clock;
    }

    /** Static entry point for front doors: freezes with the system clock. */
    public static FreezeResult freeze(ReleaseStore store, String app, String release, Instant retainUntil, boolean legalHold,
                                      ProgressListener listener) {
        return new ReleaseFreezer().apply(store, app, release, retainUntil, legalHold, listener);
    }

    /** Parses {@code --retain-until}: {@code YYYY-MM-DD} (midnight UTC) or an ISO instant; null stays null. */
    public static Instant parseRetainUntil(String value) {
        return dev.layercake.api.request.Durations.parseDate("--retain-until", value);
    }

    /**
     * Checks, before a backup does any work, that its {@code --freeze} can succeed on this store: the store
     * supports freezing and the options make sense. Fails with UNSUPPORTED or USAGE.
     */
    public void check(ReleaseStore store, Instant retainUntil, boolean legalHold) {
        if (retainUntil != null && !retainUntil.isAfter(clock.instant())) {
            throw LayercakeException.usage("--retain-until " + retainUntil + " is not in the future");
        }
        ObjectStore objects = store.objects();
        if (objects instanceof S3ObjectStore s3) {
            if (retainUntil == null && !legalHold) {
                throw LayercakeException.usage("freezing an S3 release needs --retain-until DATE or --legal-hold (or both)");
            }
            if (!s3.objectLockEnabled()) {
                throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, "bucket '" + s3.bucket()
                        + "' has no Object Lock, so releases in " + objects.describe() + " cannot be frozen; Object Lock can only"
                        + " be turned on for a bucket created with it (aws s3api create-bucket --object-lock-enabled-for-bucket)."
                        + " Nothing was changed");
            }
        } else if (!(objects instanceof FileSystemObjectStore)) {
            throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, "releases in " + objects.describe()
                    + " cannot be frozen: only S3 (Object Lock) and filesystem stores can");
        }
    }

    public FreezeResult apply(ReleaseStore store, String app, String release, Instant retainUntil, boolean legalHold,
                              ProgressListener listener) {
        Instant until = retainUntil == null ? null : retainUntil.truncatedTo(ChronoUnit.SECONDS);
        check(store, until, legalHold);
        byte[] manifestBytes = store.readManifestBytes(app, release);
        Digest digest = Digest.of(manifestBytes);
        Manifest manifest = Json.read(manifestBytes, Manifest.class, "manifest of " + app + "/" + release);
        ObjectStore objects = store.objects();
        String method = objects instanceof S3ObjectStore ? S3_OBJECT_LOCK : FILESYSTEM_READ_ONLY;

        listener.phase("freeze");
        // The marker first: an interrupted freeze still protects the release from prune, and re-running completes it.
        String markerKey = StoreKeys.frozenMarker(app, release);
        byte[] marker = Json.write(new FrozenMarker(app, release, digest.toString(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), method,
                until == null ? null : until.toString(), legalHold));
        boolean created = objects.create(markerKey, new ByteArrayInputStream(marker), marker.length, () -> { });
        if (!created) {
            listener.info("release " + app + "/" + release + " was already frozen; applying the locks again (never shortening them)");
        }

        List<String> keys = new ArrayList<>();
        keys.add(StoreKeys.manifest(app, release));
        keys.add(markerKey);
        String sig = StoreKeys.signature(app, release);
        if (objects.stat(sig).isPresent()) {
            keys.add(sig);
        }
        for (Digest blob : manifest.referencedBlobs().keySet()) {
            keys.add(StoreKeys.blob(blob));
        }
        int done = 0;
        for (String key : keys) {
            if (objects instanceof S3ObjectStore s3) {
                lockS3(s3, key, until, legalHold);
            } else {
                makeReadOnly((FileSystemObjectStore) objects, key);
            }
            listener.progress("freeze", ++done, keys.size(), "objects");
        }
        listener.info("release " + app + "/" + release + " frozen (" + method
                + (until == null ? "" : ", retained until " + until) + (legalHold ? ", legal hold" : "") + "): " + keys.size() + " objects");
        return new FreezeResult(app, release, digest.toString(), store.location() == null ? objects.describe() : store.location().uri(),
                method, until == null ? null : until.toString(), legalHold, keys.size(), !created);
    }

    private static void lockS3(S3ObjectStore s3, String key, Instant until, boolean legalHold) {
        if (until != null) {
            Optional<Instant> current = s3.retainUntil(key);
            if (current.isEmpty() || current.get().isBefore(until)) {
                s3.retain(key, until);
            }
        }
        if (legalHold) {
            s3.legalHold(key);
        }
    }

    private static void makeReadOnly(FileSystemObjectStore fs, String key) {
        Path file = fs.path(key);
        if (!Files.isRegularFile(file)) {
            throw LayercakeException.notFound("cannot freeze " + key + ": it is not in " + fs.describe()
                    + "; run verify on the release");
        }
        if (!file.toFile().setWritable(false, false)) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot make " + file + " read-only");
        }
    }

    /** Whether a release is frozen (has its marker). Prune asks this. */
    public static boolean isFrozen(ReleaseStore store, String app, String release) {
        return store.objects().stat(StoreKeys.frozenMarker(app, release)).isPresent();
    }
}
