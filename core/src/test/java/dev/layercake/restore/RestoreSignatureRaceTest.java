package dev.layercake.restore;

import dev.layercake.LayercakeException;
import dev.layercake.api.access.Access;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.RestoreResult;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.sign.ManifestSigner;
import dev.layercake.sign.ManifestSignerTest;
import dev.layercake.sign.SignatureGate;
import dev.layercake.sign.SwappingObjectStore;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security review finding 1, restore: a store serving a tampered manifest on the first read and the genuine signed
 * one after. Restore acts on the first bytes it reads; their signature must be what is checked, so the restore is
 * refused and nothing is written (before, the gate re-read the genuine manifest and restore wrote the tampered one's
 * files with signature "verified").
 */
class RestoreSignatureRaceTest {

    @TempDir
    Path tmp;

    @Test
    void aManifestSwappedBetweenReadsIsRefusedAndNothingIsWritten() throws Exception {
        Path priv = tmp.resolve("k.pem");
        Path pub = tmp.resolve("k.pub.pem");
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), priv, pub);
        Path root = tmp.resolve("store");
        StoreLocation location = StoreLocation.parse(root.toString());
        byte[] genuine;
        byte[] tampered;
        try (ReleaseStore store = ReleaseStore.open(location)) {
            byte[] good = "resource \"x\" \"y\" {}\n".getBytes(StandardCharsets.UTF_8);
            byte[] evil = "resource \"x\" \"z\" {}\n".getBytes(StandardCharsets.UTF_8);
            SourceFile f = new SourceFile("infra/main.tf", "terraform", store.putBytes(good, "text/plain").digest(), good.length,
                    SourceFile.MODE_FILE);
            store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "shop", "r1", "2026-12-01T00:00:00Z", null, null,
                    new SourceSection("repo", "abc123", "main", null, false, List.of(f), List.of(), null), List.of(), null));
            ManifestSigner.sign(store, "shop", "r1", priv);
            genuine = store.readManifestBytes("shop", "r1");
            // The attacker's manifest names their own file (already in the store as a blob, like any uploaded content).
            String evilDigest = store.putBytes(evil, "text/plain").digest().toString();
            tampered = new String(genuine, StandardCharsets.UTF_8).replace(f.digest().toString(), evilDigest)
                    .getBytes(StandardCharsets.UTF_8); // same size: only the content differs
        }
        assertThat(tampered).isNotEqualTo(genuine);

        RestoreEngine engine = new RestoreEngine(Access.fromEnvironment(Map.of()));
        SwappingObjectStore[] racing = new SwappingObjectStore[1];
        engine.storeOpener = r -> {
            racing[0] = new SwappingObjectStore(new FileSystemObjectStore(root), k -> k.equals(StoreKeys.manifest("shop", "r1")),
                    tampered);
            return new ReleaseStore(racing[0], location);
        };
        Path to = tmp.resolve("restored");
        RestoreRequest request = new RestoreRequest(location, "shop", "r1", to.toString(), null, List.of(), null, false,
                pub.toString(), true);
        assertThatThrownBy(() -> engine.restore(request, ProgressListener.NONE))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("refused, nothing was written").hasMessageContaining("does not match the manifest");
        assertThat(racing[0].swappedOpens()).isPositive();
        assertThat(to).doesNotExist();

        // The same store without the swap restores, verified: the test's manifest and key are sound.
        RestoreResult fine = new RestoreEngine(Access.fromEnvironment(Map.of())).restore(request, ProgressListener.NONE);
        assertThat(fine.signature()).isEqualTo(SignatureGate.VERIFIED);
        assertThat(Files.readString(to.resolve("infra/main.tf"))).contains("\"y\"");
    }
}
