package dev.layercake.transfer;

import dev.layercake.api.result.CopyResult;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.api.result.BackupResult;
import dev.layercake.model.Digest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.sign.ManifestSigner;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.ReleaseFixture;
import dev.layercake.verify.ReleaseVerifier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Export to one tar, import into an empty store elsewhere; hostile tars refused with the store unchanged. */
class ReleaseArchiveTest {

    @TempDir
    Path tmp;

    private StoreLocation source;
    private BackupResult backup;
    private Path tar;
    private KeyPair keys;

    @BeforeEach
    void exportARelease() throws Exception {
        source = StoreLocation.parse(tmp.resolve("site-a").toString());
        backup = new ReleaseFixture(tmp.resolve("w"), source, Map.of())
                .backup("shop", "r1", Map.of("a.txt", "alpha", "k8s/svc.yaml", "kind: Service\n"));
        keys = ReleaseCopierTest.ed25519();
        tar = tmp.resolve("out/release.tar");
        try (ReleaseStore store = ReleaseStore.open(source)) {
            ManifestSigner.sign(store, "shop", "r1", keys.getPrivate());
            dev.layercake.api.result.ExportResult exported = new ReleaseArchive().export(store, "shop", "r1", tar, ProgressListener.NONE);
            assertThat(exported.manifestDigest()).isEqualTo(backup.manifestDigest().toString());
            assertThat(exported.blobs()).isEqualTo(store.readManifest("shop", "r1").referencedBlobs().size());
        }
    }

