package dev.layercake.kube;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (run by benchmarks/kube/run.sh, not a test): layercake's capture of N objects against
 * {@code kubectl get -o json} of the same objects from the same mock server, alternating, one warm-up
 * each, then the median of the timed runs and the ratio. Args: objects (5000), runs (5), kubectl path.
 */
public final class KubeCaptureBenchmark {

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String kubectl = args.length > 2 ? args[2] : "/usr/bin/kubectl";
        Path work = args.length > 3 ? Files.createTempDirectory(Path.of(args[3]), "layercake-kube-bench")
                : Files.createTempDirectory("layercake-kube-bench");
        try (KubernetesMockServerFixture server = KubernetesMockServerFixture.start()) {
            KubernetesClient client = server.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
            populate(client, objects);
            Path kubeconfig = server.writeKubeconfig(work.resolve("kubeconfig"), "bench");
            Path cacheDir = work.resolve("kubectl-cache");
            String label = "app.kubernetes.io/part-of=bench";
            List<String> kubectlCommand = List.of(kubectl, "--kubeconfig", kubeconfig.toString(), "--cache-dir", cacheDir.toString(),
                    "get", "configmaps,services,deployments", "-n", "bench", "-l", label, "-o", "json");

            List<Long> ours = new ArrayList<>();
            List<Long> again = new ArrayList<>();
            List<Long> theirs = new ArrayList<>();
            int captured = 0;
            long kubectlBytes = 0;
            KubernetesOptions options = new KubernetesOptions(kubeconfig.toString(), null, List.of("bench"), List.of(label),
                    KubernetesOptions.SKIP, null, null);
            for (int i = 0; i <= runs; i++) {
                ReleaseStore store = ReleaseStore.open(StoreLocation.parse(work.resolve("store-" + i).toString()));
                long t0 = System.nanoTime();
                KubernetesSection section = KubernetesCaptureStep.capture(options, "bench", store, Access.fromEnvironment(Map.of()),
                        ProgressListener.NONE, null, (ref, foundIn) -> { });
                // the manifest names the objects: the next release finds them through it
                store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "bench", "r1", "2026-12-01T00:00:00Z", null, null, null,
                        List.of(), section));
                long t1 = System.nanoTime();
                captured = section.resources().size();
                // the next release of an unchanged app: same store, every object already stored (in the last release's pack)
                KubernetesCaptureStep.capture(options, "bench", store, Access.fromEnvironment(Map.of()), ProgressListener.NONE, null, (ref, foundIn) -> { });
                long t1b = System.nanoTime();

                Path out = work.resolve("kubectl-" + i + ".json");
                long t2 = System.nanoTime();
                Process p = new ProcessBuilder(kubectlCommand).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                int code = p.waitFor();
                long t3 = System.nanoTime();
                if (code != 0) {
                    throw new IllegalStateException("kubectl exited " + code);
                }
                kubectlBytes = Files.size(out);
                if (i > 0) {
                    ours.add((t1 - t0) / 1_000_000);
                    again.add((t1b - t1) / 1_000_000);
                    theirs.add((t3 - t2) / 1_000_000);
                }
                System.out.printf("run %d%s: layercake %5d ms (into a fresh store), %5d ms (next release, same store)   kubectl %5d ms%n",
                        i, i == 0 ? " (warm-up, not counted)" : "", (t1 - t0) / 1_000_000, (t1b - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            }
            long a = median(ours);
            long a2 = median(again);
            long b = median(theirs);
            System.out.println();
            System.out.printf("%-52s %12s %10s %8s%n", "capture of " + objects + " objects, median of " + runs, "layercake", "kubectl", "ratio");
            System.out.printf("%-52s %9d ms %7d ms %7.2fx%n", "into a fresh store (" + captured + " objects, 1 pack)", a, b, (double) a / b);
            System.out.printf("%-52s %9d ms %7d ms %7.2fx%n", "next release, same store (all stored, skipped)", a2, b, (double) a2 / b);
            System.out.printf("kubectl output: %d KiB of JSON in one file, no fsync; target ratio <= 1.0x%n", kubectlBytes / 1024);
            if (captured != objects + 1) {
                throw new IllegalStateException("captured " + captured + " objects, expected " + objects + " and their Namespace");
            }
        } finally {
            deleteTree(work.toFile());
        }
    }

    private static void populate(KubernetesClient client, int objects) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < objects; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    String name = "obj-" + n;
                    Map<String, String> labels = Map.of("app.kubernetes.io/part-of", "bench", "app", "a" + (n % 50));
                    switch (n % 5) {
                        case 0 -> client.apps().deployments().inNamespace("bench").resource(new DeploymentBuilder().withNewMetadata()
                                .withName(name).withLabels(labels).endMetadata().withNewSpec().withReplicas(1).withNewSelector()
                                .addToMatchLabels("app", "a" + (n % 50)).endSelector().withNewTemplate().withNewMetadata()
                                .addToLabels("app", "a" + (n % 50)).endMetadata().withNewSpec().addNewContainer().withName("c")
                                .withImage("registry.example.com/bench/app:" + (n % 50)).endContainer().endSpec().endTemplate()
                                .endSpec().build()).create();
                        case 1 -> client.services().inNamespace("bench").resource(new ServiceBuilder().withNewMetadata().withName(name)
                                .withLabels(labels).endMetadata().withNewSpec().addToSelector("app", "a" + (n % 50)).addNewPort()
                                .withPort(80).endPort().endSpec().build()).create();
                        default -> client.configMaps().inNamespace("bench").resource(new ConfigMapBuilder().withNewMetadata()
                                .withName(name).withLabels(labels).endMetadata().addToData("index", Integer.toString(n))
                                .addToData("payload", "x".repeat(200)).build()).create();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteTree(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }
}
