package dev.layercake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything a folder store holds, for "nothing stored is changed" checks: every path under the folder
 * (folders included, {@code .tmp/} included) with its type, size and modification time. A folder's time
 * changes whenever an entry is made or removed in it, so even an object written and deleted again (a lease)
 * shows. A folder that does not exist is one line saying so.
 */
public final class StoreSnapshot {

    private StoreSnapshot() {
    }

    public static List<String> of(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of("(absent) " + root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.sorted().map(p -> describe(root, p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Path root, Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String type = a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : a.isRegularFile() ? "f" : "o";
            return type + " " + root.relativize(p) + (a.isDirectory() ? "/" : "") + " size=" + (a.isDirectory() ? "-" : a.size())
                    + " mtime=" + a.lastModifiedTime().toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
