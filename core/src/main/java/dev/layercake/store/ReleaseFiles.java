package dev.layercake.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The files beside a release's manifest that travel with it when it is copied, exported or imported, by name
 * relative to the release ({@code manifest.json.sig}, {@code drills/<name>.json}): its signature, its drill records
 * and theirs. Not the frozen marker: a release is frozen by the destination's own means.
 */
public final class ReleaseFiles {

    private final ReleaseStore store;

    ReleaseFiles(ReleaseStore store) {
        this.store = store;
    }

    /** The names of a release's travelling files: its signature when it has one, then its drill records (sorted). */
    public List<String> list(String app, String release) {
        List<String> out = new ArrayList<>();
        if (store.objects().stat(StoreKeys.signature(app, release)).isPresent()) {
            out.add(StoreKeys.SIGNATURE);
        }
        String dir = StoreKeys.releaseDir(app, release);
        for (ObjectInfo o : store.objects().list(StoreKeys.drills(app, release))) {
            out.add(o.key().substring(dir.length()));
        }
        return out;
    }

    /** The key of a file by its name, for messages and results. */
    public String key(String app, String release, String name) {
        return StoreKeys.releaseFile(app, release, name);
    }

    /** At most {@code maxBytes} of a file by its name; UNAVAILABLE when it cannot be read. */
    public byte[] read(String app, String release, String name, int maxBytes) {
        String key = StoreKeys.releaseFile(app, release, name);
        return store.readAtMost(key, maxBytes, key);
    }

    /** Writes a file once; false when it exists (nothing changed). */
    public boolean create(String app, String release, String name, byte[] bytes) {
        return store.create(StoreKeys.releaseFile(app, release, name), bytes);
    }
}
