package dev.layercake.sign;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.api.result.RestoreResult;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 11 item 4, the store/app policy: with a signature policy set in the store, verify and restore fail an
 * unsigned or tampered manifest without any flag; with the policy's stored key they check the signature without
 * {@code --public-key}; a policy is create-only unless replaced; a broken policy fails closed.
 */
class SignaturePolicyTest {

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();
    private final ProgressListener listener = new ProgressListener() {
        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    };
    private Path priv;
    private Path pub;
    private StoreLocation location;

    @BeforeEach
    void setUp() throws Exception {
        priv = tmp.resolve("k.pem");
        pub = tmp.resolve("k.pub.pem");
        ManifestSignerTest.writeKeyPair(ManifestSignerTest.generate("EC"), priv, pub);
        location = StoreLocation.parse(tmp.resolve("store").toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            byte[] tf = "resource \"x\" \"y\" {}\n".getBytes(StandardCharsets.UTF_8);
            SourceFile f = new SourceFile("infra/main.tf", "terraform", store.putBytes(tf, "text/plain").digest(), tf.length,
                    SourceFile.MODE_FILE);
            for (String[] ar : List.of(new String[] {"shop", "signed"}, new String[] {"shop", "unsigned"},
                    new String[] {"web", "unsigned"})) {
                store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, ar[0], ar[1], "2026-12-01T00:00:00Z", null, null,
                        new SourceSection("repo", "abc123", "main", null, false, List.of(f), List.of(), null), List.of(), null));
            }
            ManifestSigner.sign(store, "shop", "signed", priv);
        }
    }

    private VerifyReport verify(String app, String release) {
        try (ReleaseStore store = ReleaseStore.open(location)) {
            return new ReleaseVerifier(store, listener).verify(app, release);
        }
    }

    private RestoreResult restore(String app, String release, Path to) {
        return new RestoreEngine(Access.fromEnvironment(Map.of())).restore(new RestoreRequest(location, app, release, to.toString(), null, List.of(),
                null, false), listener);
    }

    @Test
    void aStorePolicyMakesVerifyAndRestoreFailAnUnsignedManifestWithoutTheFlag() {
        assertThat(verify("shop", "unsigned").ok()).as("no policy: not checked, not failed").isTrue();
        try (ReleaseStore store = ReleaseStore.open(location)) {
            SignaturePolicies.write(store, null, SignaturePolicies.of(true, null, Clock.systemUTC()), false);
        }
        VerifyReport unsigned = verify("shop", "unsigned");
        assertThat(unsigned.ok()).isFalse();
        assertThat(unsigned.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
        assertThat(unsigned.problems()).singleElement().satisfies(p -> {
            assertThat(p.problem()).isEqualTo("signature");
            assertThat(p.detail()).contains("the store's signature policy (policy/store.json)").contains("--public-key");
        });
        assertThat(verify("web", "unsigned").ok()).as("a store policy covers every app").isFalse();

        Path to = tmp.resolve("restored");
        assertThatThrownBy(() -> restore("shop", "unsigned", to))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("refused, nothing was written").hasMessageContaining("policy/store.json");
        assertThat(to).doesNotExist();
    }

    @Test
    void aPolicyWithItsKeyChecksSignaturesWithoutPublicKeyAndCatchesATamperedManifest() throws Exception {
        try (ReleaseStore store = ReleaseStore.open(location)) {
            SignaturePolicies.write(store, "shop", SignaturePolicies.of(true, pub, Clock.systemUTC()), false);
            Path written = tmp.resolve("store/" + SignaturePolicies.key("shop"));
            assertThat(Files.readString(written)).doesNotContain("PRIVATE");
            try (java.io.InputStream in = getClass().getResourceAsStream("/schema/signature-policy-v1.schema.json")) {
                assertThat(com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012)
                        .getSchema(in).validate(dev.layercake.model.Json.mapper().readTree(written.toFile()))).isEmpty();
            }
        }
        VerifyReport signed = verify("shop", "signed");
        assertThat(signed.ok()).as(signed.problems().toString()).isTrue();
        assertThat(signed.signature()).isEqualTo(VerifyReport.SIGNATURE_VERIFIED);
        assertThat(verify("shop", "unsigned").ok()).isFalse();
        assertThat(verify("web", "unsigned").ok()).as("an app policy covers that app only").isTrue();

        RestoreResult restored = restore("shop", "signed", tmp.resolve("ok"));
        assertThat(restored.signature()).isEqualTo(SignatureGate.VERIFIED);
        assertThat(tmp.resolve("ok/infra/main.tf")).isRegularFile();

        Path file = tmp.resolve("store/releases/shop/signed/manifest.json");
        Files.writeString(file, Files.readString(file).replace("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"));
        VerifyReport tampered = verify("shop", "signed");
        assertThat(tampered.ok()).isFalse();
        assertThat(tampered.signature()).isEqualTo(VerifyReport.SIGNATURE_FAILED);
        assertThat(tampered.problems()).singleElement().satisfies(p ->
                assertThat(p.detail()).contains("does not match the manifest").contains("policy/apps/shop.json"));
        Path to = tmp.resolve("tampered");
        assertThatThrownBy(() -> restore("shop", "signed", to))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("refused, nothing was written");
        assertThat(to).doesNotExist();
    }

    @Test
    void aPolicyIsCreateOnlyUnlessReplacedAndABrokenOneFailsClosed() throws Exception {
        try (ReleaseStore store = ReleaseStore.open(location)) {
            SignaturePolicies.write(store, null, SignaturePolicies.of(true, null, Clock.systemUTC()), false);
            assertThatThrownBy(() -> SignaturePolicies.write(store, null, SignaturePolicies.of(false, null, Clock.systemUTC()), false))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CONFLICT))
                    .hasMessageContaining("--replace");
            assertThat(SignaturePolicies.effective(store, "shop").requireSignature()).as("unchanged by the refused write").isTrue();
            SignaturePolicies.write(store, null, SignaturePolicies.of(false, null, Clock.systemUTC()), true);
            assertThat(SignaturePolicies.effective(store, "shop").requireSignature()).isFalse();
        }
        assertThat(verify("shop", "unsigned").ok()).isTrue();

        // --replace wrote the next generation; the first stays, and the newest is in force.
        assertThat(tmp.resolve("store/policy/store.json")).isRegularFile();
        Path policy = tmp.resolve("store/policy/store/2.json");
        policy.toFile().setWritable(true);
        Files.writeString(policy, "{not json");
        assertThatThrownBy(() -> verify("shop", "unsigned"))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("policy/store/2.json");
    }
}
