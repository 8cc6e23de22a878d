package dev.layercake.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.S3ProxyFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * layercake-backup-app's step run as Tekton runs it, against the built CLI, a git checkout made here,
 * a filesystem store on the `store` workspace and an s3proxy store reached with the `aws-credentials`
 * workspace, and an image in Debian's docker-registry. The result files are checked against the store.
 */
class BackupTaskRunTest {

    @TempDir
    Path tmp;
    Path source;
    Path bin;
    String commit;

    @BeforeEach
    void checkout() throws Exception {
        source = tmp.resolve("workspace/source");
        try (GitRepoFixture repo = GitRepoFixture.create(source)) {
            repo.write("Dockerfile", "FROM scratch\nCOPY payload.txt /payload.txt\n")
                    .write("deploy/deployment.yaml", """
                            apiVersion: apps/v1
                            kind: Deployment
                            metadata:
                              name: web
                              labels:
                                app.kubernetes.io/part-of: shop
                            """)
                    .write("README.md", "shop\n");
            commit = repo.commit("release 1.0");
        }
        bin = CliOnPath.install(tmp.resolve("bin"));
    }

    TaskRunSimulator backup(String run) {
        return new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs/" + run)).path(bin)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .workspace("source", source)
                .label("tekton.dev/pipeline", "release")
                .label("tekton.dev/pipelineRun", run)
                .taskRunName(run + "-backup")
                .param("app", "shop")
                .param("secrets", "skip");
    }

    @Test
    void backsUpToAFolderStoreOnTheStoreWorkspace() throws Exception {
        Path pvc = Files.createDirectories(tmp.resolve("workspace/store"));
        TaskRunSimulator.Run run = backup("release-42").workspace("store", pvc).param("store", "releases").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.result("RELEASE")).isEqualTo("release-release-42");
        Path manifestFile = pvc.resolve("releases/releases/shop/release-release-42/manifest.json");
        byte[] manifest = Files.readAllBytes(manifestFile);
        assertResultsDescribe(run, manifest);
        JsonNode artifact = TektonDocuments.JSON.readTree(run.result("layercake-ARTIFACT_OUTPUTS"));
        assertThat(Path.of(URI.create(artifact.get("uri").asText()))).isEqualTo(manifestFile);

        JsonNode m = TektonDocuments.JSON.readTree(manifest);
        assertThat(m.at("/build/system").asText()).isEqualTo("tekton");
        assertThat(m.at("/build/job").asText()).isEqualTo("release");
        assertThat(m.at("/build/number").asText()).isEqualTo("release-42");
        assertThat(m.toString()).contains(commit);
        // no `namespace` param: no Kubernetes capture at all (not the kubeconfig's current namespace)
        assertThat(m.at("/kubernetes/namespaces")).as(m.toString()).isEmpty();
        assertThat(m.at("/kubernetes/resources")).isEmpty();
        assertThat(m.at("/kubernetes/context").asText("")).isEmpty();

