package dev.layercake.source;

import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.ImageReference;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 items 5-7: Helm value pairs anywhere, plain YAML in a chart folder, flow-style line numbers. */
class YamlImageFidelityTest {

    @TempDir
    Path tmp;

    private SourceSection capture(GitRepoFixture repo) {
        repo.commit("one");
        SourceOptions options = new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false);
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
             GitSource git = GitSource.open(options, ProgressListener.NONE)) {
            return git.capture(store, options);
        }
    }

    @Test
    void helmValuePairsAreFoundWhereverTheySit() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: \"4.2\"\n");
            repo.write("chart/values.yaml", """
                    image:
                      repository: example/app
                      tag: ""
                      busybox:
                        registry: docker.io
                        repository: library/busybox
                        tag: "1.36"
                    redis:
                      repository: bitnami/redis
                      tag: 7.2.4
                    sidecar:
                      pinned:
                        registry: quay.io
                        repository: prometheus/node-exporter
                        digest: sha256:%s
                    notAnImage:
                      repository: https://charts.example.com
                    """.formatted("a".repeat(64)));
            SourceSection s = capture(repo);
            Map<String, ImageReference> byRef = s.referencedImages().stream()
                    .collect(Collectors.toMap(ImageReference::ref, r -> r, (a, b) -> a));
            assertThat(byRef).containsOnlyKeys("example/app:4.2", "docker.io/library/busybox:1.36", "bitnami/redis:7.2.4",
                    "quay.io/prometheus/node-exporter@sha256:" + "a".repeat(64));
            assertThat(byRef.get("bitnami/redis:7.2.4").line()).isEqualTo(9);
            assertThat(byRef.get("docker.io/library/busybox:1.36").line()).isEqualTo(6);
        }
    }

    @Test
    void plainYamlInAChartFolderIsScannedAndFlowStyleLinesAreRight() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n");
            repo.write("chart/values.yaml", "replicas: 1\n");
            repo.write("chart/ci/example.yaml", "extraContainers:\n  - name: side\n    image: registry.example.com/side:1\n");
            repo.write("chart/templates/d.yaml", "image: {{ .Values.image }}\n");
            repo.write("k8s/pod.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: app}
                    spec:
                      template:
                        spec:
                          containers:
                          - {name: a, image: app}
                          - {name: b, image: "app:2"}
                    """);
            SourceSection s = capture(repo);
            Map<String, ImageReference> byRef = s.referencedImages().stream()
                    .collect(Collectors.toMap(ImageReference::ref, r -> r, (a, b) -> a));
            assertThat(byRef).containsOnlyKeys("registry.example.com/side:1", "app", "app:2");
            assertThat(byRef.get("registry.example.com/side:1").file()).isEqualTo("chart/ci/example.yaml");
            assertThat(byRef.get("registry.example.com/side:1").line()).isEqualTo(3);
            assertThat(byRef.get("app").line()).isEqualTo(8);
            assertThat(byRef.get("app:2").line()).isEqualTo(9);
        }
    }
}
