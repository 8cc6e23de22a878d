package dev.layercake.cli;

import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** backup --signing-key, then verify --public-key: passes untouched, fails after one byte of the manifest changes. */
class SignedReleaseCliTest {

    @TempDir
    Path tmp;

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void aSignedReleaseVerifiesAndATamperedOneDoesNot() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = gen.generateKeyPair();
        Path priv = tmp.resolve("release.key");
        Path pub = tmp.resolve("release.pub");
        Files.writeString(priv, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            String store = tmp.resolve("store").toString();
            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(), "--release", "r1",
                    "--image-mode", "none", "--signing-key", priv.toString());
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            assertThat(backup.err() + backup.out()).doesNotContain(Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()).substring(0, 40));

            Cli.Run ok = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--public-key", pub.toString(), "--json");
            assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();

            Path manifest = tmp.resolve("store/releases/shop/r1/manifest.json");
            byte[] bytes = Files.readAllBytes(manifest);
            int at = new String(bytes).indexOf("\"createdAt\"");
            int digit = new String(bytes).indexOf("20", at);
            bytes[digit + 1] = (byte) '1'; // 2026 -> 2126: one byte
            manifest.toFile().setWritable(true);
            Files.write(manifest, bytes);
            Cli.Run tampered = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--public-key", pub.toString(), "--json");
            assertThat(tampered.exitCode()).isEqualTo(1);
            assertThat(tampered.out()).contains("signature");
        }
    }
}
