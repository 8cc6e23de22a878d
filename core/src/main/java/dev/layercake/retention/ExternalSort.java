package dev.layercake.retention;

import dev.layercake.LayercakeException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts fixed-size records in bounded memory: at most {@code maxInMemory} records are held; beyond that each full
 * batch is sorted and written to a run file in {@code dir}, and {@link #sorted()} merges the runs (at most
 * {@link #FAN_IN} open at once; more are first merged into longer runs). Records are ordered by the unsigned bytes of
 * their first {@code keyLength} bytes; with {@code dedupe}, only the first record of each key is kept. Garbage
 * collection sorts the blob listing and the marked digests with it, so neither is held whole whatever the store's size.
 *
 * <p>Not thread-safe. {@link #close()} deletes the run files.
 */
final class ExternalSort implements Closeable {

    /** Run files merged at once: each holds a read buffer of {@link #BUFFER} bytes. */
    static final int FAN_IN = 32;
    private static final int BUFFER = 16 * 1024;

    private final Path dir;
    private final String name;
    private final int recordSize;
    private final int keyLength;
    private final int maxInMemory;
    private final boolean dedupe;
    private final Comparator<byte[]> order;
    private byte[][] batch;
    private int inBatch;
    private final List<Path> runs = new ArrayList<>();
    private final List<RunReader> readers = new ArrayList<>();
    private int runsWritten;
    private long added;
    private boolean sorting;

    ExternalSort(Path dir, String name, int recordSize, int keyLength, int maxInMemory, boolean dedupe) {
        if (recordSize < keyLength || keyLength < 1 || maxInMemory < 1) {
            throw new IllegalArgumentException("record " + recordSize + ", key " + keyLength + ", memory " + maxInMemory);
        }
        this.dir = dir;
        this.name = name;
        this.recordSize = recordSize;
        this.keyLength = keyLength;
        this.maxInMemory = maxInMemory;
        this.dedupe = dedupe;
        this.order = (a, b) -> Arrays.compareUnsigned(a, 0, keyLength, b, 0, keyLength);
        this.batch = new byte[Math.min(maxInMemory, 1024)][];
    }

    /** Adds a copy of {@code record} ({@code recordSize} bytes). */
    void add(byte[] record) {
        if (sorting) {
            throw new IllegalStateException("add after sorted()");
        }
        if (record.length != recordSize) {
            throw new IllegalArgumentException("a record of " + record.length + " bytes, expected " + recordSize);
        }
        if (inBatch == batch.length) {
            if (inBatch == maxInMemory) {
                spill();
            } else {
                batch = Arrays.copyOf(batch, Math.min(maxInMemory, batch.length * 2));
            }
        }
        batch[inBatch++] = record.clone();
        added++;
    }

    /** How many records were added (before dedupe). */
    long added() {
        return added;
    }

    /** How many run files were written so far (including merge passes); 0 when everything fit in memory. */
    int runsWritten() {
        return runsWritten;
    }

    /**
     * The records in order (deduplicated by key when asked). Call once, after the last {@link #add}; the cursor
     * reads the run files, which {@link #close()} deletes.
     */
    Cursor sorted() {
        if (sorting) {
            throw new IllegalStateException("sorted() twice");
        }
        sorting = true;
        if (runs.isEmpty()) {
            byte[][] records = Arrays.copyOf(batch, inBatch);
            batch = null;
            Arrays.sort(records, order);
            return dedupe(new Cursor() {
                private int i;

                @Override
                public byte[] next() {
                    return i < records.length ? records[i++] : null;
                }
            });
        }
        if (inBatch > 0) {
            spill();
        }
        batch = null;
        while (runs.size() > FAN_IN) {
            List<Path> group = new ArrayList<>(runs.subList(0, FAN_IN));
            runs.subList(0, FAN_IN).clear();
            Path merged = newRun();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(merged), BUFFER)) {
                Cursor c = dedupe(merge(group));
                for (byte[] r = c.next(); r != null; r = c.next()) {
                    out.write(r);
                }
            } catch (IOException e) {
                throw unavailable(e);
            }
            for (Path p : group) {
                delete(p);
            }
            runs.add(merged);
        }
        return dedupe(merge(runs));
    }

    private Cursor dedupe(Cursor in) {
        if (!dedupe) {
            return in;
        }
        return new Cursor() {
            private byte[] last;

            @Override
            public byte[] next() {
                for (byte[] r = in.next(); r != null; r = in.next()) {
                    if (last == null || order.compare(last, r) != 0) {
                        last = r;
                        return r;
                    }
                }
                return null;
            }
        };
    }

    private void spill() {
        Arrays.sort(batch, 0, inBatch, order);
        Path run = newRun();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(run), BUFFER)) {
            byte[] last = null;
            for (int i = 0; i < inBatch; i++) {
                if (dedupe && last != null && order.compare(last, batch[i]) == 0) {
                    continue;
                }
                out.write(batch[i]);
                last = batch[i];
            }
        } catch (IOException e) {
            throw unavailable(e);
        }
        runs.add(run);
        Arrays.fill(batch, 0, inBatch, null);
        inBatch = 0;
    }

    private Path newRun() {
        runsWritten++;
        return dir.resolve(name + "-" + runsWritten + ".run");
    }

    private Cursor merge(List<Path> files) {
        PriorityQueue<RunReader> heads = new PriorityQueue<>((a, b) -> order.compare(a.head, b.head));
        List<RunReader> open = new ArrayList<>();
        try {
            for (Path f : files) {
                RunReader r = new RunReader(f);
                open.add(r);
                if (r.advance()) {
                    heads.add(r);
                } else {
                    r.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            open.forEach(RunReader::close);
            throw e instanceof IOException io ? unavailable(io) : (RuntimeException) e;
        }
        return new Cursor() {
            @Override
            public byte[] next() {
                RunReader r = heads.poll();
                if (r == null) {
                    return null;
                }
                byte[] out = r.head;
                try {
                    if (r.advance()) {
                        heads.add(r);
                    } else {
                        r.close();
                    }
                } catch (IOException e) {
                    open.forEach(RunReader::close);
                    throw unavailable(e);
                }
                return out;
            }
        };
    }

    private final class RunReader {
        private final InputStream in;
        private byte[] head;

        RunReader(Path file) throws IOException {
            in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            readers.add(this);
        }

        boolean advance() throws IOException {
            byte[] r = new byte[recordSize];
            int n = in.readNBytes(r, 0, recordSize);
            if (n == 0) {
                head = null;
                return false;
            }
            if (n != recordSize) {
                throw new EOFException("a run of " + name + " ends inside a record");
            }
            head = r;
            return true;
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // a read-only temp file: nothing to lose
            }
        }
    }

    private LayercakeException unavailable(IOException e) {
        return new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot sort the " + name + " in " + dir
                + " (garbage collection's working files): " + e.getMessage(), e);
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the working directory is removed as a whole afterwards
        }
    }

    @Override
    public void close() {
        readers.forEach(RunReader::close);
        readers.clear();
        runs.forEach(ExternalSort::delete);
        runs.clear();
        batch = null;
    }

    /** Records in order; {@code null} after the last. */
    interface Cursor {
        byte[] next();
    }
}
