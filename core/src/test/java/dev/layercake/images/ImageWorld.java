package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.PodmanImages;
import dev.layercake.testing.RegistryFixture;
import org.eclipse.jgit.api.Git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The images the image tests back up, built once per test class with podman: a base of two layers, two
 * apps on that base (shared layers), a two-platform manifest list, and a signature-like artifact pushed
 * under the cosign tag of app1. Plus a git checkout whose Dockerfile names an unreachable public image.
 */
final class ImageWorld implements AutoCloseable {

    final PodmanImages podman;
    final Path work;
    final Path checkout;

    ImageWorld() throws Exception {
        podman = PodmanImages.create();
        work = Files.createTempDirectory("layercake-images-");
        podman.build("localhost/lc-base:1", "scratch", null, PodmanImages.files("base", 300_000, "base-a", "base-b"));
        podman.build("localhost/lc-app1:1", "localhost/lc-base:1", null, PodmanImages.files("app1", 60_000, "app1-bin"));
        podman.build("localhost/lc-app2:1", "localhost/lc-base:1", null, PodmanImages.files("app2", 60_000, "app2-bin"));
        podman.build("localhost/lc-multi-amd64:1", "scratch", "linux/amd64", PodmanImages.files("amd64", 40_000, "multi-bin"));
        podman.build("localhost/lc-multi-arm64:1", "scratch", "linux/arm64", PodmanImages.files("arm64", 40_000, "multi-bin"));
        podman.build("localhost/lc-sig:1", "scratch", null, Map.of("signature.json",
                "{\"critical\":{\"type\":\"cosign container image signature\"}}".getBytes()));
        checkout = work.resolve("checkout");
        Files.createDirectories(checkout);
        Files.writeString(checkout.resolve("Dockerfile"), "FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n");
        try (Git git = Git.init().setDirectory(checkout.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("app").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
        }
    }

    /** Pushes the images to {@code registry} under demo/; returns refs by short name (base, app1, app2, multi). */
    Map<String, String> pushAll(RegistryFixture registry) {
        Map<String, String> refs = new LinkedHashMap<>();
        String host = registry.host();
        for (String name : List.of("base", "app1", "app2")) {
            String ref = host + "/demo/" + name + ":1";
            podman.push("localhost/lc-" + name + ":1", ref);
            refs.put(name, ref);
        }
        String multi = host + "/demo/multi:1";
        podman.pushManifestList("localhost/lc-multi-list-" + registry.host().replace(':', '-') + ":1",
                List.of("localhost/lc-multi-amd64:1", "localhost/lc-multi-arm64:1"), multi);
        refs.put("multi", multi);
        String app1Digest = PodmanImages.skopeoDigest(refs.get("app1"));
        String sigTag = host + "/demo/app1:sha256-" + app1Digest.substring(7) + ".sig";
        podman.push("localhost/lc-sig:1", sigTag);
        refs.put("sig", sigTag);
        return refs;
    }

    Path newStore() throws Exception {
        return Files.createTempDirectory(work, "store-");
    }

    /** An environment without docker credentials, or with DOCKER_CONFIG pointing at {@code dockerConfig}. */
    Map<String, String> env(Path dockerConfig) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", work.resolve("home").toString());
        if (dockerConfig != null) {
            env.put("DOCKER_CONFIG", dockerConfig.toString());
        }
        return env;
    }

    static UnaryOperator<RegistryOptions> fastRetries() {
        return o -> o.withRetries(3, Duration.ofMillis(20));
    }

    BackupResult backup(Path store, String release, List<String> images, ImageOptions.Mode mode, String target, List<String> insecure,
                        ProgressListener listener, UnaryOperator<RegistryOptions> tuning, Path dockerConfig) {
        return backup(store, release, images, mode, target, insecure, listener, tuning, dockerConfig, null);
    }

    BackupResult backup(Path store, String release, List<String> images, ImageOptions.Mode mode, String target, List<String> insecure,
                        ProgressListener listener, UnaryOperator<RegistryOptions> tuning, Path dockerConfig, FreezeOptions freeze) {
        BackupRequest request = new BackupRequest(StoreLocation.parse(store.toString()), "shop", release,
                new SourceOptions(checkout.toString(), null, List.of(), List.of(), false), null,
                // allowIncomplete: the checkout's base image golang:1.22 is out of reach on purpose; it is recorded as missing.
                new ImageOptions(images, mode, target, insecure), null, freeze, true);
        return new BackupEngine(List.of(new ImageBackupStep(tuning)), Access.fromEnvironment(env(dockerConfig)), Clock.systemUTC()).backup(request, listener);
    }

    /** A listener that keeps warnings and infos for assertions. */
    static class Recorder implements ProgressListener {
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final List<String> infos = new CopyOnWriteArrayList<>();
        final List<Long> progress = new CopyOnWriteArrayList<>();

        @Override
        public void warn(String message) {
            warnings.add(message);
        }

        @Override
        public void info(String message) {
            infos.add(message);
        }

        @Override
        public void progress(String phase, long done, long total, String unit) {
            progress.add(done);
        }

        List<String> all() {
            List<String> all = new ArrayList<>(warnings);
            all.addAll(infos);
            return all;
        }
    }

    @Override
    public void close() {
        podman.close();
        try (var s = Files.walk(work)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // temp clean-up
        }
    }
}
