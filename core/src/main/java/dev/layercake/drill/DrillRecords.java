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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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

    private static final java.util.Set<String> OUTCOMES = java.util.Set.of(DrillRecord.PASSED, DrillRecord.PASSED_WITH_UNOBSERVED,
            DrillRecord.FAILED);
    private static final java.util.regex.Pattern CHECK_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,63}");

    /**
     * The latest drill of a release for display; a record that cannot be read (not JSON, too large, no known
     * outcome, no valid finish time) is shown as unreadable with its key instead of failing show/list, and
     * nothing of it reaches the output but what was checked.
     */
    public static Optional<DrillSummary> latestSummary(ReleaseStore store, String app, String release) {
        List<String> keys = list(store, app, release);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        String key = keys.get(keys.size() - 1);
        byte[] bytes;
        try {
            bytes = store.drillRecords().read(key, MAX_RECORD_BYTES + 1);
        } catch (RuntimeException e) {
            return Optional.of(DrillSummary.unreadable(key, "cannot be read from the store"));
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            return Optional.of(DrillSummary.unreadable(key, "larger than " + MAX_RECORD_BYTES + " bytes"));
        }
        SummaryFields r;
        try {
            r = SummaryFields.read(bytes);
        } catch (IOException | RuntimeException e) {
            return Optional.of(DrillSummary.unreadable(key, "not a drill record (JSON)"));
        }
        if (r.outcome() == null || !OUTCOMES.contains(r.outcome())) {
            return Optional.of(DrillSummary.unreadable(key, "no known outcome"));
        }
        try {
            Instant.parse(r.finishedAt() == null ? "" : r.finishedAt());
        } catch (RuntimeException e) {
            return Optional.of(DrillSummary.unreadable(key, "no valid finish time"));
        }
        List<String> notObserved = r.notObserved();
        if (notObserved.size() > 32 || notObserved.stream().anyMatch(n -> n == null || !CHECK_NAME.matcher(n).matches())) {
            return Optional.of(DrillSummary.unreadable(key, "malformed notObserved"));
        }
        return Optional.of(new DrillSummary(r.outcome(), r.finishedAt(), notObserved, key));
    }

    /**
     * The fields of a record that {@link #latestSummary} shows, read with Jackson's streaming parser: list shows the
     * latest drill of every release, and binding whole records would build the object mapper for that alone.
     * The rules are {@link DrillRecord}'s: checks are required, and a record without {@code notObserved} (written
     * before it was stored) takes the names of its checks that were not observed.
     */
    record SummaryFields(String outcome, String finishedAt, List<String> notObserved) {

        private static final JsonFactory JSON = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                .build();

        static SummaryFields read(byte[] bytes) throws IOException {
            try (JsonParser p = JSON.createParser(bytes)) {
                require(p.nextToken() == JsonToken.START_OBJECT);
                String outcome = null;
                String finishedAt = null;
                List<String> notObserved = null;
                List<String> unobservedChecks = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "outcome" -> outcome = text(p, value);
                        case "finishedAt" -> finishedAt = text(p, value);
                        case "notObserved" -> notObserved = value == JsonToken.VALUE_NULL ? null : strings(p, value);
                        case "checks" -> unobservedChecks = unobservedChecks(p, value);
                        default -> p.skipChildren();
                    }
                }
                require(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null && unobservedChecks != null);
                return new SummaryFields(outcome, finishedAt, notObserved != null ? notObserved : unobservedChecks);
            }
        }

        /** The names of the checks whose status is not-observed; each check must be an object. */
        private static List<String> unobservedChecks(JsonParser p, JsonToken start) throws IOException {
            require(start == JsonToken.START_ARRAY);
            List<String> names = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                require(p.currentToken() == JsonToken.START_OBJECT);
                String name = null;
                String status = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("name")) {
                        name = text(p, value);
                    } else if (field.equals("status")) {
                        status = text(p, value);
                    } else {
                        p.skipChildren();
                    }
                }
                if (DrillRecord.NOT_OBSERVED.equals(status)) {
                    names.add(name);
                }
            }
            return names;
        }

        private static List<String> strings(JsonParser p, JsonToken start) throws IOException {
            require(start == JsonToken.START_ARRAY);
            List<String> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(text(p, p.currentToken()));
            }
            return values;
        }

        private static String text(JsonParser p, JsonToken value) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            require(value.isScalarValue());
            return p.getText();
        }

        private static void require(boolean condition) {
            if (!condition) {
                throw new IllegalArgumentException("not a drill record");
            }
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
