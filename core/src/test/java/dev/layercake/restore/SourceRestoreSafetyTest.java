package dev.layercake.restore;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.model.ToolInfo;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Manifests are data from a store: a hostile one must not write outside the restore folder. */
class SourceRestoreSafetyTest {

    @TempDir
    Path tmp;

    private Manifest manifest(ReleaseStore store, List<SourceFile> files) {
        return new Manifest(1, "shop", "r1", "2026-01-01T00:00:00Z", new ToolInfo("layercake", "test"), null,
                new SourceSection("repo", "c0ffee", "HEAD", null, false, files, List.of(), null), List.of(), null);
    }

    private SourceFile file(ReleaseStore store, String path, String content, String mode) {
        var blob = store.putBytes(content.getBytes(StandardCharsets.UTF_8), null);
        return new SourceFile(path, "other", blob.digest(), blob.size(), mode);
    }

    @Test
    void refusesPathsThatEscapeAndWritesNothing() {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            Path into = tmp.resolve("out");
            for (String bad : List.of("../evil", "a/../../evil", "/etc/evil", "a//b", "./a")) {
                Manifest m = manifest(store, List.of(file(store, "ok.txt", "fine", "100644"), file(store, bad, "evil", "100644")));
                assertThatThrownBy(() -> SourceRestore.restore(store, m, into, false, ProgressListener.NONE))
                        .isInstanceOf(LayercakeException.class).hasMessageContaining("refusing manifest path '" + bad + "'");
            }
            assertThat(into.resolve("ok.txt")).doesNotExist();
            assertThat(tmp.resolve("evil")).doesNotExist();
        }
    }

    @Test
    void refusesToWriteThroughACapturedOrExistingSymlink() throws Exception {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            Path outside = Files.createDirectories(tmp.resolve("outside"));
            Manifest viaCaptured = manifest(store, List.of(
                    file(store, "link", outside.toString(), SourceFile.MODE_SYMLINK),
                    file(store, "link/pwned.txt", "x", "100644")));
            assertThatThrownBy(() -> SourceRestore.restore(store, viaCaptured, tmp.resolve("out1"), false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("goes through the symlink link");

            Path out2 = Files.createDirectories(tmp.resolve("out2"));
            Files.createSymbolicLink(out2.resolve("dir"), outside);
            Manifest viaDisk = manifest(store, List.of(file(store, "dir/pwned.txt", "x", "100644")));
            assertThatThrownBy(() -> SourceRestore.restore(store, viaDisk, out2, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("is a symlink");
            assertThat(outside.resolve("pwned.txt")).doesNotExist();
        }
    }

    @Test
    void refusesToOverwriteADifferentFileButAcceptsAnIdenticalOne() throws Exception {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            Path out = Files.createDirectories(tmp.resolve("out"));
            Files.writeString(out.resolve("a.txt"), "mine");
            Manifest m = manifest(store, List.of(file(store, "a.txt", "theirs", "100644"), file(store, "b.txt", "b", "100644")));
            assertThatThrownBy(() -> SourceRestore.restore(store, m, out, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("refusing to overwrite");
            assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("mine");
            assertThat(out.resolve("b.txt")).doesNotExist();

            Files.writeString(out.resolve("a.txt"), "theirs");
            SourceRestore.Result r = SourceRestore.restore(store, m, out, false, ProgressListener.NONE);
            assertThat(r.unchanged()).isEqualTo(1);
            assertThat(r.written()).isEqualTo(1);
        }
    }

    @Test
    void aCorruptBlobIsNotWrittenAsAFile() throws Exception {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            SourceFile f = file(store, "a.txt", "original", "100644");
            Path blob = tmp.resolve("store/blobs/sha256/" + f.digest().hex());
            Files.writeString(blob, "tampered");
            Manifest m = manifest(store, List.of(f));
            assertThatThrownBy(() -> SourceRestore.restore(store, m, tmp.resolve("out"), false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("does not match its digest");
            assertThat(tmp.resolve("out/a.txt")).doesNotExist();
            assertThat(Digest.of("original".getBytes(StandardCharsets.UTF_8))).isEqualTo(f.digest());
        }
    }
}