        // The same release again is refused by the CLI; the step fails, writes no results, keeps the manifest.
        TaskRunSimulator.Run again = backup("release-42").workspace("store", pvc).param("store", "releases").run();
        assertThat(again.exitCode()).as(again.toString()).isNotZero();
        assertThat(again.results()).isEmpty();
        assertThat(Files.readAllBytes(manifestFile)).isEqualTo(manifest);
    }

    @Test
    void backsUpToS3WithTheAwsCredentialsWorkspace() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.start()) {
            s3.createBucket("releases");
            Path aws = Files.createDirectories(tmp.resolve("workspace/aws"));
            Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = " + S3ProxyFixture.ACCESS_KEY
                    + "\naws_secret_access_key = " + S3ProxyFixture.SECRET_KEY + "\n");
            TaskRunSimulator.Run run = backup("release-43").workspace("aws-credentials", aws)
                    .param("store", "s3://releases/team-a")
                    .param("s3-endpoint", s3.endpoint())
                    .param("s3-region", S3ProxyFixture.REGION)
                    .param("s3-path-style", "true")
                    .run();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).doesNotContain(S3ProxyFixture.SECRET_KEY);
            byte[] manifest = read(s3, "releases", "team-a/releases/shop/release-release-43/manifest.json");
            assertResultsDescribe(run, manifest);
            assertThat(TektonDocuments.JSON.readTree(run.result("layercake-ARTIFACT_OUTPUTS")).get("uri").asText())
                    .isEqualTo("s3://releases/team-a/releases/shop/release-release-43/manifest.json");

            // The same credentials as a Secret made for envFrom (one file per variable).
            Path keys = Files.createDirectories(tmp.resolve("workspace/aws-keys"));
            Files.writeString(keys.resolve("AWS_ACCESS_KEY_ID"), S3ProxyFixture.ACCESS_KEY);
            Files.writeString(keys.resolve("AWS_SECRET_ACCESS_KEY"), S3ProxyFixture.SECRET_KEY);
            TaskRunSimulator.Run fromKeys = backup("release-45").workspace("aws-credentials", keys)
                    .param("store", "s3://releases/team-a").param("s3-endpoint", s3.endpoint())
                    .param("s3-region", S3ProxyFixture.REGION).param("s3-path-style", "true").run();
            assertThat(fromKeys.exitCode()).as(fromKeys.toString()).isZero();
            assertResultsDescribe(fromKeys, read(s3, "releases", "team-a/releases/shop/release-release-45/manifest.json"));

            // Without the workspace the CLI has no credentials (this test's HOME has no ~/.aws): refused.
            TaskRunSimulator.Run refused = backup("release-46").param("store", "s3://releases/team-a")
                    .param("s3-endpoint", s3.endpoint()).param("s3-region", S3ProxyFixture.REGION)
                    .param("s3-path-style", "true").run();
            assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
            assertThat(refused.results()).isEmpty();
        }
    }

    /** The object's bytes, read straight from s3proxy with the AWS SDK, not through Layercake. */
    static byte[] read(S3ProxyFixture s3, String bucket, String key) {
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(S3ProxyFixture.REGION))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(s3.credentials())
                .build()) {
            return client.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes()).asByteArray();
        }
    }

    @Test
    void pinsAnImageFromTheRegistry() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"))) {
            String ref = registry.buildAndPush("shop/web", "1.0", "web 1.0\n");
            String digest = registry.digest("shop/web", "1.0");
            assertThat(digest).startsWith("sha256:");
            Path pvc = Files.createDirectories(tmp.resolve("workspace/store"));
            TaskRunSimulator.Run run = backup("release-45").workspace("store", pvc).param("store", "releases")
                    .param("images", List.of(ref))
                    .param("insecure-registry", List.of(registry.host()))
                    .run();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            // Pinned as the engine writes it: the reference as given, qualified by the digest the registry serves.
            assertThat(List.of(run.result("IMAGES").split(","))).contains(ref + "@" + digest);
            assertResultsDescribe(run, Files.readAllBytes(pvc.resolve("releases/releases/shop/release-release-45/manifest.json")));
        }
    }

    /** MANIFEST_DIGEST and the Chains object name the stored manifest bytes; IMAGES are its pinned images. */
    static void assertResultsDescribe(TaskRunSimulator.Run run, byte[] manifest) throws Exception {
        String sha256 = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo(sha256);
        JsonNode artifact = TektonDocuments.JSON.readTree(run.result("layercake-ARTIFACT_OUTPUTS"));
        assertThat(artifact.get("digest").asText()).isEqualTo(sha256);
        assertThat(artifact.get("uri").asText()).endsWith("/manifest.json");

        List<String> pinned = new ArrayList<>();
        for (JsonNode image : TektonDocuments.JSON.readTree(manifest).path("images")) {
            String ref = image.get("ref").asText();
            int at = ref.indexOf('@');
            pinned.add((at >= 0 ? ref.substring(0, at) : ref) + "@" + image.get("digest").asText());
        }
        assertThat(run.result("IMAGES")).isEqualTo(String.join(",", pinned));
        assertThat(run.terminationMessageBytes()).isLessThanOrEqualTo(TaskRunSimulator.TERMINATION_MESSAGE_LIMIT);
    }
}
