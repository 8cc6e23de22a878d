import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.StoreLocation;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one real Layercake backup (the engine with its default steps, as the CLI does) and prints one line
 * of numbers for benchmarks/images/run.sh:
 * {@code --store S --release R [--then-again R2] --source DIR [--target T] [--insecure H]... --image REF...};
 * {@code --then-again} runs the same backup once more in the same JVM (a warm Jenkins agent) and prints its time too.
 */
public final class ImageBackupBench {

    public static void main(String[] args) {
        String store = null, release = null, source = null, target = null, again = null;
        List<String> images = new ArrayList<>();
        List<String> insecure = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--store" -> store = args[i + 1];
                case "--release" -> release = args[i + 1];
                case "--then-again" -> again = args[i + 1];
                case "--source" -> source = args[i + 1];
                case "--target" -> target = args[i + 1];
                case "--insecure" -> insecure.add(args[i + 1]);
                case "--image" -> images.add(args[i + 1]);
                case "--registry-only" -> {
                    registryOnly(args[i + 1], images, insecure);
                    return;
                }
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        String[] uploaded = {"0"};
        long start = System.nanoTime();
        boolean timings = System.getenv("BENCH_TIMINGS") != null;
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String name) {
                if (timings) {
                    System.err.println((System.nanoTime() - start) / 1_000_000 + " ms: phase " + name);
                }
            }

            @Override
            public void info(String message) {
                if (timings) {
                    System.err.println((System.nanoTime() - start) / 1_000_000 + " ms: " + message);
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("; (\\d+) bytes uploaded to").matcher(message);
                if (m.find()) {
                    uploaded[0] = m.group(1);
                }
            }

            @Override
            public void warn(String message) {
                System.err.println("warning: " + message);
            }
        };
        BackupRequest request = new BackupRequest(StoreLocation.parse(store), "bench", release,
                new SourceOptions(source, null, List.of(), List.of(), false), null,
                new ImageOptions(images, ImageOptions.COPY, target, insecure), null, null);
        // jgit measures the file system's timestamp resolution on first use (about 2 s here); the CLI should
        // do the same as this driver and let it run in the background.
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
        long t0 = System.nanoTime();
        BackupResult r = new BackupEngine().backup(request, listener);
        long engineMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("engine_ms=" + engineMs + " images=" + r.images() + " store_blobs_written=" + r.blobsWritten() + " store_bytes_written="
                + r.bytesWritten() + " store_blobs_skipped=" + r.blobsSkipped() + " registry_bytes_uploaded=" + uploaded[0]);
        if (again != null) {
            // The same backup again in this JVM, as a long-lived Jenkins agent runs the next release's backupApp step.
            BackupRequest next = new BackupRequest(request.store(), "bench", again, request.source(), null, request.images(), null, null);
            uploaded[0] = "0";
            long t1 = System.nanoTime();
            BackupResult r2 = new BackupEngine().backup(next, listener);
            System.out.println("warm_ms=" + (System.nanoTime() - t1) / 1_000_000 + " store_blobs_written=" + r2.blobsWritten()
                    + " registry_bytes_uploaded=" + uploaded[0]);
        }
        System.exit(0);
    }

    /**
     * The registry-backup module alone (no release store, no sources, no manifest): resolve and copy the
     * images to {@code target}, as skopeo does. Shows the client's own speed beside the full backup.
     */
    private static void registryOnly(String target, List<String> images, List<String> insecure) {
        long t0 = System.nanoTime();
        dev.layercake.registry.RegistryOptions options = dev.layercake.registry.RegistryOptions.defaults().withInsecure(insecure);
        dev.layercake.registry.RegistryClient client = new dev.layercake.registry.RegistryClient(options);
        dev.layercake.registry.ImageResolver resolver = new dev.layercake.registry.ImageResolver(client);
        List<dev.layercake.registry.ResolvedImage> resolved = images.parallelStream()
                .map(i -> resolver.resolveWithReferrers(dev.layercake.registry.ImageRef.parse(i))).toList();
        dev.layercake.registry.ImageCopier.Result r = new dev.layercake.registry.ImageCopier(options.parallelism())
                .copy(resolved, dev.layercake.registry.RegistrySink.of(client, target), dev.layercake.registry.CopyListener.NONE);
        System.out.println("engine_ms=" + (System.nanoTime() - t0) / 1_000_000 + " images=" + resolved.size()
                + " registry_bytes_uploaded=" + r.bytesTransferred());
        System.exit(0);
    }
}
