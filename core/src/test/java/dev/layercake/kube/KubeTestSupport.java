package dev.layercake.kube;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared steps of the Kubernetes tests: capture into a release, with a recording listener. */
final class KubeTestSupport {

    private KubeTestSupport() {
    }

    static final class Recorder implements ProgressListener {
        final List<String> infos = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        @Override
        public synchronized void info(String message) {
            infos.add(message);
        }

        @Override
        public synchronized void warn(String message) {
            warnings.add(message);
        }
    }

    record Captured(Manifest manifest, Digest digest, Map<String, List<String>> images) {
    }

    /** Captures and writes a release holding only the Kubernetes section. */
    static Captured backup(ReleaseStore store, String app, String release, KubernetesOptions options, Map<String, String> env,
                           SourceSection source, ProgressListener listener) {
        Map<String, List<String>> images = new LinkedHashMap<>();
        KubernetesSection section = KubernetesCaptureStep.capture(options, app, store, Access.fromEnvironment(env), listener, source,
                (ref, foundIn) -> images.computeIfAbsent(ref, k -> new ArrayList<>()).add(foundIn));
        Manifest manifest = new Manifest(Manifest.SCHEMA_VERSION, app, release, "2026-11-25T06:00:00Z", null, null, source,
                List.of(), section);
        Digest digest = store.writeManifest(manifest);
        return new Captured(manifest, digest, images);
    }
}
