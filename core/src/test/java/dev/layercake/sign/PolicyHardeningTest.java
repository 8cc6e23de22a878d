package dev.layercake.sign;

import dev.layercake.LayercakeException;
import dev.layercake.api.access.Access;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.RestoreResult;
import dev.layercake.api.result.VerifyReport;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.verify.ReleaseVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Security review findings 3, 4 and 5 on signature policies:
 * <ul>
 *   <li>3: a policy document that is partial, unknown, ambiguous or mistyped is CORRUPT (verify and restore refuse to
 *       run, naming the policy key and the fix), never "no signature required"; so is a folder where it should be;</li>
 *   <li>4: {@code --replace} never leaves a moment without a policy: a write that fails leaves the old one in force;</li>
 *   <li>5: a {@code --public-key} other than the key the policy names is refused, naming both key digests.</li>
 * </ul>
 */
class PolicyHardeningTest {

    @TempDir
    Path tmp;

    private Path root;
    private StoreLocation location;
    private Path priv;
    private Path pub;
    private Path attackerPriv;
    private Path attackerPub;

    @BeforeEach
    void setUp() throws Exception {
        priv = tmp.resolve("policy.pem");
        pub = tmp.resolve("policy.pub.pem");
        attackerPriv = tmp.resolve("attacker.pem");
        attackerPub = tmp.resolve("attacker.pub.pem");
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), priv, pub);
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), attackerPriv, attackerPub);
        root = tmp.resolve("store");
        location = StoreLocation.parse(root.toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            byte[] tf = "resource \"x\" \"y\" {}\n".getBytes(StandardCharsets.UTF_8);
            SourceFile f = new SourceFile("infra/main.tf", "terraform", store.putBytes(tf, "text/plain").digest(), tf.length,
                    SourceFile.MODE_FILE);
            for (String r : List.of("unsigned", "signed", "evil")) {
                store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "shop", r, "2026-12-01T00:00:00Z", null, null,
                        new SourceSection("repo", "abc123", "main", null, false, List.of(f), List.of(), null), List.of(), null));
            }
            ManifestSigner.sign(store, "shop", "signed", priv);
            ManifestSigner.sign(store, "shop", "evil", attackerPriv);
        }
    }

    private ReleaseStore open() {
        return ReleaseStore.open(location);
    }

    private VerifyReport verify(String release, Path key) {
        try (ReleaseStore store = open()) {
            return new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", release, key);
        }
    }

    private RestoreResult restore(String release, Path key, Path to) {
        return new RestoreEngine(Access.fromEnvironment(Map.of())).restore(new RestoreRequest(location, "shop", release, to.toString(), null, List.of(),
                null, false, key == null ? null : key.toString(), false), ProgressListener.NONE);
    }

    private void writePolicyFile(String key, String content) throws Exception {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    // ------------------------------------------------------------------ finding 3

    /** The review's pol.jsh documents, and more of the same kind: each used to mean "no signature required" or an NPE. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"version\":1}",
            "{\"version\":1,\"requireSignature\":null,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1,\"requireSignatures\":true,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1,\"requireSignature\":true,\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1,\"requireSignature\":0,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1,\"requireSignature\":\"false\",\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":99,\"requireSignature\":false,\"mode\":\"strict\",\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":99,\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":\"1\",\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1.0,\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1,\"requireSignature\":false}",
            "{\"version\":1,\"requireSignature\":false,\"setAt\":null}",
            "{\"version\":1,\"requireSignature\":false,\"setAt\":5}",
            "{\"version\":1,\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"} garbage",
            "{\"version\":1,\"requireSignature\":false,\"setAt\":\"2026-12-07T00:00:00Z\"}{\"version\":1}",
            "{\"version\":1,\"requireSignature\":true,\"publicKey\":\"AAAA\",\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "{\"version\":1,\"requireSignature\":true,\"publicKey\":null,\"setAt\":\"2026-12-07T00:00:00Z\"}",
            "null",
            "",
            "   ",
            "[]",
            "[{\"version\":1,\"requireSignature\":true}]",
            "true",
            "\"requireSignature\"",
            "{not json",
    })
    void aMalformedStorePolicyIsCorruptAndVerifyAndRestoreRefuseToRun(String doc) throws Exception {
        writePolicyFile("policy/store.json", doc);
        try (ReleaseStore store = open()) {
            assertThatThrownBy(() -> SignaturePolicies.effective(store, "shop"))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                    .hasMessageContaining("policy/store.json").hasMessageContaining("layercake policy --replace");
        }
        assertThatThrownBy(() -> verify("unsigned", null))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("policy/store.json");
        Path to = tmp.resolve("restored");
        assertThatThrownBy(() -> restore("unsigned", null, to))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("policy/store.json");
        assertThat(to).doesNotExist();
    }

    @Test
    void aMalformedAppPolicyIsCorruptForThatApp() throws Exception {
        writePolicyFile("policy/apps/shop.json", "{\"version\":1,\"requireSignatures\":true,\"setAt\":\"2026-12-07T00:00:00Z\"}");
        assertThatThrownBy(() -> verify("unsigned", null))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("policy/apps/shop.json").hasMessageContaining("requireSignatures")
                .hasMessageContaining("--replace");
    }

    @Test
    void wellFormedHandWrittenPoliciesStillRead() throws Exception {
        writePolicyFile("policy/store.json", "{\"version\":1,\"requireSignature\":true,\"setAt\":\"2026-12-07T00:00:00Z\"}");
        try (ReleaseStore store = open()) {
            assertThat(SignaturePolicies.effective(store, "shop").requireSignature()).isTrue();
        }
        assertThat(verify("unsigned", null).ok()).isFalse();
        writePolicyFile("policy/store.json", "  {\"setAt\":\"2026-12-07T00:00:00Z\", \"requireSignature\": false, \"version\": 1}\n");
        try (ReleaseStore store = open()) {
            assertThat(SignaturePolicies.effective(store, "shop").requireSignature()).isFalse();
        }
    }

    @Test
    void aFolderWherePolicyShouldBeIsCorruptNotAbsentAndReplaceRepairsIt() throws Exception {
        Files.createDirectories(root.resolve("policy/store.json"));
        try (ReleaseStore store = open()) {
            assertThatThrownBy(() -> SignaturePolicies.effective(store, "shop"))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                    .hasMessageContaining("policy/store.json").hasMessageContaining("folder").hasMessageContaining("--replace");
        }
        Files.writeString(root.resolve("policy/store.json/inside"), "x");
        assertThatThrownBy(() -> verify("unsigned", null)).isInstanceOfSatisfying(LayercakeException.class,
                e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT));
        try (ReleaseStore store = open()) {
            assertThat(SignaturePolicies.write(store, null, SignaturePolicies.of(true, null, Clock.systemUTC()), true))
                    .isEqualTo("policy/store/2.json");
            assertThat(SignaturePolicies.effective(store, "shop").requiredBy()).isEqualTo("policy/store/2.json");
        }
        assertThat(verify("unsigned", null).ok()).isFalse();
    }

    @Test
    void aBrokenPolicyIsRepairedWithReplace() throws Exception {
        writePolicyFile("policy/store.json", "{\"version\":1}");
        try (ReleaseStore store = open()) {
            SignaturePolicies.write(store, null, SignaturePolicies.of(true, pub, Clock.systemUTC()), true);
            SignaturePolicies.Effective e = SignaturePolicies.effective(store, "shop");
            assertThat(e.requireSignature()).isTrue();
            assertThat(e.keyFrom()).isEqualTo("policy/store/2.json");
        }
        assertThat(verify("signed", null).signature()).isEqualTo(VerifyReport.SIGNATURE_VERIFIED);
    }

    // ------------------------------------------------------------------ finding 4

    @Test
    void aReplaceWhoseWriteFailsLeavesTheOldPolicyInForce() {
        try (ReleaseStore store = open()) {
            SignaturePolicies.write(store, null, SignaturePolicies.of(true, null, Clock.systemUTC()), false);
        }
        SwappingObjectStore failing = SwappingObjectStore.failingCreate(new FileSystemObjectStore(root), k -> k.startsWith("policy/"));
        try (ReleaseStore store = new ReleaseStore(failing, location)) {
            assertThatThrownBy(() -> SignaturePolicies.write(store, null, SignaturePolicies.of(false, null, Clock.systemUTC()), true))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("injected");
            SignaturePolicies.Effective e = SignaturePolicies.effective(store, "shop");
            assertThat(e.requireSignature()).as("the old policy is still in force").isTrue();
            assertThat(e.requiredBy()).isEqualTo("policy/store.json");
        }
        VerifyReport unsigned = verify("unsigned", null);
        assertThat(unsigned.ok()).isFalse();
        assertThat(unsigned.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
    }

    @Test
    void replaceWritesGenerationsTheNewestIsInForceAndNothingIsDeleted() throws Exception {
        try (ReleaseStore store = open()) {
            assertThat(SignaturePolicies.write(store, "shop", SignaturePolicies.of(true, null, Clock.systemUTC()), false))
                    .isEqualTo("policy/apps/shop.json");
            assertThatThrownBy(() -> SignaturePolicies.write(store, "shop", SignaturePolicies.of(false, null, Clock.systemUTC()), false))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CONFLICT));
            assertThat(SignaturePolicies.write(store, "shop", SignaturePolicies.of(false, null, Clock.systemUTC()), true))
                    .isEqualTo("policy/apps/shop/2.json");
            assertThat(SignaturePolicies.effective(store, "shop").requireSignature()).isFalse();
            assertThat(SignaturePolicies.write(store, "shop", SignaturePolicies.of(true, pub, Clock.systemUTC()), true))
                    .isEqualTo("policy/apps/shop/3.json");
            SignaturePolicies.Stored stored = SignaturePolicies.readStored(store, "shop").orElseThrow();
            assertThat(stored.key()).isEqualTo("policy/apps/shop/3.json");
            assertThat(stored.policy().requireSignature()).isTrue();
            assertThat(SignaturePolicies.effective(store, "shop").requiredBy()).isEqualTo("policy/apps/shop/3.json");
        }
        assertThat(root.resolve("policy/apps/shop.json")).isRegularFile();
        assertThat(root.resolve("policy/apps/shop/2.json")).isRegularFile();
        assertThat(verify("signed", null).signature()).isEqualTo(VerifyReport.SIGNATURE_VERIFIED);

        // The newest generation must hold: a broken one fails closed, it never falls back to an older one.
        Files.writeString(root.resolve("policy/apps/shop/4.json"), "{\"version\":1,\"requireSignature\":\"no\"}");
        assertThatThrownBy(() -> verify("unsigned", null))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("policy/apps/shop/4.json");
        Files.delete(root.resolve("policy/apps/shop/4.json"));
        Files.writeString(root.resolve("policy/apps/shop/latest.json"), "{}");
        assertThatThrownBy(() -> verify("unsigned", null))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("policy/apps/shop/latest.json");
    }

    // ------------------------------------------------------------------ finding 5

    @Test
    void aCommandLineKeyOtherThanThePolicysIsRefusedNamingBothDigests() throws Exception {
        try (ReleaseStore store = open()) {
            SignaturePolicies.write(store, null, SignaturePolicies.of(true, pub, Clock.systemUTC()), false);
        }
        String policyDigest = Digest.of(PemKeys.readPublic(pub).getEncoded()).toString();
        String attackerDigest = Digest.of(PemKeys.readPublic(attackerPub).getEncoded()).toString();

        // The review's repro: signed by the attacker, checked with the attacker's key, reported verified and "required".
        assertThatThrownBy(() -> verify("evil", attackerPub))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE))
                .hasMessageContaining(attackerDigest).hasMessageContaining(policyDigest).hasMessageContaining("policy/store.json")
                .hasMessageContaining("cannot override");
        Path to = tmp.resolve("restored");
        assertThatThrownBy(() -> restore("evil", attackerPub, to))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE))
                .hasMessageContaining(attackerDigest).hasMessageContaining(policyDigest);
        assertThat(to).doesNotExist();

        assertThat(verify("evil", null).signature()).as("the policy's key is used").isEqualTo(VerifyReport.SIGNATURE_FAILED);
        VerifyReport same = verify("signed", pub);
        assertThat(same.signature()).as("the policy's own key, given again, is fine").isEqualTo(VerifyReport.SIGNATURE_VERIFIED);
        assertThat(restore("signed", pub, tmp.resolve("ok")).signature()).isEqualTo(SignatureGate.VERIFIED);
    }

    @Test
    void aCommandLineKeyStillChecksWhenThePolicyNamesNone() {
        try (ReleaseStore store = open()) {
            SignaturePolicies.write(store, null, SignaturePolicies.of(true, null, Clock.systemUTC()), false);
        }
        assertThat(verify("evil", attackerPub).signature()).isEqualTo(VerifyReport.SIGNATURE_VERIFIED);
        assertThat(verify("signed", attackerPub).signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
    }
}
