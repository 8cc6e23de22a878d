package dev.layercake.source;

import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.ImageReference;
import dev.layercake.model.SourceSection;
import dev.layercake.model.UnresolvedImage;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 items 1-4: each a tiny repository captured from git, asserted on the manifest's source section. */
class DockerfileFidelityTest {

    @TempDir
    Path tmp;

    private SourceSection captureDockerfile(String content) {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("Dockerfile", content);
            repo.commit("one");
            SourceOptions options = new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false);
            try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
                 GitSource git = GitSource.open(options, ProgressListener.NONE)) {
                return git.capture(store, options);
            }
        }
    }

    private static List<String> refs(SourceSection s) {
        return s.referencedImages().stream().map(ImageReference::ref).toList();
    }

    private static List<String> raws(SourceSection s) {
        return s.unresolvedImages().stream().map(UnresolvedImage::raw).toList();
    }

    @Test
    void globalArgDefaultsAreExpandedInOrderWithChainsAndModifiers() {
        SourceSection s = captureDockerfile("""
                ARG N=alpine
                ARG T=3.20
                ARG IMG=$N:$T
                ARG B=${IMG}
                ARG EMPTY=
                ARG R=${EMPTY:-registry.example.com} P=${R}/tools
                ARG DBG=yes
                FROM $IMG AS one
                FROM ${B} AS two
                FROM ${P}/certs:${T:+v2}
                FROM ${P}/dbg${DBG:+-debug}:1
                FROM busybox${EMPTY:+-never}:1.36
                FROM "quoted.example.com/q:1"
                ARG LOCAL=ignored.example.com/x:1
                FROM ${LOCAL:-docker.io/library/nginx:1.27}
                """);
        assertThat(refs(s)).containsExactly("alpine:3.20", "alpine:3.20", "registry.example.com/tools/certs:v2",
                "registry.example.com/tools/dbg-debug:1", "busybox:1.36", "quoted.example.com/q:1", "docker.io/library/nginx:1.27");
        assertThat(s.referencedImages().get(0).line()).isEqualTo(8);
        assertThat(s.unresolvedImages()).isEmpty();
    }

    @Test
    void stageLocalArgsAndEnvExpandCopyFromButNotFrom() {
        SourceSection s = captureDockerfile("""
                ARG V=1.2
                FROM alpine:3.20 AS build
                ARG V
                ARG TOOL=registry.example.com/tool:${V}
                COPY --from=${TOOL} /bin/t /t
                COPY --from=build /x /y
                COPY --from=0 /x /y
                """);
        assertThat(refs(s)).containsExactly("alpine:3.20", "registry.example.com/tool:1.2");
    }

    @Test
    void platformArgsAndArgsWithoutDefaultAreUnresolvedWithTheirRawText() {
        SourceSection s = captureDockerfile("""
                ARG X
                ARG V=1.0
                FROM base-$TARGETOS:1
                FROM alpine${X:+-debug}:3.20
                FROM app:$X
                FROM ${V#1.}-img
                FROM tool:${V%.*}
                FROM --platform=$BUILDPLATFORM golang:1.22 AS build
                """);
        assertThat(raws(s)).containsExactly("base-$TARGETOS:1", "alpine${X:+-debug}:3.20", "app:$X");
        assertThat(s.unresolvedImages().get(0).why()).contains("TARGETOS");
        assertThat(s.unresolvedImages().get(0).line()).isEqualTo(3);
        assertThat(s.unresolvedImages().get(1).why()).contains("ARG X has no default");
        // ${V#pat} and ${V%pat} are evaluated like BuildKit, not listed raw.
        assertThat(refs(s)).containsExactly("0-img", "tool:1", "golang:1.22");
        assertThat(s.referencedImages().get(2).platform()).isEqualTo("$BUILDPLATFORM");
        assertThat(refs(s)).noneMatch(r -> r.contains("$") || r.endsWith("-"));
    }

    @Test
    void parserDirectivesSetTheEscapeCharacterOnlyAtTheTop() {
        SourceSection backtick = captureDockerfile("""
                # syntax=docker/dockerfile:1
                # escape=`
                FROM mcr.microsoft.com/windows/servercore:ltsc2022
                RUN dir c:\\ `
                    && echo done
                FROM mcr.microsoft.com/powershell:7 `
                    AS ps
                """);
        assertThat(refs(backtick)).containsExactly("mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/powershell:7");
        assertThat(backtick.referencedImages().get(1).stage()).isEqualTo("ps");
        assertThat(raws(backtick)).isEmpty();

        SourceSection backslash = captureDockerfile("""
                # escape=\\\\
                FROM alpine:3.20
                """);
        assertThat(refs(backslash)).containsExactly("alpine:3.20");

        // After a comment or an empty line it is a comment, not a directive: backslash stays the escape.
        SourceSection late = captureDockerfile("""
                # a comment
                # escape=`
                FROM alpine:3.20 \\
                    AS base
                FROM base
                """);
        assertThat(refs(late)).containsExactly("alpine:3.20");
        assertThat(late.referencedImages().get(0).stage()).isEqualTo("base");
        // Comment lines inside a continuation are dropped, as BuildKit does.
        SourceSection inner = captureDockerfile("FROM \\\n# note\n  alpine:3.21\n");
        assertThat(refs(inner)).containsExactly("alpine:3.21");
    }

    @Test
    void invalidReferencesAreRecordedAsUnresolvedWithWhereTheyWereFound() {
        SourceSection s = captureDockerfile("""
                FROM REGISTRY_PLACEHOLDER/app:1
                FROM gcr.io/@PROJECT@/x
                FROM ${UNDECLARED}/svc:1
                FROM alpine:3.20
                """);
        assertThat(refs(s)).containsExactly("alpine:3.20");
        assertThat(raws(s)).containsExactly("REGISTRY_PLACEHOLDER/app:1", "gcr.io/@PROJECT@/x", "${UNDECLARED}/svc:1");
        assertThat(s.unresolvedImages()).allSatisfy(u -> {
            assertThat(u.file()).isEqualTo("Dockerfile");
            assertThat(u.why()).contains("not a valid image reference");
        });
        assertThat(s.unresolvedImages().get(2).line()).isEqualTo(3);
    }

    @Test
    void invalidReferencesInYamlAreUnresolvedToo() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("k8s/deploy.yaml", """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: p}
                    spec:
                      containers:
                        - name: a
                          image: CONTAINER_IMAGES_REGISTRY/svc:1
                        - name: b
                          image: nginx:1.27
                    """);
            repo.commit("one");
            SourceOptions options = new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false);
            try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
                 GitSource git = GitSource.open(options, ProgressListener.NONE)) {
                SourceSection s = git.capture(store, options);
                assertThat(refs(s)).containsExactly("nginx:1.27");
                assertThat(s.unresolvedImages()).singleElement().satisfies(u -> {
                    assertThat(u.raw()).isEqualTo("CONTAINER_IMAGES_REGISTRY/svc:1");
                    assertThat(u.file()).isEqualTo("k8s/deploy.yaml");
                    assertThat(u.line()).isEqualTo(7);
                });
            }
        }
    }
}
