package dev.layercake.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthAndManifestTest {

    @Test
    void parsesBearerAndBasicChallenges() {
        Challenge bearer = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull\"");
        assertThat(bearer.isBearer()).isTrue();
        assertThat(bearer.params()).containsEntry("realm", "https://auth.example/token")
                .containsEntry("service", "registry.example").containsEntry("scope", "repository:a/b:pull");
        Challenge basic = Challenge.parse("Basic realm=\"test\"");
        assertThat(basic.isBearer()).isFalse();
        assertThat(basic.params()).containsEntry("realm", "test");
    }

    @Test
    void readsAuthsFromDockerConfig(@TempDir Path dir) throws Exception {
        String auth = Base64.getEncoder().encodeToString("alice:pw:with:colons".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"r.example:5000\":{\"auth\":\"" + auth + "\"},"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"}}}");
        DockerConfigCredentials creds = DockerConfigCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString()));
        assertThat(creds.credentials("r.example:5000")).contains(new Credentials("alice", "pw:with:colons"));
        assertThat(creds.credentials("docker.io")).isPresent();
        assertThat(creds.credentials("other.example")).isEmpty();
        assertThat(new Credentials("alice", "pw:with:colons").toString()).doesNotContain("pw:with");
    }

    @Test
    void asksCredentialHelpers(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path helper = bin.resolve("docker-credential-layercaketest");
        Files.writeString(helper, "#!/bin/sh\nread host\n[ \"$1\" = get ] && [ \"$host\" = helped.example ] || exit 1\n"
                + "echo '{\"ServerURL\":\"helped.example\",\"Username\":\"bob\",\"Secret\":\"from-helper\"}'\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("config.json"), "{\"credHelpers\":{\"helped.example\":\"layercaketest\"}}");
        DockerConfigCredentials creds = new DockerConfigCredentials(List.of(dir.resolve("config.json")), bin);
        assertThat(creds.credentials("helped.example")).contains(new Credentials("bob", "from-helper"));
        // A helper that says "not found" (non-zero exit) means anonymous, not a failure.
        Files.writeString(dir.resolve("config.json"), "{\"credsStore\":\"layercaketest\"}");
        assertThat(new DockerConfigCredentials(List.of(dir.resolve("config.json")), bin).credentials("other.example")).isEmpty();
    }

    @Test
    void keepsManifestBytesAndReadsDescriptors() {
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":10,"
                + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}";
        byte[] bytes = index.getBytes(StandardCharsets.UTF_8);
        ManifestDoc doc = ManifestDoc.parse(bytes, null, "test index");
        assertThat(doc.bytes()).isEqualTo(bytes);
        assertThat(doc.digest()).isEqualTo(Digests.sha256(bytes));
        assertThat(doc.isIndex()).isTrue();
        assertThat(doc.manifests()).singleElement().extracting(Descriptor::platform).isEqualTo("linux/arm64/v8");
    }

    @Test
    void refusesSchema1AndNonManifests() {
        assertThatThrownBy(() -> ManifestDoc.parse("{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(), null, "old"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("schema 1");
        assertThatThrownBy(() -> ManifestDoc.parse("not json".getBytes(), null, "junk"))
                .isInstanceOf(RegistryException.class).extracting(e -> ((RegistryException) e).kind())
                .isEqualTo(RegistryException.Kind.CORRUPT);
    }
}
