package dev.layercake.sign;

import dev.layercake.LayercakeException;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ObjectStore;
import dev.layercake.store.StoreCapabilities;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hostile backend (a compromised S3 endpoint or registry): the first {@code open} of a key matching
 * {@code swapped} gets {@code firstBytes}, every later one the genuine stored object. Optionally, {@code create}
 * fails for keys matching {@code failCreate} (a write that breaks after the bytes are sent). Everything else is
 * the wrapped store's.
 */
public final class SwappingObjectStore implements ObjectStore {

    private final ObjectStore inner;
    private final Predicate<String> swapped;
    private final byte[] firstBytes;
    private final AtomicInteger opens = new AtomicInteger();
    private Predicate<String> failCreate = k -> false;

    public SwappingObjectStore(ObjectStore inner, Predicate<String> swapped, byte[] firstBytes) {
        this.inner = inner;
        this.swapped = swapped;
        this.firstBytes = firstBytes;
    }

    /** A store that serves everything as it is but fails every create of a key matching {@code failCreate}. */
    public static SwappingObjectStore failingCreate(ObjectStore inner, Predicate<String> failCreate) {
        SwappingObjectStore s = new SwappingObjectStore(inner, k -> false, null);
        s.failCreate = failCreate;
        return s;
    }

    /** How many times a swapped key was opened. */
    public int swappedOpens() {
        return opens.get();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return inner.stat(key);
    }

    @Override
    public InputStream open(String key) {
        if (swapped.test(key) && opens.getAndIncrement() == 0) {
            return new ByteArrayInputStream(firstBytes);
        }
        return inner.open(key);
    }

    @Override
    public boolean create(String key, InputStream content, long length, Runnable beforeCommit) {
        if (failCreate.test(key)) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "injected: the write of " + key + " failed");
        }
        return inner.create(key, content, length, beforeCommit);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return inner.list(prefix);
    }

    @Override
    public void delete(String key) {
        inner.delete(key);
    }

    @Override
    public StoreCapabilities capabilities() {
        return inner.capabilities();
    }
}
