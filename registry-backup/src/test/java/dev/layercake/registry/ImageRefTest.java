package dev.layercake.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageRefTest {

    @ParameterizedTest
    @CsvSource({
            "golang:1.22, docker.io, library/golang, 1.22, ",
            "nginx, docker.io, library/nginx, latest, ",
            "bitnami/redis:7, docker.io, bitnami/redis, 7, ",
            "ghcr.io/org/app:v1, ghcr.io, org/app, v1, ",
            "localhost/app, localhost, app, latest, ",
            "127.0.0.1:5000/team/app:1, 127.0.0.1:5000, team/app, 1, ",
            "registry.example:443/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, registry.example:443, a/b/c, , sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "index.docker.io/library/alpine:3, docker.io, library/alpine, 3, ",
    })
    void parsesLikeDockerDoes(String text, String registry, String repository, String tag, String digest) {
        ImageRef ref = ImageRef.parse(text);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.digest()).isEqualTo(digest);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "Upper/Case:1", "app:bad tag", "app@sha256:short", "https://ghcr.io/a/b",
            "app@md5:0123456789abcdef0123456789abcdef", "a//b", "app:"})
    void rejectsMalformedReferences(String text) {
        assertThatThrownBy(() -> ImageRef.parse(text))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("not a valid image reference")
                .extracting(e -> ((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.INVALID);
    }

    @Test
    void dockerHubIsReachedThroughItsApiHost() {
        assertThat(ImageRef.parse("alpine").endpoint()).isEqualTo("registry-1.docker.io");
        assertThat(ImageRef.parse("ghcr.io/a/b").endpoint()).isEqualTo("ghcr.io");
    }

    @Test
    void targetsKeepTheRepositoryPathBelowThePrefix() {
        ImageRef target = ImageRef.parseTarget("backup.example:5000/keep/");
        assertThat(ImageRef.parse("127.0.0.1:5000/team/app:1").under(target).toString())
                .isEqualTo("backup.example:5000/keep/team/app:1");
        assertThat(ImageRef.parse("golang:1.22").under(ImageRef.parseTarget("localhost:5000")).toString())
                .isEqualTo("localhost:5000/library/golang:1.22");
        assertThatThrownBy(() -> ImageRef.parseTarget("keep/app")).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> ImageRef.parseTarget("r.example/a@sha256:x")).isInstanceOf(RegistryException.class);
    }
}
