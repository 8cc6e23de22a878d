package dev.layercake.store;

import java.util.concurrent.atomic.AtomicLong;

/** Counts what a store session wrote and skipped; thread-safe. */
public final class TransferStats {

    private final AtomicLong blobsWritten = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong blobsSkipped = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();

    void written(long bytes) {
        blobsWritten.incrementAndGet();
        bytesWritten.addAndGet(bytes);
    }

    void skipped(long bytes) {
        blobsSkipped.incrementAndGet();
        bytesSkipped.addAndGet(Math.max(0, bytes));
    }

    public long blobsWritten() {
        return blobsWritten.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long blobsSkipped() {
        return blobsSkipped.get();
    }

    public long bytesSkipped() {
        return bytesSkipped.get();
    }
}
