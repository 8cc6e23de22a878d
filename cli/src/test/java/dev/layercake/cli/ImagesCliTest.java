package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.PodmanImages;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI with real images: a multi-platform image built by podman in Debian's docker-registry, backed up
 * into the store, its source repository deleted, restored to a fresh registry with identical digests.
 */
class ImagesCliTest {

    @TempDir
    Path tmp;

    @Test
    void backupDeleteRestoreKeepsEveryDigest() {
        try (RegistryFixture source = RegistryFixture.start(); RegistryFixture fresh = RegistryFixture.start();
             PodmanImages podman = PodmanImages.create();
             GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            podman.build("localhost/cli-base-amd64", "scratch", "linux/amd64", PodmanImages.files("base-amd64", 64 * 1024, "base.bin"));
            podman.build("localhost/cli-base-arm64", "scratch", "linux/arm64", PodmanImages.files("base-arm64", 64 * 1024, "base.bin"));
            String ref = source.host() + "/shop/api:1.0";
            podman.pushManifestList("cli-api-list", List.of("localhost/cli-base-amd64", "localhost/cli-base-arm64"), ref);
            String digest = PodmanImages.skopeoDigest(ref);

            repo.write("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
                    + "      containers:\n        - name: api\n          image: " + ref + "\n");
            repo.commit("release");
            String store = tmp.resolve("store").toString();

            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(), "--release", "r1",
                    "--insecure-registry", source.host(), "--json");
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            JsonNode b = backup.json();
            assertThat(b.path("pinnedImages").toString()).contains(digest);

            source.deleteRepository("shop/api");

            Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--json");
            assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();

            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1",
                    "--images-to", fresh.host() + "/restored", "--insecure-registry", fresh.host(), "--json");
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            String pushed = restore.json().path("imagesPushed").get(0).asText();
            assertThat(pushed).startsWith(fresh.host() + "/restored/").endsWith("@" + digest);
            assertThat(PodmanImages.skopeoDigest(pushed.substring(0, pushed.indexOf('@')))).isEqualTo(digest);
        }
    }
}
