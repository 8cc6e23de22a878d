package dev.layercake.source;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.ImageReference;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitSourceTest {

    @TempDir
    Path tmp;

    private SourceSection capture(SourceOptions options) {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
             GitSource git = GitSource.open(options, ProgressListener.NONE)) {
            return git.capture(store, options);
        }
    }

    private static SourceOptions opts(Path dir) {
        return new SourceOptions(dir.toString(), null, List.of(), List.of(), false);
    }

    @Test
    void classifiesEveryKindAndLeavesOtherFilesOut() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            SourceSection s = capture(opts(repo.dir()));
            Map<String, String> kinds = s.files().stream().collect(Collectors.toMap(SourceFile::path, SourceFile::kind));
            assertThat(s.commit()).isEqualTo(commit);
            assertThat(s.dirty()).isFalse();
            assertThat(kinds).containsEntry("services/api/Dockerfile", "dockerfile")
                    .containsEntry("services/web/Containerfile", "dockerfile")
                    .containsEntry("services/web/web.dockerfile", "dockerfile")
                    .containsEntry("infra/main.tf", "terraform")
                    .containsEntry("infra/prod.tfvars", "terraform")
                    .containsEntry("infra/.terraform.lock.hcl", "terraform")
                    .containsEntry("charts/shop/Chart.yaml", "helm")
                    .containsEntry("charts/shop/templates/deploy.yaml", "helm")
                    .containsEntry("kustomize/base/kustomization.yaml", "kustomize")
                    .containsEntry("kustomize/base/app.yaml", "kustomize")
                    .containsEntry("kustomize/base/config.properties", "kustomize")
                    .containsEntry("k8s/deploy.yaml", "kubernetes")
                    .containsEntry("Jenkinsfile", "pipeline")
                    .containsEntry("tekton/run.yaml", "pipeline");
            assertThat(kinds).doesNotContainKeys("services/api/main.go", "k8s/not-k8s.yaml", "README.md", "scripts/deploy.sh");
        }
    }

    @Test
    void findsImagesInDockerfilesKubernetesYamlAndHelmValues() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            List<ImageReference> refs = capture(opts(repo.dir())).referencedImages();
            Map<String, List<ImageReference>> byRef = refs.stream().collect(Collectors.groupingBy(ImageReference::ref));
            // ARG default substituted, --platform kept as written, stage names (build, test) are not images.
            ImageReference base = byRef.get("registry.example.com/base/go:1.22").get(0);
            assertThat(base.platform()).isEqualTo("$BUILDPLATFORM");
            assertThat(base.stage()).isEqualTo("build");
            assertThat(base.line()).isEqualTo(2);
            assertThat(byRef).containsKeys("gcr.io/distroless/static:nonroot", "registry.example.com/tools/certs:2", "nginx:1.27",
                    "registry.example.com/shop/web:1.0", "registry.example.com/shop/api:2.0.1");
            assertThat(byRef).doesNotContainKeys("build", "test", "scratch");
            // The same image twice in one file is reported at each of its lines.
            assertThat(byRef.get("registry.example.com/shop/web:1.0")).extracting(ImageReference::line).containsExactly(10, 12);
        }
    }

    @Test
    void readsTheCommitNotTheWorkingTreeAndRecordsDirty() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("Dockerfile", "FROM alpine:3.20\n");
            repo.commit("one");
            repo.write("Dockerfile", "FROM alpine:9.99\n");
            List<String> warnings = new ArrayList<>();
            SourceOptions options = opts(repo.dir());
            SourceSection s;
            try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
                 GitSource git = GitSource.open(options, new ProgressListener() {
                     @Override
                     public void warn(String message) {
                         warnings.add(message);
                     }
                 })) {
                s = git.capture(store, options);
                byte[] stored = store.readBlob(s.files().get(0).digest());
                assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("FROM alpine:3.20\n");
            }
            assertThat(s.dirty()).isTrue();
            assertThat(warnings).anyMatch(w -> w.contains("uncommitted changes"));
            assertThat(s.referencedImages()).extracting(ImageReference::ref).containsExactly("alpine:3.20");
        }
    }

    @Test
    void capturesAnOlderRefAndAFolderInsideTheRepository() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String first = repo.commit("one");
            repo.tag("v1");
            repo.write("infra/extra.tf", "# new\n");
            repo.commit("two");
            SourceSection atTag = capture(new SourceOptions(repo.dir().toString(), "v1", List.of(), List.of(), false));
            assertThat(atTag.commit()).isEqualTo(first);
            assertThat(atTag.files()).extracting(SourceFile::path).doesNotContain("infra/extra.tf");

            SourceSection sub = capture(opts(repo.dir().resolve("infra")));
            assertThat(sub.path()).isEqualTo("infra");
            assertThat(sub.files()).extracting(SourceFile::path).containsExactlyInAnyOrder(
                    "infra/main.tf", "infra/prod.tfvars", "infra/.terraform.lock.hcl", "infra/extra.tf");
        }
    }

    @Test
    void includeAndExcludeAdjustTheSelection() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            SourceSection s = capture(new SourceOptions(repo.dir().toString(), null, List.of("**/*.go", "README.md"),
                    List.of("infra/**"), false));
            Map<String, SourceFile> files = s.files().stream().collect(Collectors.toMap(SourceFile::path, Function.identity()));
            assertThat(files).containsKeys("services/api/main.go", "README.md");
            assertThat(files.get("README.md").kind()).isEqualTo("other");
            assertThat(files.keySet()).noneMatch(p -> p.startsWith("infra/"));
        }
    }

    @Test
    void keepsModesAndStoresSymlinksAsLinks() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("deploy/run.sh", "#!/bin/sh\n").executable("deploy/run.sh");
            repo.write("deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
            repo.symlink("deploy/outside.yaml", "../../../etc/passwd");
            repo.symlink("deploy/inside.yaml", "app.yaml");
            repo.commit("links");
            SourceSection s = capture(new SourceOptions(repo.dir().toString(), null, List.of("deploy/**"), List.of(), false));
            Map<String, SourceFile> files = s.files().stream().collect(Collectors.toMap(SourceFile::path, Function.identity()));
            assertThat(files.get("deploy/run.sh").mode()).isEqualTo("100755");
            assertThat(files.get("deploy/app.yaml").mode()).isEqualTo("100644");
            SourceFile link = files.get("deploy/inside.yaml");
            assertThat(link.symlink()).isTrue();
            assertThat(link.size()).isEqualTo("app.yaml".length());
            // a link out of the repository is never captured, not even with --include (security review, finding 11)
            assertThat(files).doesNotContainKey("deploy/outside.yaml");
        }
    }

    @Test
    void clonesARemoteUrlAtARef() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("origin")).sampleRelease()) {
            String first = repo.commit("one");
            repo.tag("v1");
            repo.write("infra/late.tf", "# late\n");
            repo.commit("two");
            SourceSection s = capture(new SourceOptions(repo.dir().toUri().toString(), "v1", List.of(), List.of(), false));
            assertThat(s.commit()).isEqualTo(first);
            assertThat(s.repo()).startsWith("file:");
            assertThat(s.files()).extracting(SourceFile::path).contains("infra/main.tf").doesNotContain("infra/late.tf");
        }
    }

    @Test
    void storesAGitBundleOfTheCommitWhenAsked() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            SourceSection s = capture(new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), true));
            assertThat(s.bundle()).isNotNull();
            Path bundle = tmp.resolve("release.bundle");
            try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
                Files.write(bundle, store.readBlob(s.bundle().digest()));
            }
            // git itself can clone the bundle and finds the exact commit.
            String out = GitRepoFixture.run(tmp, "git", "bundle", "list-heads", bundle.toString());
            assertThat(out).contains(commit);
        }
    }

    @Test
    void badSourcesGiveClearErrors() throws Exception {
        Path notRepo = Files.createDirectories(tmp.resolve("plain"));
        assertThatThrownBy(() -> GitSource.open(opts(notRepo), ProgressListener.NONE))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("not inside a git repository")
                .extracting(e -> ((LayercakeException) e).exitCode()).isEqualTo(2);
        assertThatThrownBy(() -> GitSource.open(opts(tmp.resolve("missing")), ProgressListener.NONE))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("is not a folder or a git URL");
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("one");
            assertThatThrownBy(() -> GitSource.open(new SourceOptions(repo.dir().toString(), "no-such-branch", null, null, false), ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("unknown ref 'no-such-branch'");
        }
    }

    @Test
    void redactsCredentialsInUrls() {
        assertThat(GitSource.redact("https://user:s3cret@git.example.com/x.git")).isEqualTo("https://***@git.example.com/x.git");
        assertThat(GitSource.redact("https://token@git.example.com/x.git")).doesNotContain("token");
    }
}
