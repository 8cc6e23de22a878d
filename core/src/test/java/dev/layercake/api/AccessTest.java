package dev.layercake.api;

import dev.layercake.LayercakeException;
import dev.layercake.api.access.Access;
import dev.layercake.registry.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The typed access: credentials come from their own fields, never from the environment map deeper in. */
class AccessTest {

    @Test
    void storeKeysFromTheEnvironmentOrTheDefaultChain() {
        Access withKeys = Access.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t-value",
                "AWS_SESSION_TOKEN", "tok-value"));
        AwsCredentials c = withKeys.storeCredentials().orElseThrow().resolveCredentials();
        assertThat(c.accessKeyId()).isEqualTo("AKIDEXAMPLE");
        assertThat(c).isInstanceOf(AwsSessionCredentials.class);
        assertThat(Access.fromEnvironment(Map.of("AWS_ACCESS_KEY_ID", "only-the-id")).storeCredentials()).isEmpty();
        assertThat(Access.none().storeCredentials()).isEmpty();
        assertThat(Access.none().withStoreKeys("id", "secret", null).storeCredentials().orElseThrow().resolveCredentials().secretAccessKey())
                .isEqualTo("secret");
        assertThatThrownBy(() -> Access.none().withStoreKeys("id", "", null)).isInstanceOf(LayercakeException.class)
                .hasMessageContaining("secret access key");
    }

    @Test
    void aRegistryLoginServesItsHostsAndTheDockerConfigTheRest(@TempDir Path dir) throws Exception {
        String auth = Base64.getEncoder().encodeToString("cfg-user:cfg-pass".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"other.example:5000\":{\"auth\":\"" + auth + "\"}}}");
        Access access = Access.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString()))
                .withRegistryLogin(List.of("registry.example:5000", "https://index.docker.io/v1/"), "jenkins", "pw-from-credentials");

        assertThat(access.registryCredentials().credentials("registry.example:5000")).contains(new Credentials("jenkins", "pw-from-credentials"));
        assertThat(access.registryCredentials().credentials("docker.io")).contains(new Credentials("jenkins", "pw-from-credentials"));
        assertThat(access.registryCredentials().credentials("other.example:5000")).contains(new Credentials("cfg-user", "cfg-pass"));
        assertThat(access.registryCredentials().credentials("unknown.example")).isEqualTo(Optional.empty());
        // No docker config was written for the login.
        assertThat(Files.readString(dir.resolve("config.json"))).doesNotContain("jenkins");
    }

    @Test
    void namedSecretsAndNoValueInItsText() {
        Access access = Access.none().withSecret("LAYERCAKE_ENCRYPTION_KEY", "a2V5LXZhbHVl").withStoreKeys("AKIDEXAMPLE", "s3cr3t-value", null)
                .withRegistryLogin(List.of("r.example"), "u", "registry-pw");
        assertThat(access.secret("LAYERCAKE_ENCRYPTION_KEY")).contains("a2V5LXZhbHVl");
        assertThat(access.secret("MISSING")).isEmpty();
        assertThat(access.secret(null)).isEmpty();
        assertThat(access.toString()).doesNotContain("a2V5LXZhbHVl").doesNotContain("s3cr3t-value").doesNotContain("AKIDEXAMPLE")
                .doesNotContain("registry-pw");
        assertThat(access.environment()).isEmpty();
    }

    @Test
    void anUnreadableRegistryCaFileIsAUsageErrorNamingItWhenARegistryIsReached(@TempDir Path dir) {
        Path missing = dir.resolve("missing-ca.pem");
        Access access = Access.fromEnvironment(Map.of(Access.REGISTRY_CA_ENV, missing.toString()));
        // A command that reaches no registry (list on a folder store) is not failed by a stale CA variable.
        assertThat(access.secret("x")).isEmpty();
        assertThatThrownBy(() -> access.registryOptions(List.of()))
                .isInstanceOf(LayercakeException.class)
                .hasMessageContaining(Access.REGISTRY_CA_ENV).hasMessageContaining(missing.toString());
    }
}
