package dev.layercake.transfer;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.CopyResult;
import dev.layercake.api.request.CopyRequest;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.api.result.BackupResult;
import dev.layercake.model.Digest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.sign.ManifestSigner;
import dev.layercake.store.OciObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.testing.ReleaseFixture;
import dev.layercake.testing.S3ProxyFixture;
import dev.layercake.verify.ReleaseVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Copies between real stores: a folder, s3proxy and docker-registry. */
class ReleaseCopierTest {

    private static S3ProxyFixture s3;
    private static RegistryFixture registry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3ProxyFixture.start();
        registry = RegistryFixture.start();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(s3.env());
        env.put(OciObjectStore.INSECURE_ENV, registry.host());
        return env;
    }

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static Path publicPem(KeyPair keys, Path file) throws Exception {
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        return file;
    }

    @Test
    void folderToS3ToOciAndBackKeepsEveryDigestAndTheSignature() throws Exception {
        Map<String, String> env = env();
        StoreLocation folder = StoreLocation.parse(tmp.resolve("store").toString());
        ReleaseFixture releases = new ReleaseFixture(tmp, folder, env);
        BackupResult r1 = releases.backup("shop", "r1", Map.of("a.txt", "one", "k8s/app.yaml", "kind: Service\n"));
        BackupResult r2 = releases.backup("shop", "r2", Map.of("a.txt", "two", "k8s/app.yaml", "kind: Service\n"));
        KeyPair keys = ed25519();
        Path pub = publicPem(keys, tmp.resolve("pub.pem"));
        byte[] drill = "{\"result\":\"passed\"}".getBytes(StandardCharsets.UTF_8);
        try (ReleaseStore store = ReleaseStore.open(folder, Access.fromEnvironment(env))) {
            ManifestSigner.sign(store, "shop", "r1", keys.getPrivate());
            store.objects().create(StoreKeys.releaseDir("shop", "r1") + "drills/d-1.json", new ByteArrayInputStream(drill), drill.length, () -> { });
        }

        s3.createBucket("dr-site");
        StoreLocation bucket = s3.location("dr-site", "site-b");
        StoreLocation oci = StoreLocation.parse("oci://" + registry.host() + "/dr/shop");
        StoreLocation back = StoreLocation.parse(tmp.resolve("back").toString());
        ReleaseCopier copier = new ReleaseCopier();
        CopyResult toS3 = copier.copy(new CopyRequest(folder, bucket, "shop", List.of()), Access.fromEnvironment(env), ProgressListener.NONE);
        assertThat(toS3.releases()).extracting(CopyResult.Copied::status).containsExactly("copied", "copied");
        // r2 shares the unchanged Kubernetes object and the bundle's neighbours with r1: fewer blobs written
        assertThat(toS3.releases().get(1).blobsSkipped()).isGreaterThan(0);
        assertThat(toS3.releases().get(0).extras()).contains(StoreKeys.signature("shop", "r1"),
                StoreKeys.releaseDir("shop", "r1") + "drills/d-1.json");
        copier.copy(new CopyRequest(bucket, oci, "shop", List.of()), Access.fromEnvironment(env), ProgressListener.NONE);
        copier.copy(new CopyRequest(oci, back, "shop", List.of("r1", "r2")), Access.fromEnvironment(env), ProgressListener.NONE);

        for (StoreLocation where : List.of(bucket, oci, back)) {
            try (ReleaseStore store = ReleaseStore.open(where, Access.fromEnvironment(env))) {
                assertThat(store.listReleases("shop")).as(where.uri()).containsExactlyInAnyOrder("r1", "r2");
                assertThat(Digest.of(store.readManifestBytes("shop", "r1"))).as(where.uri()).isEqualTo(r1.manifestDigest());
                assertThat(Digest.of(store.readManifestBytes("shop", "r2"))).as(where.uri()).isEqualTo(r2.manifestDigest());
                var report = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1", pub);
                assertThat(report.ok()).as(where.uri() + " " + report).isTrue();
                try (var in = store.objects().open(StoreKeys.releaseDir("shop", "r1") + "drills/d-1.json")) {
                    assertThat(in.readAllBytes()).isEqualTo(drill);
                }
            }
        }

        // copying again is a no-op: present, nothing written
        CopyResult again = copier.copy(new CopyRequest(folder, back, "shop", List.of()), Access.fromEnvironment(env), ProgressListener.NONE);
        assertThat(again.releases()).extracting(CopyResult.Copied::status).containsExactly("present", "present");
        assertThat(again.releases()).extracting(CopyResult.Copied::blobsWritten).containsExactly(0L, 0L);
    }

    @Test
    void aDestinationWithOtherContentUnderTheSameIdIsRefusedAndLeftAlone() throws Exception {
        StoreLocation a = StoreLocation.parse(tmp.resolve("a").toString());
        StoreLocation b = StoreLocation.parse(tmp.resolve("b").toString());
        new ReleaseFixture(tmp.resolve("wa"), a, Map.of()).backup("shop", "r1", Map.of("a.txt", "site a"));
        new ReleaseFixture(tmp.resolve("wa"), a, Map.of()).backup("shop", "r0", Map.of("a.txt", "only in a"));
        BackupResult theirs = new ReleaseFixture(tmp.resolve("wb"), b, Map.of()).backup("shop", "r1", Map.of("a.txt", "site b"));
        List<Path> before;
        try (var s = Files.walk(tmp.resolve("b"))) {
            before = s.sorted().toList();
        }
        assertThatThrownBy(() -> new ReleaseCopier().copy(new CopyRequest(a, b, "shop", List.of()), Access.fromEnvironment(Map.of()), ProgressListener.NONE))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CONFLICT))
                .hasMessageContaining("shop/r1").hasMessageContaining("other content");
        try (var s = Files.walk(tmp.resolve("b"))) {
            assertThat(s.sorted().toList()).isEqualTo(before);
        }
        try (ReleaseStore store = ReleaseStore.open(b)) {
            assertThat(Digest.of(store.readManifestBytes("shop", "r1"))).isEqualTo(theirs.manifestDigest());
            assertThat(store.listReleases("shop")).containsExactly("r1");
        }
        assertThatThrownBy(() -> new ReleaseCopier().copy(new CopyRequest(a, a, "shop", List.of()), Access.fromEnvironment(Map.of()), ProgressListener.NONE))
                .hasMessageContaining("same store");
    }
}
