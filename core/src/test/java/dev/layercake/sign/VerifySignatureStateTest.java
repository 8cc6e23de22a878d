package dev.layercake.sign;

import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * verify says what it checked about the manifest itself (issue 11, item 4): without a key "not signature-checked",
 * with {@code requiringSignature} an unsigned or edited manifest fails, and {@code expectingDigest} compares the
 * stored manifest with the digest the pipeline recorded. Before, an edited unsigned manifest verified clean and the
 * report could not say the signature was never looked at.
 */
class VerifySignatureStateTest {

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();
    private final ProgressListener listener = new ProgressListener() {
        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    };

    @Test
    void signatureStateIsReportedAndCanBeRequired() throws Exception {
        Path priv = tmp.resolve("k.pem");
        Path pub = tmp.resolve("k.pub.pem");
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), priv, pub);
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            byte[] tf = "resource \"x\" \"y\" {}\n".getBytes(StandardCharsets.UTF_8);
            SourceFile f = new SourceFile("infra/main.tf", "terraform", store.putBytes(tf, "text/plain").digest(), tf.length,
                    SourceFile.MODE_FILE);
            for (String r : List.of("signed", "unsigned")) {
                store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "shop", r, "2026-12-01T00:00:00Z", null, null,
                        new SourceSection("repo", "abc123", "main", null, false, List.of(f), List.of(), null), List.of(), null));
            }
            ManifestSigner.sign(store, "shop", "signed", priv);
            Digest recorded = Digest.of(store.readManifestBytes("shop", "unsigned"));

            VerifyReport plain = new ReleaseVerifier(store, listener).verify("shop", "unsigned");
            assertThat(plain.ok()).isTrue();
            assertThat(plain.signature()).isEqualTo(VerifyReport.SIGNATURE_NOT_CHECKED);
            assertThat(warnings).anyMatch(w -> w.startsWith("manifest not signature-checked"));

            VerifyReport required = new ReleaseVerifier(store, listener).requiringSignature(true).verify("shop", "unsigned");
            assertThat(required.ok()).isFalse();
            assertThat(required.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
            assertThat(required.problems()).extracting(VerifyReport.Problem::problem).containsExactly("signature");

            VerifyReport unsignedWithKey = new ReleaseVerifier(store, listener).requiringSignature(true).verify("shop", "unsigned", pub);
            assertThat(unsignedWithKey.ok()).isFalse();
            assertThat(unsignedWithKey.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);

            VerifyReport signed = new ReleaseVerifier(store, listener).requiringSignature(true).verify("shop", "signed", pub);
            assertThat(signed.ok()).as(signed.problems().toString()).isTrue();
            assertThat(signed.signature()).isEqualTo(VerifyReport.SIGNATURE_VERIFIED);

            assertThat(new ReleaseVerifier(store, listener).expectingDigest(recorded).verify("shop", "unsigned").ok()).isTrue();

            // Edit both stored manifests in place (what someone with write access to the store could do).
            for (String r : List.of("signed", "unsigned")) {
                Path file = tmp.resolve("store/releases/shop/" + r + "/manifest.json");
                Files.writeString(file, Files.readString(file).replace("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"));
            }
            VerifyReport edited = new ReleaseVerifier(store, listener).verify("shop", "unsigned");
            assertThat(edited.ok()).as("without a key or a digest, an edit cannot be seen; the report says so").isTrue();
            assertThat(edited.signature()).isEqualTo(VerifyReport.SIGNATURE_NOT_CHECKED);
            VerifyReport against = new ReleaseVerifier(store, listener).expectingDigest(recorded).verify("shop", "unsigned");
            assertThat(against.ok()).isFalse();
            assertThat(against.problems()).singleElement().satisfies(p -> {
                assertThat(p.problem()).isEqualTo("digest-mismatch");
                assertThat(p.detail()).contains(recorded.toString());
            });
            VerifyReport tampered = new ReleaseVerifier(store, listener).requiringSignature(true).verify("shop", "signed", pub);
            assertThat(tampered.ok()).isFalse();
            assertThat(tampered.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
        }
    }
}
