package dev.layercake.store;

import dev.layercake.api.request.StoreLocation;
import dev.layercake.LayercakeException;
import dev.layercake.model.BlobRef;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.model.ToolInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manifest is written last, and only when every blob it names is stored with the size it records. */
class ReleaseStoreManifestTest {

    @TempDir
    Path tmp;

    private static Manifest naming(String release, Digest digest, long size) {
        return new Manifest(Manifest.SCHEMA_VERSION, "shop", release, "2026-01-01T00:00:00Z", new ToolInfo("layercake", "test"),
                new BuildInfo("cli", null, null, null, null, "a".repeat(40)),
                new SourceSection("repo", "a".repeat(40), "HEAD", null, false,
                        List.of(new SourceFile("main.tf", "terraform", digest, size, SourceFile.MODE_FILE)), List.of(), null),
                List.of(), null);
    }

    @Test
    void aManifestIsWrittenOnlyWhenEveryBlobItNamesIsStoredWithItsRecordedSize() {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            BlobRef blob = store.putBytes("resource \"x\" {}\n".getBytes(StandardCharsets.UTF_8), null);

            assertThatThrownBy(() -> store.writeManifest(naming("wrong-size", blob.digest(), blob.size() + 1)))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                    .hasMessageContaining("do not have the size it records")
                    .hasMessageContaining("source file main.tf")
                    .hasMessageContaining(blob.size() + " bytes stored, " + (blob.size() + 1) + " recorded");
            assertThat(store.releaseExists("shop", "wrong-size")).isFalse();

            Digest absent = Digest.of("never stored".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> store.writeManifest(naming("missing", absent, 12)))
                    .hasMessageContaining("are not in the store");
            assertThat(store.releaseExists("shop", "missing")).isFalse();

            store.writeManifest(naming("right", blob.digest(), blob.size()));
            assertThat(store.releaseExists("shop", "right")).isTrue();
        }
    }

    /** Blobs stored deferred are invisible until a barrier; writing the manifest is one, so it never names an absent blob. */
    @Test
    void deferredBlobsAreMadeDurableByTheManifestWrite() {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("deferred").toString()))) {
            byte[] bytes = "deferred content\n".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.of(bytes);
            store.putBlob(digest, bytes.length, null, () -> new java.io.ByteArrayInputStream(bytes), true);
            assertThat(store.hasBlob(digest)).as("not visible before the barrier").isFalse();

            store.writeManifest(naming("deferred", digest, bytes.length));

            assertThat(store.hasBlob(digest)).isTrue();
            assertThat(store.readBlob(digest)).isEqualTo(bytes);
            assertThat(store.releaseExists("shop", "deferred")).isTrue();

            Digest wrong = Digest.of("other".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> store.putBlob(wrong, bytes.length, null, () -> new java.io.ByteArrayInputStream(bytes), true))
                    .hasMessageContaining("hashes to");
        }
    }
}
