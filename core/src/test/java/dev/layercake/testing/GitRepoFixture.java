package dev.layercake.testing;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

/** A real git repository made by a test: write files, make links, commit, tag. */
public final class GitRepoFixture implements AutoCloseable {

    private final Path dir;
    private final Git git;

    private GitRepoFixture(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    public static GitRepoFixture create(Path dir) {
        try {
            Files.createDirectories(dir);
            Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
            return new GitRepoFixture(dir, git);
        } catch (GitAPIException | IOException e) {
            throw new IllegalStateException("cannot create a git repository in " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public GitRepoFixture write(String path, String content) {
        return write(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public GitRepoFixture write(String path, byte[] content) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public GitRepoFixture executable(String path) {
        try {
            Files.setPosixFilePermissions(dir.resolve(path), PosixFilePermissions.fromString("rwxr-xr-x"));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public GitRepoFixture symlink(String path, String target) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stages everything (including deletions) and commits; returns the commit id. */
    public String commit(String message) {
        try {
            git.add().addFilepattern(".").call();
            git.add().addFilepattern(".").setUpdate(true).call();
            PersonIdent who = new PersonIdent("Layercake Test", "test@layercake.dev", Instant.parse("2026-01-01T00:00:00Z"), TimeZone.getTimeZone("UTC").toZoneId());
            RevCommit c = git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
            return c.getName();
        } catch (GitAPIException e) {
            throw new IllegalStateException("commit failed", e);
        }
    }

    public void tag(String name) {
        try {
            git.tag().setName(name).setAnnotated(false).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("tag failed", e);
        }
    }

    /** Extracts {@code git archive} of a commit (the git CLI's own view) into {@code into}. */
    public void gitArchive(String commit, Path into) {
        try {
            Files.createDirectories(into);
            Path tar = Files.createTempFile("archive-", ".tar");
            run(dir, "git", "archive", "--format=tar", "-o", tar.toString(), commit);
            run(into, "tar", "-xf", tar.toString());
            Files.delete(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String run(Path cwd, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(cwd.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A small release: every kind of file Layercake captures by default, plus files it leaves out. */
    public GitRepoFixture sampleRelease() {
        write("services/api/Dockerfile", """
                ARG BASE=registry.example.com/base/go:1.22
                FROM --platform=$BUILDPLATFORM ${BASE} AS build
                RUN go build -o /out/api .
                FROM build AS test
                RUN go test ./...
                FROM gcr.io/distroless/static:nonroot
                COPY --from=build /out/api /api
                COPY --from=registry.example.com/tools/certs:2 /certs /certs
                """);
        write("services/web/Containerfile", "FROM scratch\nCOPY index.html /\n");
        write("services/web/web.dockerfile", "FROM nginx:1.27 AS serve\n");
        write("services/api/main.go", "package main\nfunc main() {}\n");
        write("infra/main.tf", "resource \"null_resource\" \"x\" {}\n");
        write("infra/prod.tfvars", "environment = \"prod\"\n");
        write("infra/.terraform.lock.hcl", "# lock\n");
        write("charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: \"2.0.1\"\n");
        write("charts/shop/values.yaml", "api:\n  image:\n    repository: registry.example.com/shop/api\n    tag: \"\"\n");
        write("charts/shop/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n");
        write("kustomize/base/kustomization.yaml", "resources:\n  - app.yaml\nconfigMapGenerator:\n  - name: cfg\n    files:\n      - settings=config.properties\n");
        write("kustomize/base/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");
        write("kustomize/base/config.properties", "a=1\n");
        write("k8s/deploy.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          image: registry.example.com/shop/web:1.0
                        - name: sidecar
                          image: registry.example.com/shop/web:1.0
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                """);
        write("k8s/not-k8s.yaml", "just: a config\n");
        write("Jenkinsfile", "pipeline { agent any; stages { stage('x') { steps { echo 'hi' } } } }\n");
        write("tekton/run.yaml", "apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\n");
        write("scripts/deploy.sh", "#!/bin/sh\necho deploy\n");
        executable("scripts/deploy.sh");
        write("README.md", "# sample\n");
        return this;
    }

    public List<String> lsFiles() {
        String out = run(dir, "git", "ls-files");
        List<String> files = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                files.add(l.trim());
            }
        }
        return files;
    }

    @Override
    public void close() {
        git.close();
    }
}
