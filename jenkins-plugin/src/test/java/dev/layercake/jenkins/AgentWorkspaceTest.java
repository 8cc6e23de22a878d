package dev.layercake.jenkins;

import dev.layercake.api.access.Access;
import dev.layercake.registry.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a step's credentials become on the agent: the engine's typed {@link Access}, never environment variables
 * or a Docker config file. The store's keys are its store credentials; the registry login serves exactly the
 * registries the step names, and every other registry keeps the agent's own login; the encryption key is a named
 * secret; only the kubeconfig is a file, owner-only and gone after the step. A plain unit test: no Jenkins needed.
 */
class AgentWorkspaceTest {

    @TempDir
    Path tmp;

    private Path home;

    private Map<String, String> agentEnv() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        return Map.of("PATH", "/usr/bin", "HOME", home.toString());
    }

    private static AgentSecrets aws(String token) {
        AgentSecrets s = new AgentSecrets();
        s.awsAccessKeyId = "AKIASTEP";
        s.awsSecretAccessKey = "step-secret";
        s.awsSessionToken = token;
        return s;
    }

    private File tmpRoot() {
        return tmp.resolve("ws@tmp").toFile();
    }

    @Test
    void theStoreKeysAreStoreCredentialsAndNoAwsVariableIsSet() throws Exception {
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv(), Map.of("BUILD_NUMBER", "7"), aws("tok"), List.of())) {
            Access access = agent.access();

            AwsCredentials keys = access.storeCredentials().orElseThrow().resolveCredentials();
            assertEquals("AKIASTEP", keys.accessKeyId());
            assertEquals("step-secret", keys.secretAccessKey());
            assertEquals("tok", assertInstanceOf(AwsSessionCredentials.class, keys).sessionToken());
            assertTrue(access.environment().keySet().stream().noneMatch(k -> k.startsWith("AWS_")), access.environment().toString());
            assertEquals("7", access.environment().get("BUILD_NUMBER"), "the build's environment reaches the engine");
            assertEquals("/usr/bin", access.environment().get("PATH"), "and the agent's");
            assertFalse(access.toString().contains("step-secret"));
        }
        assertFalse(Files.exists(tmpRoot().toPath()) && hasFiles(tmpRoot().toPath()), "nothing written for keys");
    }

    @Test
    void theStepsKeysReplaceTheAgentsWithoutKeepingItsSessionToken() throws Exception {
        Map<String, String> agentEnv = Map.of("AWS_ACCESS_KEY_ID", "AKIAAGENT", "AWS_SECRET_ACCESS_KEY", "agent-secret",
                "AWS_SESSION_TOKEN", "agent-token");
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv, Map.of(), aws(null), List.of())) {
            AwsCredentials keys = agent.access().storeCredentials().orElseThrow().resolveCredentials();
            assertEquals("AKIASTEP", keys.accessKeyId());
            assertFalse(keys instanceof AwsSessionCredentials, "the agent's session token does not pair with the step's keys");
        }
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv, Map.of(), new AgentSecrets(), List.of())) {
            assertEquals("AKIAAGENT", agent.access().storeCredentials().orElseThrow().resolveCredentials().accessKeyId(),
                    "without store credentials, the agent's own");
        }
    }

    @Test
    void theRegistryLoginIsForExactlyTheRegistriesTheStepNames() throws Exception {
        Map<String, String> env = agentEnv();
        // The agent's own Docker login: one for a registry the step names, one for another registry.
        Path docker = Files.createDirectories(home.resolve(".docker"));
        Files.writeString(docker.resolve("config.json"), """
                {"auths": {"reg.example:5000": {"auth": "%s"}, "other.example": {"auth": "%s"}}}
                """.formatted(basic("agent", "agent-pw"), basic("other", "other-pw")));
        String configBefore = Files.readString(docker.resolve("config.json"));
        AgentSecrets secrets = new AgentSecrets();
        secrets.registryUsername = "robot";
        secrets.registryPassword = "robot-pw";
        Set<String> hosts = AgentWorkspace.registryHosts(List.of("reg.example:5000/shop/web:1", "nginx:1.27"),
                List.of("backup.example/layercake"));
        assertEquals(Set.of("reg.example:5000", AgentWorkspace.DOCKER_HUB, "backup.example"), hosts);

        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), env, Map.of(), secrets, hosts)) {
            Access access = agent.access();

            assertEquals(Optional.of(new Credentials("robot", "robot-pw")), access.registryCredentials().credentials("reg.example:5000"),
                    "the step's login wins over the agent's for a registry the step names");
            assertEquals(Optional.of(new Credentials("robot", "robot-pw")), access.registryCredentials().credentials("backup.example"));
            assertEquals(Optional.of(new Credentials("robot", "robot-pw")), access.registryCredentials().credentials("docker.io"),
                    "Docker Hub, named as docker login names it");
            assertEquals(Optional.of(new Credentials("other", "other-pw")), access.registryCredentials().credentials("other.example"),
                    "another registry keeps the agent's login");
            assertEquals(Optional.empty(), access.registryCredentials().credentials("unknown.example"), "and nothing else gets one");
            assertNull(access.environment().get("DOCKER_CONFIG"), "no Docker config of the step's");
            assertFalse(access.toString().contains("robot-pw"));
        }
        assertEquals(configBefore, Files.readString(docker.resolve("config.json")), "the agent's Docker config is untouched");
        assertFalse(Files.exists(tmpRoot().toPath()) && hasFiles(tmpRoot().toPath()), "no config.json written");
    }

    @Test
    void withoutRegistriesNamedTheLoginServesNone() throws Exception {
        AgentSecrets secrets = new AgentSecrets();
        secrets.registryUsername = "robot";
        secrets.registryPassword = "robot-pw";
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv(), Map.of(), secrets, List.of())) {
            assertEquals(Optional.empty(), agent.access().registryCredentials().credentials("reg.example:5000"));
            assertEquals(Optional.empty(), agent.access().registryCredentials().credentials("docker.io"));
        }
    }

    @Test
    void theEncryptionKeyIsANamedSecretNotAFile() throws Exception {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 7 + 1);
        }
        AgentSecrets secrets = new AgentSecrets();
        secrets.encryptionKey = raw;
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv(), Map.of("MY_KEY", "from-build"), secrets, List.of())) {
            assertEquals(AgentWorkspace.ENCRYPTION_KEY_SECRET, agent.encryptionKeyEnv("MY_KEY"), "the credential wins over a variable");
            assertEquals(Optional.of(Base64.getEncoder().encodeToString(raw)), agent.access().secret(AgentWorkspace.ENCRYPTION_KEY_SECRET));
            assertFalse(agent.access().environment().containsKey(AgentWorkspace.ENCRYPTION_KEY_SECRET), "not an environment variable");
        }
        assertFalse(Files.exists(tmpRoot().toPath()) && hasFiles(tmpRoot().toPath()), "no key file");

        AgentSecrets text = new AgentSecrets();
        text.encryptionKey = ("  " + Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv(), Map.of(), text, List.of())) {
            assertEquals(Optional.of(Base64.getEncoder().encodeToString(raw)), agent.access().secret(AgentWorkspace.ENCRYPTION_KEY_SECRET),
                    "base64 text, trimmed");
        }
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv(), Map.of("MY_KEY", "from-build"), new AgentSecrets(), List.of())) {
            assertEquals("MY_KEY", agent.encryptionKeyEnv("MY_KEY"), "without the credential, the step's variable");
            assertEquals(Optional.of("from-build"), agent.access().secret("MY_KEY"));
        }
    }

    @Test
    void theKubeconfigIsAnOwnerOnlyFileGoneAfterTheStep() throws Exception {
        AgentSecrets secrets = new AgentSecrets();
        secrets.kubeconfig = "apiVersion: v1\nkind: Config\n";
        Path file;
        try (AgentWorkspace agent = AgentWorkspace.prepare(tmpRoot(), agentEnv(), Map.of(), secrets, List.of())) {
            file = Path.of(agent.kubeconfigFile());
            assertTrue(file.startsWith(tmpRoot().toPath()), file.toString());
            assertEquals(secrets.kubeconfig, Files.readString(file));
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            }
            assertNull(agent.access().environment().get("KUBECONFIG"), "the engine gets the file by the request, not the environment");
        }
        assertFalse(Files.exists(file));
        assertFalse(hasFiles(tmpRoot().toPath()), "the folder is gone too");
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean hasFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }
}
