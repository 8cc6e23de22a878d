package dev.layercake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares two folders: same paths, same bytes, same executable bits, same symlink targets. */
public final class TreeAssertions {

    private TreeAssertions() {
    }

    public static void assertSameTree(Path expected, Path actual) {
        Map<String, String> e = describe(expected);
        Map<String, String> a = describe(actual);
        assertThat(a).as("restored tree %s vs %s", actual, expected).isEqualTo(e);
        assertThat(e).isNotEmpty();
    }

    private static Map<String, String> describe(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> {
                String rel = root.relativize(p).toString();
                try {
                    if (Files.isSymbolicLink(p)) {
                        out.put(rel, "link -> " + Files.readSymbolicLink(p));
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        out.put(rel, (Files.isExecutable(p) ? "x " : "- ") + java.util.HexFormat.of().formatHex(
                                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                    }
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                } catch (java.security.NoSuchAlgorithmException ex) {
                    throw new IllegalStateException(ex);
                }
            });
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out;
    }
}
