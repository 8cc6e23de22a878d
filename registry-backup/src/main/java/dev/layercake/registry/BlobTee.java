package dev.layercake.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * One read of a blob fanned out to several consumers (the release store and a backup registry, each in its
 * own thread): the source is opened once, at the first consumer's first read, and every chunk read from it
 * is handed to every consumer from memory. Memory is bounded: at most {@code maxBuffered} bytes are held (in
 * chunks of {@code chunkSize}); a consumer that is that far ahead of the slowest waits for it. A consumer that
 * has not opened its stream yet (a destination still asking whether it has the blob) holds the buffer at its
 * start until it opens or {@linkplain #detach detaches}; one that skips the blob, fails or closes early
 * detaches and the others go on. A failed source read fails the next read of every consumer that has not
 * got every byte; no consumer ever sees the end of a stream the source did not end cleanly. A consumer that
 * opens its content a second time (its own retry) gets a fresh read of the source from {@code fallback}:
 * a read is shared, a retry is not.
 */
final class BlobTee {

    private static final int PENDING = 0;
    private static final int OPEN = 1;
    private static final int DONE = 2;

    private final RegistryClient.ContentOpener source;
    private final int chunkSize;
    private final int maxChunks;
    private final Object lock = new Object();
    /** Chunks not yet read by every attached consumer; {@code chunks.peekFirst()} has index {@code base}. */
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final ArrayDeque<Integer> lengths = new ArrayDeque<>();
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private long base;
    private long produced;
    private final int[] state;
    private final long[] chunkOf;
    private final int[] offsetIn;
    private boolean reading;
    private boolean eof;
    private Throwable failure;
    private InputStream in;
    private int opens;
    private long bufferedBytes;
    private long maxBufferedBytes;

    BlobTee(RegistryClient.ContentOpener source, int consumers, int chunkSize, long maxBuffered) {
        this.source = source;
        this.chunkSize = chunkSize;
        this.maxChunks = (int) Math.max(1, maxBuffered / chunkSize);
        this.state = new int[consumers];
        this.chunkOf = new long[consumers];
        this.offsetIn = new int[consumers];
    }

    /**
     * The content opener for consumer {@code i}: its first {@code open()} joins the shared read, a later one
     * (a retry) detaches it and opens {@code fallback} instead.
     */
    RegistryClient.ContentOpener opener(int i, RegistryClient.ContentOpener fallback) {
        return () -> {
            synchronized (lock) {
                if (state[i] == PENDING) {
                    state[i] = OPEN;
                    return new Stream(i);
                }
            }
            detach(i);
            return fallback.open();
        };
    }

    /** Consumer {@code i} needs nothing more (done, skipped, failed): the others no longer wait for it. */
    void detach(int i) {
        InputStream toClose = null;
        synchronized (lock) {
            if (state[i] == DONE) {
                return;
            }
            state[i] = DONE;
            trim();
            if (allDone() && !reading) {
                toClose = in;
                in = null;
            }
            lock.notifyAll();
        }
        closeQuietly(toClose);
    }

    /** Fails every consumer's next read that needs the source (the copy is being given up). */
    void abort(Throwable cause) {
        synchronized (lock) {
            if (failure == null && !eof) {
                failure = cause;
            }
            lock.notifyAll();
        }
    }

    /** How many times the source was opened (0 or 1), for tests. */
    int sourceOpens() {
        synchronized (lock) {
            return opens;
        }
    }

    /** The most bytes held at once, for tests. */
    long maxBufferedBytes() {
        synchronized (lock) {
            return maxBufferedBytes;
        }
    }

    private int read(int i, byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            byte[] fill;
            synchronized (lock) {
                if (state[i] == DONE) {
                    throw new IOException("stream closed");
                }
                if (chunkOf[i] < produced) {
                    return take(i, buf, off, len);
                }
                if (failure != null) {
                    throw rethrow(failure);
                }
                if (eof) {
                    return -1;
                }
                if (reading || produced - base >= maxChunks) {
                    // another consumer is reading the source, or the slowest one still needs the oldest chunk
                    waitLock();
                    continue;
                }
                reading = true;
                fill = free.isEmpty() ? new byte[chunkSize] : free.pop();
            }
            readChunk(fill);
        }
    }

    /** Reads one chunk from the source outside the lock, then publishes it (or the end, or the failure). */
    private void readChunk(byte[] fill) {
        int n = 0;
        boolean end = false;
        Throwable failed = null;
        try {
            InputStream src;
            synchronized (lock) {
                src = in;
            }
            if (src == null) {
                src = source.open();
                synchronized (lock) {
                    opens++;
                    in = src;
                }
            }
            while (n < fill.length) {
                int r = src.read(fill, n, fill.length - n);
                if (r < 0) {
                    end = true;
                    break;
                }
                n += r;
            }
        } catch (IOException | RuntimeException | Error e) {
            failed = e;
        }
        InputStream toClose = null;
        synchronized (lock) {
            reading = false;
            if (failed != null) {
                if (failure == null) {
                    failure = failed;
                }
            } else {
                if (n > 0) {
                    chunks.addLast(fill);
                    lengths.addLast(n);
                    produced++;
                    bufferedBytes += n;
                    maxBufferedBytes = Math.max(maxBufferedBytes, bufferedBytes);
                } else {
                    free.push(fill);
                }
                if (end) {
                    eof = true;
                }
            }
            if (eof || failure != null || allDone()) {
                toClose = in;
                in = null;
            }
            lock.notifyAll();
        }
        closeQuietly(toClose);
    }

    /** Copies from consumer {@code i}'s current chunk; called with the lock held. */
    private int take(int i, byte[] buf, int off, int len) {
        int index = (int) (chunkOf[i] - base);
        byte[] chunk = null;
        int chunkLen = 0;
        int k = 0;
        var it = chunks.iterator();
        var lit = lengths.iterator();
        while (k <= index) {
            chunk = it.next();
            chunkLen = lit.next();
            k++;
        }
        int n = Math.min(len, chunkLen - offsetIn[i]);
        System.arraycopy(chunk, offsetIn[i], buf, off, n);
        offsetIn[i] += n;
        if (offsetIn[i] == chunkLen) {
            chunkOf[i]++;
            offsetIn[i] = 0;
            if (trim()) {
                lock.notifyAll();
            }
        }
        return n;
    }

    /** Drops the chunks every attached consumer has read; true when any was dropped. Lock held. */
    private boolean trim() {
        long min = produced;
        for (int j = 0; j < state.length; j++) {
            if (state[j] != DONE) {
                min = Math.min(min, chunkOf[j]);
            }
        }
        boolean dropped = false;
        while (base < min) {
            byte[] c = chunks.pollFirst();
            bufferedBytes -= lengths.pollFirst();
            base++;
            if (free.size() < 2) {
                free.push(c);
            }
            dropped = true;
        }
        return dropped;
    }

    private boolean allDone() {
        for (int s : state) {
            if (s != DONE) {
                return false;
            }
        }
        return true;
    }

    private void waitLock() throws InterruptedIOException {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the shared read of a blob");
        }
    }

    /** The source's failure for one consumer: a new exception of the same kind (each thread gets its own). */
    private static IOException rethrow(Throwable f) {
        if (f instanceof Digests.ContentMismatchException m) {
            return new Digests.ContentMismatchException(m.getMessage());
        }
        if (f instanceof RegistryException re) {
            throw new RegistryException(re.kind(), re.getMessage(), re);
        }
        if (f instanceof UncheckedIOException u) {
            return new IOException(u.getCause().getMessage(), u.getCause());
        }
        if (f instanceof IOException io) {
            return new IOException(io.getMessage(), io);
        }
        if (f instanceof RuntimeException rt) {
            throw rt;
        }
        if (f instanceof Error err) {
            throw err;
        }
        return new IOException(f);
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the read is over; nothing depends on a clean close
        }
    }

    /** Consumer {@code i}'s view of the shared read. */
    private final class Stream extends InputStream {
        private final int i;

        Stream(int i) {
            this.i = i;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            return BlobTee.this.read(i, buf, off, len);
        }

        @Override
        public void close() {
            detach(i);
        }
    }
}
