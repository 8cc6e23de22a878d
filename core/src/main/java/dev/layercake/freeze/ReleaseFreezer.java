package dev.layercake.freeze;

import dev.layercake.api.result.FreezeResult;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.FrozenReleases;
import dev.layercake.store.Immutability;
import dev.layercake.store.ReleaseStore;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

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

    public static final String S3_OBJECT_LOCK = Immutability.S3_OBJECT_LOCK;
    public static final String FILESYSTEM_READ_ONLY = Immutability.FILESYSTEM_READ_ONLY;

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
        store.frozenReleases().immutability().check(retainUntil, legalHold);
    }

    public FreezeResult apply(ReleaseStore store, String app, String release, Instant retainUntil, boolean legalHold,
                              ProgressListener listener) {
        Instant until = retainUntil == null ? null : retainUntil.truncatedTo(ChronoUnit.SECONDS);
        check(store, until, legalHold);
        byte[] manifestBytes = store.readManifestBytes(app, release);
        Digest digest = Digest.of(manifestBytes);
        Manifest manifest = Json.read(manifestBytes, Manifest.class, "manifest of " + app + "/" + release);
        FrozenReleases frozen = store.frozenReleases();
        String method = frozen.immutability().method();

        listener.phase("freeze");
        // The marker first: an interrupted freeze still protects the release from prune, and re-running completes it.
        byte[] marker = Json.write(new FrozenMarker(app, release, digest.toString(),
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), method,
                until == null ? null : until.toString(), legalHold));
        boolean created = frozen.mark(app, release, marker);
        if (!created) {
            listener.info("release " + app + "/" + release + " was already frozen; applying the locks again (never shortening them)");
        }
        int objects = frozen.protect(app, release, manifest, until, legalHold,
                (done, total) -> listener.progress("freeze", done, total, "objects"));
        listener.info("release " + app + "/" + release + " frozen (" + method
                + (until == null ? "" : ", retained until " + until) + (legalHold ? ", legal hold" : "") + "): " + objects + " objects");
        return new FreezeResult(app, release, digest.toString(), store.where(),
                method, until == null ? null : until.toString(), legalHold, objects, !created);
    }

    /** Whether a release is frozen (has its marker). Prune asks this. */
    public static boolean isFrozen(ReleaseStore store, String app, String release) {
        return store.frozenReleases().isFrozen(app, release);
    }
}
