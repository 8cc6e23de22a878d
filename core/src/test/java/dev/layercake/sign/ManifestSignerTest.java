package dev.layercake.sign;

import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.ReleaseFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class ManifestSignerTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"EC", "Ed25519"})
    void signedAtBackupVerifiesAndFailsOnEveryOneByteChange(String algorithm) throws Exception {
        Path priv = tmp.resolve("signing.pem");
        Path pub = tmp.resolve("signing.pub.pem");
        writeKeyPair(generate(algorithm), priv, pub);
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        new ReleaseFixture(tmp, location, Map.of())
                .backup("shop", "r1", Map.of("k8s/app.yaml", "apiVersion: v1\nkind: ConfigMap\n"),
                        new FreezeOptions(false, null, false, priv.toString()));

        try (ReleaseStore store = ReleaseStore.open(location)) {
            SignatureCheck check = ManifestSigner.verify(store, "shop", "r1", pub);
            assertThat(check.ok()).as(check.detail()).isTrue();
            assertThat(check.algorithm()).isEqualTo(algorithm.equals("EC") ? "ECDSA-P256-SHA256" : "Ed25519");

            Path manifest = ((FileSystemObjectStore) store.objects()).path(StoreKeys.manifest("shop", "r1"));
            byte[] original = Files.readAllBytes(manifest);
            // Flip one bit at several places (start, middle, end): each single change must fail the check.
            for (int at : new int[] {0, original.length / 2, original.length - 2}) {
                byte[] tampered = original.clone();
                tampered[at] ^= 0x01;
                manifest.toFile().setWritable(true);
                Files.write(manifest, tampered);
                SignatureCheck bad = ManifestSigner.verify(store, "shop", "r1", pub);
                assertThat(bad.ok()).as("byte %d changed", at).isFalse();
                assertThat(bad.detail()).contains("does not match");
                assertThatThrownBy(() -> ManifestSigner.requireValid(store, "shop", "r1", pub))
                        .isInstanceOf(LayercakeException.class)
                        .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CORRUPT));
            }
            Files.write(manifest, original);
            assertThat(ManifestSigner.verify(store, "shop", "r1", pub).ok()).isTrue();
        }
    }

    @Test
    void anotherKeyOrAMissingSignatureDoesNotVerify() throws Exception {
        Path priv = tmp.resolve("a.pem");
        Path pub = tmp.resolve("a.pub.pem");
        writeKeyPair(generate("EC"), priv, pub);
        Path otherPub = tmp.resolve("b.pub.pem");
        writeKeyPair(generate("EC"), tmp.resolve("b.pem"), otherPub);
        Path edPub = tmp.resolve("ed.pub.pem");
        writeKeyPair(generate("Ed25519"), tmp.resolve("ed.pem"), edPub);
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        ReleaseFixture releases = new ReleaseFixture(tmp, location, Map.of());
        releases.backup("shop", "signed", Map.of("a.tf", "x"), new FreezeOptions(false, null, false, priv.toString()));
        releases.backup("shop", "unsigned", Map.of("a.tf", "x"));

        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(ManifestSigner.verify(store, "shop", "signed", otherPub).ok()).isFalse();
            assertThat(ManifestSigner.verify(store, "shop", "signed", edPub).detail()).contains("ECDSA-P256-SHA256");
            SignatureCheck unsigned = ManifestSigner.verify(store, "shop", "unsigned", pub);
            assertThat(unsigned.ok()).isFalse();
            assertThat(unsigned.detail()).contains("not signed");
            // Signing later works once; a signature is never replaced.
            assertThat(ManifestSigner.sign(store, "shop", "unsigned", priv).algorithm()).isEqualTo("ECDSA-P256-SHA256");
            assertThat(ManifestSigner.verify(store, "shop", "unsigned", pub).ok()).isTrue();
            assertThatThrownBy(() -> ManifestSigner.sign(store, "shop", "unsigned", priv))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CONFLICT));
        }
    }

    @Test
    void opensslVerifiesTheEcdsaSignature() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl) || "true".equals(System.getenv("CI")),
                "openssl not installed");
        Path priv = tmp.resolve("k.pem");
        Path pub = tmp.resolve("k.pub.pem");
        writeKeyPair(generate("EC"), priv, pub);
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        new ReleaseFixture(tmp, location, Map.of()).backup("shop", "r1", Map.of("a.tf", "x"),
                new FreezeOptions(false, null, false, priv.toString()));
        try (ReleaseStore store = ReleaseStore.open(location)) {
            ManifestSignature sig = dev.layercake.model.Json.read(Files.readAllBytes(((FileSystemObjectStore) store.objects())
                    .path(StoreKeys.signature("shop", "r1"))), ManifestSignature.class, "sig");
            Path der = tmp.resolve("sig.der");
            Files.write(der, Base64.getDecoder().decode(sig.signature()));
            Path manifest = ((FileSystemObjectStore) store.objects()).path(StoreKeys.manifest("shop", "r1"));
            Process p = new ProcessBuilder(openssl.toString(), "dgst", "-sha256", "-verify", pub.toString(), "-signature",
                    der.toString(), manifest.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).contains("Verified OK");
        }
    }

    @Test
    void unsuitableKeysAreRefusedBeforeTheBackupStarts() throws Exception {
        Path rsa = tmp.resolve("rsa.pem");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        writeKeyPair(g.generateKeyPair(), rsa, tmp.resolve("rsa.pub.pem"));
        Path sec1 = tmp.resolve("sec1.pem");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        ReleaseFixture releases = new ReleaseFixture(tmp, location, Map.of());

        assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "x"), new FreezeOptions(false, null, false, rsa.toString())))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("not an ECDSA P-256 or Ed25519 key")
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.USAGE));
        assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "x"), new FreezeOptions(false, null, false, sec1.toString())))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "x"),
                new FreezeOptions(false, null, false, tmp.resolve("missing.pem").toString())))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("missing.pem");
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(store.releaseExists("shop", "r1")).isFalse();
            assertThat(store.objects().list(StoreKeys.BLOBS)).isEmpty();
        }
    }

    public static KeyPair generate(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        return g.generateKeyPair();
    }

    public static void writeKeyPair(KeyPair pair, Path priv, Path pub) throws Exception {
        Files.writeString(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
