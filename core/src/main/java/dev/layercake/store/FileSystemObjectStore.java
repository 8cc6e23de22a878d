package dev.layercake.store;

import dev.layercake.LayercakeException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A store in a local folder. Each write goes to a temporary file under {@code .tmp/}, is flushed to disk,
 * then hard-linked to its key: the link fails if the key exists, so creation is atomic and exclusive.
 * A process killed mid-write leaves only a temporary file, which no reader ever sees; garbage collection
 * removes those left untouched long enough ({@link #removeAbandonedWrites}).
 *
 * <p>{@link #createDeferred} writes the temporary file without flushing it and links nothing yet; {@link #barrier}
 * then flushes every such file, links each to its key and flushes the folders that got a link: one barrier for
 * many blobs instead of a flush per blob, and still no key is ever visible before its bytes are durable.
 *
 * <p>Opening a store writes nothing: the folder and {@code .tmp/} are made by the first write, so a command
 * that fails its checks, or only reads, leaves the folder as it found it.
 */
public final class FileSystemObjectStore implements ObjectStore {

    static final String TMP = ".tmp";
    private final Path root;
    /** Deferred writes: written and checked, waiting for {@link #barrier} to be flushed and linked. */
    private final Map<Path, Path> pending = new LinkedHashMap<>();

    public FileSystemObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE,
                    "the store " + this.root + " is not a folder");
        }
    }

    public Path root() {
        return root;
    }

    /** The file behind a key, for tools that work on files directly (freeze). */
    public Path path(String key) {
        return root.resolve(StoreKeys.check(key));
    }

    @Override
    public String describe() {
        return root.toUri().toString();
    }

    @Override
    public String kind() {
        return "a folder store";
    }

    /** Freezing a folder makes the files read-only: that guards against accidents, not against root. */
    @Override
    public Optional<Immutability> immutability() {
        return Optional.of(new Immutability() {
            @Override
            public String method() {
                return FILESYSTEM_READ_ONLY;
            }

            @Override
            public void check(Instant retainUntil, boolean legalHold) {
                // read-only files need no option and no server feature
            }

            @Override
            public void protect(String key, Instant retainUntil, boolean legalHold) {
                Path file = path(key);
                if (!Files.isRegularFile(file)) {
                    throw LayercakeException.notFound("cannot freeze " + key + ": it is not in " + describe()
                            + "; run verify on the release");
                }
                if (!file.toFile().setWritable(false, false)) {
                    throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot make " + file + " read-only");
                }
            }
        });
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path p = path(key);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("read " + key, e);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return Files.newInputStream(path(key));
        } catch (NoSuchFileException e) {
            throw LayercakeException.notFound(key + " does not exist in " + describe());
        } catch (IOException e) {
            throw unavailable("open " + key, e);
        }
    }

    @Override
    public boolean create(String key, InputStream content, long length, Runnable beforeCommit) {
        return write(key, content, beforeCommit, false);
    }

    /**
     * Writes {@code key} like {@link #create}, but leaves it invisible and not yet flushed until {@link #barrier}.
     * Returns false only when the key exists already; a key another writer creates before the barrier is left
     * as it is (content-addressed keys hold the same bytes).
     */
    @Override
    public boolean createDeferred(String key, InputStream content, long length, Runnable beforeCommit) {
        return write(key, content, beforeCommit, true);
    }

    private boolean write(String key, InputStream content, Runnable beforeCommit, boolean deferred) {
        Path target = path(key);
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = root.resolve(TMP).resolve(UUID.randomUUID() + ".part");
        boolean keep = false;
        try {
            Files.createDirectories(tmp.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // 256 KiB writes (transferTo's are 8 KiB), flushed through the same channel.
                ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
                int n;
                while ((n = content.read(buf.array(), 0, buf.capacity())) >= 0) {
                    buf.limit(n).position(0);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
                if (!deferred) {
                    ch.force(true);
                }
            }
            beforeCommit.run();
            if (deferred) {
                synchronized (pending) {
                    if (pending.containsKey(target)) {
                        return false; // the same key twice before one barrier: the first write stands
                    }
                    pending.put(target, tmp);
                }
                keep = true;
                return true;
            }
            return publish(tmp, target);
        } catch (IOException e) {
            throw unavailable("write " + key, e);
        } finally {
            if (!keep) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Makes every deferred write durable and visible: each temporary file is flushed, then linked to its key,
     * then every folder that got a link is flushed. When it returns, each of those keys is on disk.
     */
    @Override
    public void barrier() {
        List<Map.Entry<Path, Path>> batch;
        synchronized (pending) {
            batch = new ArrayList<>(pending.entrySet());
            pending.clear();
        }
        if (batch.isEmpty()) {
            return;
        }
        Set<Path> folders = new LinkedHashSet<>();
        try {
            for (Map.Entry<Path, Path> e : batch) {
                try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            for (Map.Entry<Path, Path> e : batch) {
                if (publish(e.getValue(), e.getKey())) {
                    folders.add(e.getKey().getParent());
                }
            }
            for (Path folder : folders) {
                forceFolder(folder);
            }
        } catch (IOException e) {
            throw unavailable("flush " + batch.size() + " deferred write(s)", e);
        } finally {
            for (Map.Entry<Path, Path> e : batch) {
                deleteQuietly(e.getValue());
            }
        }
    }

    /** Flushes a folder's entries (the links made in it); where the platform cannot open a folder, the links stand as written. */
    private static void forceFolder(Path folder) throws IOException {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (java.nio.file.AccessDeniedException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; its file system orders the link itself.
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // A leftover .part file is invisible to readers; gc removes it once untouched long enough.
        }
    }

    /** Deferred writes never made visible (the operation failed before its barrier) are dropped. */
    @Override
    public void close() {
        synchronized (pending) {
            pending.values().forEach(FileSystemObjectStore::deleteQuietly);
            pending.clear();
        }
    }

    /** Links a flushed temporary file to its key; false when the key exists (someone else stored it). */
    private static boolean publish(Path tmp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            // No hard links here (some network filesystems): fall back to a non-replacing move.
            try {
                Files.move(tmp, target);
                return true;
            } catch (FileAlreadyExistsException e2) {
                return false;
            }
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        forEach(prefix, out::add);
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    /** Walks the tree: nothing but the walk's own directory stack is held. */
    @Override
    public void forEach(String prefix, Consumer<ObjectInfo> each) {
        String p = prefix == null ? "" : prefix;
        Path start = p.isEmpty() ? root : root.resolve(StoreKeys.check(p.endsWith("/") ? p.substring(0, p.length() - 1) : p));
        if (!Files.isDirectory(start)) {
            return;
        }
        try {
            // Objects may be deleted while we walk (prune, gc, a lease released): a vanished file or folder
            // is simply not listed, as an S3 listing would not list it.
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    String key = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                    if (a.isRegularFile() && !key.startsWith(TMP + "/")) {
                        each.accept(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot list " + describe() + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Path p = path(key);
            if (Files.exists(p) && !Files.isWritable(p)) {
                p.toFile().setWritable(true, true);
            }
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw unavailable("delete " + key, e);
        }
    }

    /** Removes {@code .tmp/*.part} files (writes of killed processes) last modified before {@code before}. */
    @Override
    public int removeAbandonedWrites(Instant before, boolean dryRun) {
        Path dir = root.resolve(TMP);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "*.part")) {
            for (Path part : parts) {
                try {
                    if (Files.getLastModifiedTime(part).toInstant().isBefore(before)) {
                        if (!dryRun) {
                            Files.delete(part);
                        }
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // finished or removed while we looked
                }
            }
        } catch (IOException e) {
            throw unavailable("clean " + TMP, e);
        }
        return removed;
    }

    private LayercakeException unavailable(String what, IOException e) {
        return new LayercakeException(LayercakeException.Kind.UNAVAILABLE,
                "cannot " + what + " in " + describe() + ": " + e.getMessage(), e);
    }
}
