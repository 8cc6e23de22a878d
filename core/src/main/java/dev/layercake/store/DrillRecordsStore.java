package dev.layercake.store;

import java.util.List;

/**
 * The drill records of a release: {@code releases/<app>/<release>/drills/<name>.json}, create-only, with
 * {@code .json.sig} beside one when signed. What a record says is the {@code drill} package's. The manifest is
 * never touched, so a frozen release still takes new records: they are new keys.
 */
public final class DrillRecordsStore {

    private final ReleaseStore store;

    DrillRecordsStore(ReleaseStore store) {
        this.store = store;
    }

    /** The prefix of a release's records, for messages. */
    public String prefix(String app, String release) {
        return StoreKeys.drills(app, release);
    }

    /**
     * Writes a record as {@code <name>.json}, or {@code <name>-1.json}, {@code -2}... when that exists (two drills
     * in one millisecond): a record is never overwritten. Returns the key written.
     */
    public String create(String app, String release, String name, byte[] record) {
        String base = StoreKeys.drills(app, release) + name;
        String key = base + ".json";
        for (int i = 1; !store.create(key, record); i++) {
            key = base + "-" + i + ".json";
        }
        return key;
    }

    /** Writes the signature of the record at {@code recordKey} (from {@link #create}) beside it, once. */
    public boolean createSignature(String recordKey, byte[] signature) {
        return store.create(recordKey + ".sig", signature);
    }

    /** Record keys of a release ({@code .json}), oldest first: their names sort by time. */
    public List<String> list(String app, String release) {
        return store.objects().list(StoreKeys.drills(app, release)).stream().map(ObjectInfo::key)
                .filter(k -> k.endsWith(".json")).sorted().toList();
    }

    /** Everything under a release's drills (records and their signatures), sorted by key. */
    public List<ObjectInfo> entries(String app, String release) {
        return store.objects().list(StoreKeys.drills(app, release));
    }

    /** A record key's name below the release's drills prefix ({@code 20260101T000000.000Z.json}). */
    public String name(String app, String release, String key) {
        String prefix = StoreKeys.drills(app, release);
        return key.startsWith(prefix) ? key.substring(prefix.length()) : key;
    }

    /** At most {@code maxBytes} of a record listed by {@link #list} or {@link #entries}; UNAVAILABLE when unreadable. */
    public byte[] read(String key, int maxBytes) {
        if (!key.startsWith(StoreKeys.RELEASES) || !key.contains("/" + StoreKeys.DRILLS)) {
            throw new IllegalArgumentException(key + " is not a drill record");
        }
        return store.readAtMost(key, maxBytes, key);
    }
}