    private Map<String, byte[]> members() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void theTarIsAnOciLayoutPlusTheReleaseFiles() throws IOException {
        Map<String, byte[]> m = members();
        assertThat(m).containsKeys("oci-layout", "index.json", "layercake/releases/shop/r1/manifest.json",
                "layercake/releases/shop/r1/manifest.json.sig", "blobs/sha256/" + backup.manifestDigest().hex());
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
            if (e.getKey().startsWith("blobs/sha256/")) {
                assertThat(Digest.of(e.getValue()).hex()).isEqualTo(e.getKey().substring("blobs/sha256/".length()));
            }
        }
        assertThat(new String(m.get("index.json"), StandardCharsets.UTF_8)).contains("application/vnd.layercake.release.v1")
                .contains("shop.r1");
    }

    @Test
    void importedIntoAnEmptyStoreElsewhereItVerifiesWithItsSignature() throws Exception {
        StoreLocation dest = StoreLocation.parse(tmp.resolve("elsewhere/site-b").toString());
        try (ReleaseStore store = ReleaseStore.open(dest)) {
            CopyResult result = new ReleaseArchive().importTar(tar, store, ProgressListener.NONE);
            assertThat(result.releases()).singleElement().satisfies(c -> {
                assertThat(c.status()).isEqualTo("copied");
                assertThat(c.manifestDigest()).isEqualTo(backup.manifestDigest().toString());
            });
            assertThat(Digest.of(store.readManifestBytes("shop", "r1"))).isEqualTo(backup.manifestDigest());
            var report = new ReleaseVerifier(store, ProgressListener.NONE)
                    .verify("shop", "r1", ReleaseCopierTest.publicPem(keys, tmp.resolve("pub.pem")));
            assertThat(report.ok()).as(report.toString()).isTrue();
            // importing twice: present, nothing new
            assertThat(new ReleaseArchive().importTar(tar, store, ProgressListener.NONE).releases().get(0).status()).isEqualTo("present");
        }
    }

    /** Rewrites the exported tar through {@code edit} (entries as name -> bytes, in order) into a new tar. */
    private Path rewrite(String name, Consumer<TarArchiveOutputStream> extra, Consumer<Map<String, byte[]>> edit) throws IOException {
        Map<String, byte[]> m = members();
        edit.accept(m);
        Path out = tmp.resolve(name + ".tar");
        try (OutputStream f = Files.newOutputStream(out); TarArchiveOutputStream t = new TarArchiveOutputStream(f)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
                entry.setSize(e.getValue().length);
                t.putArchiveEntry(entry);
                t.write(e.getValue());
                t.closeArchiveEntry();
            }
            extra.accept(t);
            t.finish();
        }
        return out;
    }

    private static void file(TarArchiveOutputStream t, String name, byte[] bytes) {
        try {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(bytes.length);
            t.putArchiveEntry(entry);
            t.write(bytes);
            t.closeArchiveEntry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void link(TarArchiveOutputStream t, String name, String target, byte type) {
        try {
            TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
            entry.setLinkName(target);
            t.putArchiveEntry(entry);
            t.closeArchiveEntry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertRefused(Path hostile, String why) throws IOException {
        Path destDir = tmp.resolve("dest-" + hostile.getFileName());
        StoreLocation dest = StoreLocation.parse(destDir.toString());
        // the destination already holds another release: it must come out exactly as it went in
        new ReleaseFixture(tmp.resolve("wd"), dest, Map.of()).backup("other", "o1", Map.of("x.txt", "x"));
        List<String> before = tree(destDir);
        try (ReleaseStore store = ReleaseStore.open(dest)) {
            assertThatThrownBy(() -> new ReleaseArchive().importTar(hostile, store, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CORRUPT))
                    .hasMessageContaining(why).hasMessageContaining("nothing was written");
        }
        assertThat(tree(destDir)).isEqualTo(before);
    }

    private static List<String> tree(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted().toList()) {
                out.add(dir.relativize(p) + (Files.isRegularFile(p) ? " " + Files.size(p) : ""));
            }
        }
        return out;
    }

    @Test
    void dotDotEntriesAreRefused() throws IOException {
        assertRefused(rewrite("dotdot", t -> file(t, "blobs/../../evil.txt", "x".getBytes(StandardCharsets.UTF_8)), m -> { }), "'..'");
    }

    @Test
    void absolutePathsAreRefused() throws IOException {
        assertRefused(rewrite("absolute", t -> file(t, "/etc/evil", "x".getBytes(StandardCharsets.UTF_8)), m -> { }), "absolute path");
    }

    @Test
    void symbolicAndHardLinksAreRefused() throws IOException {
        assertRefused(rewrite("symlink", t -> link(t, "blobs/sha256/" + "0".repeat(64), "/etc/passwd", TarArchiveEntry.LF_SYMLINK),
                m -> { }), "is a link");
        assertRefused(rewrite("hardlink", t -> link(t, "layercake/releases/shop/r1/drills/x.json", "oci-layout", TarArchiveEntry.LF_LINK),
                m -> { }), "is a link");
    }

    @Test
    void duplicateNamesAreRefused() throws IOException {
        assertRefused(rewrite("duplicate", t -> file(t, "layercake/releases/shop/r1/manifest.json", "{}".getBytes(StandardCharsets.UTF_8)),
                m -> { }), "appears twice");
    }

    @Test
    void truncatedMembersAreRefused() throws IOException {
        byte[] whole = Files.readAllBytes(tar);
        // cut inside the last big member's data: the header promises more than follows
        Map<String, byte[]> m = members();
        long biggest = m.values().stream().mapToLong(b -> b.length).max().orElseThrow();
        assertThat(biggest).isGreaterThan(100);
        Path cut = tmp.resolve("truncated.tar");
        int offset = indexOfHeaderOfLargest(m);
        Files.write(cut, java.util.Arrays.copyOf(whole, offset + 512 + 50));
        assertRefused(cut, "truncated");
    }

    /** Offset of the header of the largest member in the exported tar (members are written in order, 512-byte blocks). */
    private int indexOfHeaderOfLargest(Map<String, byte[]> m) throws IOException {
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            String largest = m.entrySet().stream().max(java.util.Comparator.comparingInt(e -> e.getValue().length)).orElseThrow().getKey();
            TarArchiveEntry e;
            long offset = 0;
            while ((e = t.getNextEntry()) != null) {
                if (e.getName().equals(largest)) {
                    return (int) offset;
                }
                offset += 512 + (e.getSize() + 511) / 512 * 512;
            }
        }
        throw new AssertionError("largest member not found");
    }

    @Test
    void aManifestNamingAbsentBlobsIsRefused() throws IOException {
        try (ReleaseStore store = ReleaseStore.open(source)) {
            Digest named = store.readManifest("shop", "r1").referencedBlobs().keySet().iterator().next();
            assertRefused(rewrite("absent", t -> { }, m -> m.remove("blobs/sha256/" + named.hex())), "does not hold");
        }
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsNameIsRefused() throws IOException {
        try (ReleaseStore store = ReleaseStore.open(source)) {
            Digest named = store.readManifest("shop", "r1").referencedBlobs().keySet().iterator().next();
            assertRefused(rewrite("tampered", t -> { }, m -> m.put("blobs/sha256/" + named.hex(),
                    "tampered".getBytes(StandardCharsets.UTF_8))), "hashes to");
        }
    }

    @Test
    void aDestinationWithOtherContentUnderTheIdIsRefused() throws IOException {
        StoreLocation dest = StoreLocation.parse(tmp.resolve("taken").toString());
        BackupResult theirs = new ReleaseFixture(tmp.resolve("wt"), dest, Map.of()).backup("shop", "r1", Map.of("a.txt", "other"));
        List<String> before = tree(tmp.resolve("taken"));
        try (ReleaseStore store = ReleaseStore.open(dest)) {
            assertThatThrownBy(() -> new ReleaseArchive().importTar(tar, store, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("other content");
            assertThat(Digest.of(store.readManifestBytes("shop", "r1"))).isEqualTo(theirs.manifestDigest());
            assertThat(store.objects().stat(StoreKeys.signature("shop", "r1"))).isEmpty();
        }
        assertThat(tree(tmp.resolve("taken"))).isEqualTo(before);
    }
}
