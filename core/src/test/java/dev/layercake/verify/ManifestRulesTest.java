package dev.layercake.verify;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.VerifyReport;
import dev.layercake.LayercakeException;
import dev.layercake.model.BlobRef;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * verify passes no manifest that restore refuses (issue 11, item 3): the path rules, sizes and names are one
 * class, {@link ManifestRules}, run by both. On the code before it, each of these releases verified clean (every
 * blob is there and hashes right) and only restore refused the first path.
 */
class ManifestRulesTest {

    @TempDir
    Path tmp;

    private Manifest release(ReleaseStore store, String name, SourceFile... files) {
        Manifest m = new Manifest(Manifest.SCHEMA_VERSION, "shop", name, "2026-12-01T00:00:00Z", null, null,
                new SourceSection("repo", "abc123", "main", null, false, List.of(files), List.of(), null), List.of(), null);
        store.writeManifest(m);
        return m;
    }

    private SourceFile file(ReleaseStore store, String path, String content, String mode) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        BlobRef b = store.putBytes(bytes, "text/plain");
        return new SourceFile(path, "other", b.digest(), b.size(), mode);
    }

    private void restoreRefuses(StoreLocation location, String release, String expected) {
        Path into = tmp.resolve("restored-" + release);
        assertThatThrownBy(() -> new RestoreEngine(Access.fromEnvironment(Map.of())).restore(new RestoreRequest(location, "shop", release,
                into.toString(), null, List.of(), RestoreRequest.KubernetesTarget.disabled(), false), ProgressListener.NONE))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining(expected);
        assertThat(into).doesNotExist();
    }

    @Test
    void pathsThatCouldLeaveTheFolderFailVerifyAndRestoreAlike() {
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            release(store, "dotdot", file(store, "deploy/app.yaml", "a: 1\n", SourceFile.MODE_FILE),
                    file(store, "../escape.sh", "echo hi\n", SourceFile.MODE_FILE));
            release(store, "absolute", file(store, "/etc/cron.d/x", "* * * * * x\n", SourceFile.MODE_FILE));
            release(store, "through-link", file(store, "conf", "/etc", SourceFile.MODE_SYMLINK),
                    file(store, "conf/passwd", "root::0:0\n", SourceFile.MODE_FILE));

            assertThat(new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "dotdot").problems())
                    .extracting(VerifyReport.Problem::object, VerifyReport.Problem::problem)
                    .containsExactly(tuple("source file ../escape.sh", "invalid"));
            assertThat(new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "absolute").problems())
                    .extracting(VerifyReport.Problem::object, VerifyReport.Problem::detail)
                    .containsExactly(tuple("source file /etc/cron.d/x", "absolute or malformed (restore refuses this release)"));
            VerifyReport link = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "through-link");
            assertThat(link.ok()).isFalse();
            assertThat(link.problems()).singleElement().satisfies(p -> {
                assertThat(p.object()).isEqualTo("source file conf/passwd");
                assertThat(p.detail()).contains("goes through the symlink conf");
            });

            restoreRefuses(location, "dotdot", "'..' segment");
            restoreRefuses(location, "absolute", "absolute or malformed");
            restoreRefuses(location, "through-link", "goes through the symlink conf");
        }
    }

    @Test
    void aSizeTheStoreDoesNotHoldIsCorruptInVerify() {
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            SourceFile real = file(store, "infra/main.tf", "resource \"x\" \"y\" {}\n", SourceFile.MODE_FILE);
            // The write checks recorded sizes too, so this release is made through a second, honest one's blob
            // and a manifest naming it with another size is refused at write time: the rule holds on both ends.
            SourceFile lying = new SourceFile(real.path(), real.kind(), real.digest(), real.size() + 7, real.mode());
            assertThatThrownBy(() -> release(store, "sizes", lying)).isInstanceOf(LayercakeException.class);
            assertThat(ManifestRules.check(new Manifest(Manifest.SCHEMA_VERSION, "shop", "r1", "2026-12-01T00:00:00Z", null, null,
                    new SourceSection("repo", "abc", "main", null, false,
                            List.of(real, new SourceFile("infra/main.tf", "terraform", real.digest(), -1, SourceFile.MODE_FILE)),
                            List.of(), null), List.of(), null), "shop", "r1"))
                    .extracting(ManifestRules.Violation::detail).containsExactly("recorded twice", "negative size -1");
        }
    }
}
