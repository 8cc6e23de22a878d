package dev.layercake.restore;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.DigestingInputStream;
import dev.layercake.store.ReleaseStore;
import dev.layercake.verify.ManifestRules;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a release's captured files into a folder, byte-identical to the commit. Every path is checked
 * before anything is written: absolute paths, '..' and paths through a symlink (captured or already on
 * disk) are refused, as is overwriting a different existing file. Each file is re-hashed as it is written.
 */
public final class SourceRestore {

    /** What was written. */
    public record Result(Path directory, int written, int unchanged) {
    }

    private SourceRestore() {
    }

    public static Result restore(ReleaseStore store, Manifest manifest, Path directory, boolean dryRun, ProgressListener listener) {
        Path root = directory.toAbsolutePath().normalize();
        List<SourceFile> files = manifest.source() == null ? List.of() : manifest.source().files();
        Set<String> symlinks = new HashSet<>();
        files.stream().filter(SourceFile::symlink).forEach(f -> symlinks.add(f.path()));
        List<SourceFile> toWrite = new ArrayList<>();
        int unchanged = 0;
        for (SourceFile f : files) {
            Path target = safeTarget(root, f.path(), symlinks);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (sameContent(target, f)) {
                    unchanged++;
                    continue;
                }
                throw LayercakeException.conflict("refusing to overwrite " + target + ": it exists with other content"
                        + " (restore into an empty folder); nothing was written");
            }
            toWrite.add(f);
        }
        if (dryRun) {
            toWrite.forEach(f -> listener.info("would write " + f.path()));
            return new Result(root, toWrite.size(), unchanged);
        }
        listener.phase("sources");
        int done = 0;
        for (SourceFile f : toWrite) {
            write(store, root, f);
            listener.progress("sources", ++done, toWrite.size(), "files");
        }
        return new Result(root, toWrite.size(), unchanged);
    }

    /** The file a manifest path lands on, or a refusal when it could leave {@code root}. */
    static Path safeTarget(Path root, String path, Set<String> capturedSymlinks) {
        // The manifest's own rules, shared with verify; then what only the target folder can tell.
        String problem = ManifestRules.pathProblem(path, capturedSymlinks);
        if (problem != null) {
            throw LayercakeException.corrupt("refusing manifest path '" + path + "': " + problem);
        }
        Path target = root.resolve(path).normalize();
        if (!target.startsWith(root)) {
            throw LayercakeException.corrupt("refusing manifest path '" + path + "': it leaves " + root);
        }
        // A folder on the way that is a symlink on disk could point anywhere.
        for (Path p = target.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw LayercakeException.corrupt("refusing manifest path '" + path + "': " + p + " is a symlink");
            }
        }
        return target;
    }

    private static boolean sameContent(Path target, SourceFile f) {
        try {
            if (f.symlink()) {
                return Files.isSymbolicLink(target)
                        && Digest.of(Files.readSymbolicLink(target).toString().getBytes(StandardCharsets.UTF_8)).equals(f.digest());
            }
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try (DigestingInputStream in = new DigestingInputStream(Files.newInputStream(target))) {
                in.transferTo(OutputStream.nullOutputStream());
                return in.digest().equals(f.digest());
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(ReleaseStore store, Path root, SourceFile f) {
        Path target = root.resolve(f.path());
        try {
            Files.createDirectories(target.getParent());
            if (f.symlink()) {
                String linkTarget = new String(store.readBlob(f.digest()), StandardCharsets.UTF_8);
                if (!Digest.of(linkTarget.getBytes(StandardCharsets.UTF_8)).equals(f.digest())) {
                    throw LayercakeException.corrupt("stored symlink " + f.path() + " does not match its digest " + f.digest());
                }
                Files.createSymbolicLink(target, Path.of(linkTarget));
                return;
            }
            Path tmp = target.resolveSibling("." + target.getFileName() + ".layercake-tmp");
            try (InputStream blob = store.openBlob(f.digest()); DigestingInputStream in = new DigestingInputStream(blob);
                 OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
                out.close();
                if (!in.digest().equals(f.digest())) {
                    Files.deleteIfExists(tmp);
                    throw LayercakeException.corrupt("stored content of " + f.path() + " does not match its digest " + f.digest()
                            + "; run verify");
                }
            }
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(
                        SourceFile.MODE_EXECUTABLE.equals(f.mode()) ? "rwxr-xr-x" : "rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX filesystem: modes cannot be kept
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
