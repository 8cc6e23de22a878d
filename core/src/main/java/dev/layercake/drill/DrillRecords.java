package dev.layercake.drill;

import dev.layercake.api.result.DrillSummary;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.sign.ManifestSignature;
import dev.layercake.sign.PemKeys;
import dev.layercake.sign.SignatureAlgorithm;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Drill records in the store: {@code releases/<app>/<release>/drills/<UTC time>.json}, create-only, with
 * {@code .json.sig} beside it when signed. The manifest is never touched, so a frozen release (read-only
 * files, or S3 Object Lock on its existing keys) still takes new records: they are new keys.
 */
public final class DrillRecords {

    public static final String DRILLS = StoreKeys.DRILLS;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    public record Written(String key, Digest digest, boolean signed) {
    }

    private DrillRecords() {
    }

    public static String prefix(String app, String release) {
        return StoreKeys.drills(app, release);
    }

    static Written write(ReleaseStore store, DrillRecord record, Instant started, Path signingKey) {
        PrivateKey key = signingKey == null ? null : PemKeys.readPrivate(signingKey); // a bad key fails before anything is written
        byte[] bytes = Json.write(record);
        Digest digest = Digest.of(bytes);
        // create-only; two drills in one millisecond get -1, -2...: never overwritten
        String recordKey = store.drillRecords().create(record.app(), record.release(), NAME.format(started), bytes);
        if (key != null) {
            SignatureAlgorithm algorithm = SignatureAlgorithm.of(key);
            if (algorithm == null) {
                throw LayercakeException.usage("signing needs an ECDSA P-256 or Ed25519 key, not " + key.getAlgorithm());
            }
            try {
                Signature s = Signature.getInstance(algorithm.jcaSignature());
                s.initSign(key);
                s.update(bytes);
                byte[] doc = Json.write(new ManifestSignature(algorithm.id(), digest.toString(), Base64.getEncoder().encodeToString(s.sign())));
                store.drillRecords().createSignature(recordKey, doc);
            } catch (GeneralSecurityException e) {
                throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot sign the drill record " + recordKey + ": " + e.getMessage(), e);
            }
        }
        return new Written(recordKey, digest, key != null);
    }

    /** Record keys of a release, oldest first (their names sort by time). */
    public static List<String> list(ReleaseStore store, String app, String release) {
        return store.drillRecords().list(app, release);
    }


    /** Records larger than this are not read (a record names differences, not blobs). */
    static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    /** The latest drill of a release for display; a record that cannot be read says so instead of failing show/list. */
    public static Optional<DrillSummary> latestSummary(ReleaseStore store, String app, String release) {
        List<String> keys = list(store, app, release);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        String key = keys.get(keys.size() - 1);
        try {
            byte[] bytes = store.drillRecords().read(key, MAX_RECORD_BYTES + 1);
            if (bytes.length > MAX_RECORD_BYTES) {
                return Optional.of(new DrillSummary("unreadable", null, List.of(), key));
            }
            DrillRecord r = Json.read(bytes, DrillRecord.class, "drill record " + key);
            return Optional.of(new DrillSummary(r.outcome(), r.finishedAt(), r.notObserved(), key));
        } catch (RuntimeException e) {
            return Optional.of(new DrillSummary("unreadable", null, List.of(), key));
        }
    }

    /** The latest drill of a release, if any. */
    public static Optional<DrillRecord> latest(ReleaseStore store, String app, String release) {
        List<String> keys = list(store, app, release);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        String key = keys.get(keys.size() - 1);
        return Optional.of(Json.read(store.drillRecords().read(key, Integer.MAX_VALUE), DrillRecord.class, "drill record " + key));
    }
}
