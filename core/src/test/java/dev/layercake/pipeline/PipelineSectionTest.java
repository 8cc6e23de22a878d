package dev.layercake.pipeline;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.model.Manifest;
import dev.layercake.model.PipelineSection;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineSectionTest {

    @TempDir
    Path tmp;

    @Test
    void pipelineFilesAreCheckedBeforeAnythingIsWritten() throws Exception {
        Path ok = Files.writeString(tmp.resolve("config.xml"), "<flow-definition/>");
        Path again = Files.createDirectories(tmp.resolve("b")).resolve("config.xml");
        Files.writeString(again, "<other/>");
        assertThat(PipelineFiles.check(List.of(ok.toString(), again.toString()))).extracting(PipelineFiles.Checked::name)
                .containsExactly("config.xml", "config-2.xml");
        assertThatThrownBy(() -> PipelineFiles.check(List.of(tmp.resolve("missing").toString())))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> PipelineFiles.check(List.of(tmp.toString())))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> PipelineFiles.check(java.util.Collections.nCopies(65, ok.toString())))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("at most 64");
        assertThat(PipelineFiles.safeName("../..\\evil name.xml")).isEqualTo("evil_name.xml").matches(PipelineFiles.NAME);
    }

    @Test
    void restoreWritesTheFilesAndRefusesUnsafeNamesAndOverwrites() throws Exception {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            byte[] xml = "<flow-definition>{AQAAABAAAAAw...encrypted}</flow-definition>".getBytes(StandardCharsets.UTF_8);
            var blob = store.putBytes(xml, "application/octet-stream");
            Manifest m = manifest(new PipelineSection.PipelineFile("config.xml", "jenkins job config.xml", "--pipeline-file config.xml",
                    blob.digest(), blob.size(), "application/octet-stream"));
            store.writeManifest(m);
            assertThat(m.referencedBlobs()).containsKey(blob.digest());

            Path out = tmp.resolve("out");
            dev.layercake.api.result.PipelineFilesWritten r = PipelineRestore.restore(store, m, out, false);
            assertThat(r.written()).containsExactly("config.xml");
            assertThat(Files.readAllBytes(out.resolve("config.xml"))).isEqualTo(xml);
            assertThat(PipelineRestore.restore(store, m, out, false).unchanged()).containsExactly("config.xml");

            Files.writeString(out.resolve("config.xml"), "changed");
            assertThatThrownBy(() -> PipelineRestore.restore(store, m, out, false)).isInstanceOf(LayercakeException.class)
                    .hasMessageContaining("never overwritten");
            assertThat(Files.readString(out.resolve("config.xml"))).isEqualTo("changed");

            for (String bad : List.of("../escape.xml", "a/b.xml", ".hidden", "..")) {
                Manifest evil = manifest(new PipelineSection.PipelineFile(bad, "file", "x", blob.digest(), blob.size(), null));
                Path dir = tmp.resolve("evil");
                assertThatThrownBy(() -> PipelineRestore.restore(store, evil, dir, false)).as(bad)
                        .isInstanceOf(LayercakeException.class).hasMessageContaining("not a plain file name");
                assertThat(tmp.resolve("escape.xml")).doesNotExist();
            }
        }
    }

    @Test
    void tektonPipelineRunPipelineAndTasksAreReadAndAMissingRuleIsAWarning() {
        try (KubernetesMockServerFixture server = KubernetesMockServerFixture.start()) {
            KubernetesClient client = server.client();
            crd(client, "PipelineRun", "pipelineruns");
            crd(client, "Pipeline", "pipelines");
            crd(client, "Task", "tasks");
            create(client, "PipelineRun", "pipelineruns", "release-42",
                    "{\"pipelineRef\":{\"name\":\"release\"}}", "{\"conditions\":[{\"type\":\"Succeeded\",\"status\":\"Unknown\"}]}");
            create(client, "Pipeline", "pipelines", "release",
                    "{\"tasks\":[{\"name\":\"build\",\"taskRef\":{\"name\":\"build-image\"}},"
                            + "{\"name\":\"backup\",\"taskRef\":{\"name\":\"layercake-backup-app\"}},"
                            + "{\"name\":\"hub\",\"taskRef\":{\"resolver\":\"hub\"}}],"
                            + "\"finally\":[{\"name\":\"notify\",\"taskRef\":{\"name\":\"notify\"}}]}", null);
            create(client, "Task", "tasks", "build-image", "{\"steps\":[{\"name\":\"b\",\"image\":\"x\"}]}", null);
            create(client, "Task", "tasks", "layercake-backup-app", "{\"steps\":[{\"name\":\"backup\",\"image\":\"y\"}]}", null);
            server.forbid("GET", "/apis/tekton.dev/v1/namespaces/ci/tasks/notify");

            TektonPipeline.Result r = TektonPipeline.read(client, "ci", "release-42");
            assertThat(r.objects()).extracting(TektonPipeline.Read::kind, TektonPipeline.Read::name).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("PipelineRun", "release-42"),
                    org.assertj.core.groups.Tuple.tuple("Pipeline", "release"),
                    org.assertj.core.groups.Tuple.tuple("Task", "build-image"),
                    org.assertj.core.groups.Tuple.tuple("Task", "layercake-backup-app"));
            String run = new String(r.objects().get(0).json(), StandardCharsets.UTF_8);
            assertThat(run).contains("\"pipelineRef\"").doesNotContain("resourceVersion").doesNotContain("\"uid\"");
            assertThat(r.warnings()).anyMatch(w -> w.contains("not permitted to read Task ci/notify")
                    && w.contains("{apiGroups: [tekton.dev], resources: [tasks], verbs: [get]} in namespace ci"));
            assertThat(r.warnings()).anyMatch(w -> w.contains("hub resolver"));

            server.forbid("GET", "/apis/tekton.dev/v1/namespaces/ci/pipelineruns");
            TektonPipeline.Result denied = TektonPipeline.read(client, "ci", "release-42");
            assertThat(denied.objects()).isEmpty();
            assertThat(denied.warnings()).singleElement().asString().contains("resources: [pipelineruns], verbs: [get]");
        }
    }

    @Test
    void aTektonBackupStoresThePipelineRunAndSucceedsWhenATaskMayNotBeRead() throws Exception {
        try (KubernetesMockServerFixture server = KubernetesMockServerFixture.start();
             dev.layercake.testing.GitRepoFixture repo = dev.layercake.testing.GitRepoFixture.create(tmp.resolve("repo"))) {
            KubernetesClient client = server.client();
            crd(client, "PipelineRun", "pipelineruns");
            crd(client, "Pipeline", "pipelines");
            crd(client, "Task", "tasks");
            create(client, "PipelineRun", "pipelineruns", "release-7", "{\"pipelineRef\":{\"name\":\"release\"}}", null);
            create(client, "Pipeline", "pipelines", "release", "{\"tasks\":[{\"name\":\"backup\",\"taskRef\":{\"name\":\"layercake-backup-app\"}}]}", null);
            server.forbid("GET", "/apis/tekton.dev/v1/namespaces/ci/tasks");
            Files.writeString(repo.dir().resolve("Dockerfile"), "FROM scratch\n");
            repo.commit("one");
            Path kubeconfig = server.writeKubeconfig(tmp.resolve("kubeconfig"), "ci");
            java.util.Map<String, String> env = java.util.Map.of("TEKTON_PIPELINE_RUN", "release-7", "TEKTON_PIPELINE", "release",
                    "TEKTON_NAMESPACE", "ci", "KUBECONFIG", kubeconfig.toString());
            StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
            var request = new dev.layercake.api.request.BackupRequest(location, "shop", "r1",
                    new dev.layercake.api.request.SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false), null,
                    new dev.layercake.api.request.ImageOptions(List.of(), dev.layercake.api.request.ImageOptions.NONE, null, List.of()), null, null);
            List<String> warnings = new java.util.ArrayList<>();
            dev.layercake.api.progress.ProgressListener listener = new dev.layercake.api.progress.ProgressListener() {
                @Override
                public void warn(String message) {
                    warnings.add(message);
                }
            };
            new dev.layercake.backup.BackupEngine(List.of(new PipelineStep()), Access.fromEnvironment(env), java.time.Clock.systemUTC()).backup(request, listener);
            try (ReleaseStore store = ReleaseStore.open(location)) {
                Manifest m = store.readManifest("shop", "r1");
                assertThat(m.build().system()).isEqualTo("tekton");
                assertThat(m.pipeline().files()).extracting(PipelineSection.PipelineFile::name)
                        .containsExactly("tekton-PipelineRun-release-7.json", "tekton-Pipeline-release.json");
                assertThat(m.pipeline().warnings()).singleElement().asString()
                        .contains("resources: [tasks], verbs: [get]} in namespace ci");
                assertThat(warnings).anyMatch(w -> w.startsWith("pipeline: not permitted to read Task ci/layercake-backup-app"));
                assertThat(new String(store.readBlob(m.pipeline().files().get(0).digest()), StandardCharsets.UTF_8)).contains("release-7");
            }
        }
    }

    private static Manifest manifest(PipelineSection.PipelineFile f) {
        return new Manifest(Manifest.SCHEMA_VERSION, "shop", "r1", "2026-12-07T09:00:00Z", null, null, null, List.of(), null,
                List.of(), null, new PipelineSection("jenkins", List.of(f), List.of()));
    }

    private static void crd(KubernetesClient client, String kind, String plural) {
        client.apiextensions().v1().customResourceDefinitions().resource(new io.fabric8.kubernetes.api.model.apiextensions.v1
                .CustomResourceDefinitionBuilder().withNewMetadata().withName(plural + ".tekton.dev").endMetadata()
                .withNewSpec().withGroup("tekton.dev").withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
                .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion()
                .endSpec().build()).create();
    }

    private static void create(KubernetesClient client, String kind, String plural, String name, String spec, String status) {
        String json = "{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ci\"},\"spec\":" + spec + (status == null ? "" : ",\"status\":" + status) + "}";
        var r = dev.layercake.model.Json.read(json.getBytes(StandardCharsets.UTF_8),
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class, "test object");
        client.genericKubernetesResources(TektonPipeline.type(kind, plural)).inNamespace("ci").resource(r).create();
    }

}
