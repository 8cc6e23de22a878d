package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.testing.TreeAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --store oci://REGISTRY/REPOSITORY} end to end through the CLI: backup, list, verify, restore, prune, against
 * docker-registry with deletes enabled and with them disabled (distribution's default). Plain HTTP only because the
 * registry is named with {@code --insecure-registry}, as for the image commands.
 */
class OciStoreCliTest {

    @TempDir
    Path tmp;

    @Test
    void backupListVerifyRestoreAndPruneWithDeletesEnabled() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start()) {
            roundTrip(registry, true);
        }
    }

    @Test
    void backupListVerifyRestoreAndAClearPruneRefusalWithoutDeletes() throws Exception {
        try (RegistryFixture registry = RegistryFixture.startWithoutDelete()) {
            roundTrip(registry, false);
        }
    }

    @Test
    void imagesBackedUpIntoTheStoreArePullableByDigestFromItsRepository() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
             GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).write("README.md", "only the image\n")) {
            repo.commit("release");
            String image = registry.host() + "/src/app:v1";
            String digest = OciPush.push(registry.host(), "src/app", "v1",
                    java.util.List.of("layer one".getBytes(java.nio.charset.StandardCharsets.UTF_8), "layer two".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            String store = "oci://" + registry.host() + "/backups/shop";
            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(), "--release", "r1",
                    "--include", "**", "--image", image, "--insecure-registry", registry.host(), "--json");
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            // the image itself, in the store's repository, by digest: what a restore (or a kubelet) can pull
            assertThat(TransferCliTestSupport.headTag(registry.host(), "backups/shop", digest)).isEqualTo(digest);
            java.net.http.HttpResponse<String> artifact = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://" + registry.host() + "/v2/backups/shop/manifests/shop.r1"))
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(artifact.statusCode()).isEqualTo(200);
            JsonNode doc = dev.layercake.model.Json.mapper().readTree(artifact.body());
            assertThat(doc.path("artifactType").asText()).isEqualTo("application/vnd.layercake.release.v1");
            assertThat(doc.path("annotations").path("dev.layercake.image-digests").asText()).isEqualTo(image + "@" + digest);
            Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--insecure-registry", registry.host());
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            // restore pushes the images from the store to another registry path, digest unchanged
            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1",
                    "--images-to", registry.host() + "/restored", "--insecure-registry", registry.host(), "--json");
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            assertThat(restore.out()).contains(digest);
        }
    }

    private void roundTrip(RegistryFixture registry, boolean deletes) throws Exception {
        String store = "oci://" + registry.host() + "/backups/layercake";
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            // without --insecure-registry the plain-HTTP registry is not spoken to (TLS only), and nothing is written
            Cli.Run refused = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                    "--release", "r0", "--include", "**", "--image-mode", "none");
            assertThat(refused.exitCode()).as(refused.err()).isNotZero();

            String digest1 = null;
            for (String release : new String[] {"r1", "r2"}) {
                Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                        "--release", release, "--include", "**", "--image-mode", "none", "--insecure-registry", registry.host(), "--json");
                assertThat(backup.exitCode()).as(backup.err()).isZero();
                assertThat(backup.json().path("store").asText()).isEqualTo(store);
                if (digest1 == null) {
                    digest1 = backup.json().path("manifestDigest").asText();
                }
            }
            Cli.Run list = Cli.run("list", "--store", store, "--app", "shop", "--insecure-registry", registry.host(), "--json");
            assertThat(list.exitCode()).as(list.err()).isZero();
            JsonNode rows = list.json();
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).path("release").asText()).isEqualTo("r1");
            assertThat(rows.get(0).path("manifestDigest").asText()).isEqualTo(digest1);
            assertThat(TransferCliTestSupport.headTag(registry.host(), "backups/layercake", "shop.r1")).isNotBlank();

            Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--expect-digest", digest1,
                    "--insecure-registry", registry.host(), "--json");
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.json().path("ok").asBoolean()).isTrue();

            Path out = tmp.resolve("restored");
            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--sources-to", out.toString(),
                    "--insecure-registry", registry.host());
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            Path expected = tmp.resolve("expected");
            repo.gitArchive(commit, expected);
            TreeAssertions.assertSameTree(expected, out);

            Cli.Run prune = Cli.run("prune", "--store", store, "--app", "shop", "--keep", "1", "--insecure-registry", registry.host(), "--json");
            Cli.Run after = Cli.run("list", "--store", store, "--app", "shop", "--insecure-registry", registry.host(), "--json");
            if (deletes) {
                assertThat(prune.exitCode()).as(prune.err()).isZero();
                assertThat(prune.json().path("pruned").toString()).contains("r1");
                assertThat(after.json()).hasSize(1);
                assertThat(after.json().get(0).path("release").asText()).isEqualTo("r2");
            } else {
                assertThat(prune.exitCode()).as(prune.err()).isEqualTo(1);
                assertThat(prune.err()).contains("does not allow deleting");
                assertThat(after.json()).hasSize(2);
            }
            // gc is the registry's own
            Cli.Run gc = Cli.run("gc", "--store", store);
            assertThat(gc.exitCode()).isNotZero();
        }
    }
}
