package dev.layercake.sign;

import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.VerifyReport;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.verify.ReleaseVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security review finding 1: the signature must be checked over the very manifest bytes verify (and restore, and the
 * drill) act on. A store serving a tampered manifest on the first read and the genuine signed one after used to get
 * "verified" for bytes nobody checked. See also {@code restore.RestoreSignatureRaceTest}.
 */
class SignedBytesRaceTest {

    @TempDir
    Path tmp;

    private Path pub;
    private Path root;
    private byte[] genuine;
    private byte[] tampered;

    @BeforeEach
    void setUp() throws Exception {
        Path priv = tmp.resolve("k.pem");
        pub = tmp.resolve("k.pub.pem");
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), priv, pub);
        root = tmp.resolve("store");
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(root.toString()))) {
            byte[] tf = "resource \"x\" \"y\" {}\n".getBytes(StandardCharsets.UTF_8);
            SourceFile f = new SourceFile("infra/main.tf", "terraform", store.putBytes(tf, "text/plain").digest(), tf.length,
                    SourceFile.MODE_FILE);
            store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "shop", "r1", "2026-12-01T00:00:00Z", null, null,
                    new SourceSection("repo", "abc123", "main", null, false, List.of(f), List.of(), null), List.of(), null));
            ManifestSigner.sign(store, "shop", "r1", priv);
            genuine = store.readManifestBytes("shop", "r1");
        }
        tampered = new String(genuine, StandardCharsets.UTF_8).replace("abc123", "evil99").getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(genuine);
    }

    /** The review's toctou.jsh: the first read of the manifest is the attacker's, every later one the genuine one. */
    private SwappingObjectStore racing() {
        return new SwappingObjectStore(new FileSystemObjectStore(root),
                k -> k.equals(StoreKeys.manifest("shop", "r1")), tampered);
    }

    @Test
    void verifyNeverReportsVerifiedForBytesItDidNotCheck() {
        SwappingObjectStore racing = racing();
        VerifyReport report = new ReleaseVerifier(new ReleaseStore(racing, null), ProgressListener.NONE).verify("shop", "r1", pub);
        assertThat(racing.swappedOpens()).as("the manifest is read").isPositive();
        assertThat(report.manifestDigest()).as("verify acted on the tampered bytes").isEqualTo(Digest.of(tampered));
        assertThat(report.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p.detail()).contains("does not match the manifest"));
    }

    @Test
    void theGateAndTheSignerCheckTheBytesTheyAreGivenAndReadTheManifestNoMore() {
        SwappingObjectStore racing = racing();
        ReleaseStore store = new ReleaseStore(racing, null);
        SignatureGate.Verdict onTampered = SignatureGate.check(store, "shop", "r1", tampered, pub, true);
        assertThat(onTampered.state()).isEqualTo(SignatureGate.FAILED);
        assertThat(racing.swappedOpens()).as("the gate never reads the manifest itself").isZero();
        SignatureGate.Verdict onGenuine = SignatureGate.check(store, "shop", "r1", genuine, pub, true);
        assertThat(onGenuine.state()).isEqualTo(SignatureGate.VERIFIED);
        assertThat(racing.swappedOpens()).isZero();

        SignatureCheck check = ManifestSigner.verify(store, "shop", "r1", tampered, PemKeys.readPublic(pub));
        assertThat(check.ok()).isFalse();
        assertThat(check.manifestDigest()).isEqualTo(Digest.of(tampered).toString());
    }

    @Test
    void signingRefusesAManifestOtherThanTheOneJustWritten() throws Exception {
        Path priv = tmp.resolve("k2.pem");
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), priv, tmp.resolve("k2.pub.pem"));
        try (ReleaseStore plain = new ReleaseStore(new FileSystemObjectStore(root), null)) {
            plain.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "shop", "r2", "2026-12-01T00:00:00Z", null, null,
                    null, List.of(), null));
            byte[] written = plain.readManifestBytes("shop", "r2");
            byte[] other = new String(written, StandardCharsets.UTF_8).replace("2026-12-01", "2026-12-09").getBytes(StandardCharsets.UTF_8);
            ReleaseStore racing = new ReleaseStore(new SwappingObjectStore(new FileSystemObjectStore(root),
                    k -> k.equals(StoreKeys.manifest("shop", "r2")), other), null);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManifestSigner.sign(racing, "shop", "r2", Digest.of(written),
                            PemKeys.readPrivate(priv)))
                    .isInstanceOfSatisfying(dev.layercake.LayercakeException.class,
                            e -> assertThat(e.kind()).isEqualTo(dev.layercake.LayercakeException.Kind.CORRUPT))
                    .hasMessageContaining(Digest.of(written).toString()).hasMessageContaining(Digest.of(other).toString());
            assertThat(plain.objects().stat(StoreKeys.signature("shop", "r2"))).as("nothing signed").isEmpty();
            assertThat(ManifestSigner.sign(plain, "shop", "r2", Digest.of(written), PemKeys.readPrivate(priv)).manifestDigest())
                    .isEqualTo(Digest.of(written).toString());
        }
    }

    @Test
    void verifyOnBytesAlreadyReadChecksThoseBytesNotTheStoredOnes() {
        // The drill reads the manifest once and hands the bytes to verify: the store now serves the genuine manifest,
        // the drill holds the tampered one; verify must judge what the drill holds.
        try (ReleaseStore store = new ReleaseStore(new FileSystemObjectStore(root), null)) {
            VerifyReport report = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1", tampered, pub);
            assertThat(report.manifestDigest()).isEqualTo(Digest.of(tampered));
            assertThat(report.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
            VerifyReport fine = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1", genuine, pub);
            assertThat(fine.signature()).isEqualTo(VerifyReport.SIGNATURE_VERIFIED);
            assertThat(fine.ok()).as(fine.problems().toString()).isTrue();
        }
    }
}
