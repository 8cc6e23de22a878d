package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.capture.BackupContext;
import dev.layercake.capture.BackupStep;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.model.BlobRef;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.CopyListener;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.DockerArchive;
import dev.layercake.registry.DockerDaemon;
import dev.layercake.registry.ImageCopier;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ImageResolver;
import dev.layercake.registry.ImageSink;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.registry.RegistrySink;
import dev.layercake.registry.ResolvedImage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The images step, run last: pins every image candidate (given with {@code --image}, found in the
 * sources, used by live workloads) to its digest, then, in mode {@code copy}, copies each image with its
 * attached signatures/SBOMs into the release store as OCI content and, when {@code --image-target} is
 * given, into that registry, both with the original manifest bytes. Mode {@code digest-only} records
 * digests; {@code none} skips images.
 *
 * <p>Policy: an image given explicitly that cannot be resolved fails the backup (no release is written);
 * an image merely found in the sources that cannot be resolved (a public base image out of reach, say)
 * is a gap ({@link BackupContext#leftOut}): it fails the backup unless {@code --allow-incomplete}.
 */
public final class ImageBackupStep implements BackupStep {

    public static final String NAME = "images";
    public static final String EXPLICIT = "option";
    /** Where images are kept in the store, for {@link ImageCopy#location()}. */
    public static final String STORE_LOCATION = "blobs/sha256";

    private final UnaryOperator<RegistryOptions> tuning;

    public ImageBackupStep() {
        this(UnaryOperator.identity());
    }

    /** {@code tuning} adjusts the registry options derived from the request (retries, parallelism) — for tests and benchmarks. */
    public ImageBackupStep(UnaryOperator<RegistryOptions> tuning) {
        this.tuning = tuning;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(BackupContext ctx) {
        ImageOptions opts = ctx.request().images();
        ProgressListener listener = ctx.listener();
        Map<String, List<String>> candidates = ctx.imageCandidates();
        if (opts.mode().equals(ImageOptions.NONE)) {
            if (!candidates.isEmpty()) {
                listener.info("images: " + candidates.size() + " found, none pinned (--image-mode none)");
            }
            return;
        }
        if (candidates.isEmpty()) {
            return;
        }
        ImageRef target = null;
        if (opts.target() != null) {
            try {
                target = ImageRef.parseTarget(opts.target());
            } catch (RegistryException e) {
                throw LayercakeException.usage("--image-target: " + e.getMessage());
            }
        }
        RegistryOptions options = tuning.apply(ctx.access().registryOptions(opts.insecureRegistries()));
        RegistryClient client = new RegistryClient(options);
        boolean copy = opts.mode().equals(ImageOptions.COPY);

        Resolver resolver = new Resolver(new ImageResolver(client), ctx, copy);
        List<Pinned> pinned;
        try {
            pinned = resolve(candidates, resolver, options.parallelism(), listener, ctx);
        } finally {
            resolver.close();
        }
        if (copy && !pinned.isEmpty()) {
            copyAll(ctx, pinned, client, options, target);
        }
        List<ImageEntry> entries = new ArrayList<>();
        for (Pinned p : pinned) {
            entries.add(entry(p.text, p.foundIn, p.image, copy, target, options));
        }
        ctx.images(entries);
    }

    private record Pinned(String text, List<String> foundIn, ResolvedImage image) {
    }

    /** Resolves every candidate, several at once; results and errors are then handled in candidate order. */
    private static List<Pinned> resolve(Map<String, List<String>> candidates, Resolver resolver, int parallelism,
                                        ProgressListener listener, BackupContext gaps) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, candidates.size())), r -> {
            Thread t = new Thread(r, "layercake-image-resolve");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<ResolvedImage>> futures = new LinkedHashMap<>();
            for (String text : candidates.keySet()) {
                futures.put(text, pool.submit(() -> resolver.resolve(text)));
            }
            List<Pinned> out = new ArrayList<>();
            for (Map.Entry<String, Future<ResolvedImage>> f : futures.entrySet()) {
                String text = f.getKey();
                List<String> foundIn = candidates.get(text);
                try {
                    ResolvedImage image = get(f.getValue());
                    listener.info("image " + text + " -> " + image.digest() + (image.platforms().isEmpty() ? ""
                            : " (" + String.join(", ", image.platforms()) + ")")
                            + (image.referrers().isEmpty() ? "" : ", " + image.referrers().size() + " attached artifact(s)"));
                    out.add(new Pinned(text, foundIn, image));
                } catch (RegistryException e) {
                    if (foundIn.contains(EXPLICIT)) {
                        throw RegistryErrors.toLayercake(e, "image " + text);
                    }
                    gaps.leftOut("image " + text + " (found in " + String.join(", ", foundIn) + ")", "not pinned: " + e.getMessage()
                            + "; make it reachable (credentials in the docker config, --insecure-registry, LAYERCAKE_REGISTRY_CA),"
                            + " or --exclude the file it is found in", false);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Pins one candidate: a registry reference through the registry, a {@code docker-daemon:NAME} by
     * exporting it from the local Docker Engine (its content goes straight into the store in mode copy).
     */
    private static final class Resolver {
        private final ImageResolver registry;
        private final BackupContext ctx;
        private final boolean copy;
        private DockerDaemon daemon;

        Resolver(ImageResolver registry, BackupContext ctx, boolean copy) {
            this.registry = registry;
            this.ctx = ctx;
            this.copy = copy;
        }

        ResolvedImage resolve(String text) {
            if (!DockerDaemon.isDaemonRef(text)) {
                return registry.resolveWithReferrers(ImageRef.parse(text));
            }
            ImageRef name = DockerDaemon.nameOf(text);
            DockerArchive.BlobWriter writer = copy ? (in, mediaType) -> {
                BlobRef b = ctx.store().putStream(in, mediaType);
                return Descriptor.of(b.digest().toString(), b.size(), mediaType);
            } : ImageBackupStep::hashOnly;
            DockerArchive.Exported exported = daemon().export(text.substring(DockerDaemon.PREFIX.length()), writer);
            ResolvedImage image = ResolvedImage.walk(name.withDigest(exported.manifest().digest()), new StoreImageSource(ctx.store()),
                    exported.manifest(), name.digest() == null ? name.tag() : null, null);
            return new ResolvedImage(image.ref(), image.source(), image.root(), image.children(), image.blobs(),
                    exported.platform() == null ? List.of() : List.of(exported.platform()), List.of(), image.tag(), null);
        }

        private synchronized DockerDaemon daemon() {
            if (daemon == null) {
                daemon = DockerDaemon.connect(ctx.access().environment());
            }
            return daemon;
        }

        synchronized void close() {
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    /** Digest and size of a stream, content discarded (digest-only mode). */
    private static Descriptor hashOnly(java.io.InputStream in, String mediaType) {
        try {
            java.security.MessageDigest sha = Digest.newSha256();
            byte[] buf = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                size += n;
            }
            return Descriptor.of(Digest.fromRaw(sha.digest()).toString(), size, mediaType);
        } catch (java.io.IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "reading an exported image failed: " + e.getMessage(), e);
        }
    }

    /** The registry reference of a recorded image ref, {@code docker-daemon:} prefix or not. */
    public static ImageRef refOf(String text) {
        return DockerDaemon.isDaemonRef(text) ? DockerDaemon.nameOf(text) : ImageRef.parse(text);
    }

    private static ResolvedImage get(Future<ResolvedImage> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "interrupted while resolving images");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LayercakeException(LayercakeException.Kind.FAILED, "resolving an image failed: " + e.getCause(), e.getCause());
        }
    }

    private void copyAll(BackupContext ctx, List<Pinned> pinned, RegistryClient client, RegistryOptions options, ImageRef target) {
        List<ResolvedImage> images = pinned.stream().map(Pinned::image).toList();
        long total = 0;
        for (ResolvedImage image : images) {
            total += image.size();
            for (ResolvedImage r : image.referrers()) {
                total += r.size();
            }
        }
        ProgressListener listener = ctx.listener();
        long totalBytes = total;
        // Reported before the first transfer: a listener may rely on it to know copying has begun.
        listener.progress(NAME, 0, totalBytes, "bytes");
        AtomicLong done = new AtomicLong();
        CopyListener progress = (Descriptor blob, long transferred) ->
                listener.progress(NAME, done.addAndGet(Math.max(0, blob.size())), totalBytes, "bytes");
        ImageCopier copier = new ImageCopier(options.parallelism());
        // The store and the target registry are filled from one read of each source blob (ImageCopier's tee):
        // each destination checks and commits its own copy; no manifest goes anywhere before every blob is
        // in both.
        List<ImageSink> sinks = new ArrayList<>();
        List<CopyListener> listeners = new ArrayList<>();
        sinks.add(new StoreImageSink(ctx.store(), options.maxAttempts(), options.initialBackoff()));
        listeners.add(progress);
        if (target != null) {
            sinks.add(new RegistrySink(client, target));
            listeners.add(CopyListener.NONE);
        }
        List<ImageCopier.Result> results;
        try {
            results = copier.copy(images, sinks, listeners);
        } catch (RegistryException re) {
            throw RegistryErrors.toLayercake(re, "copying images");
        }
        ImageCopier.Result stored = results.get(0);
        listener.info("images: " + stored.blobs() + " blob(s), " + stored.bytesTransferred() + " bytes downloaded into the store"
                + (target == null ? "" : "; " + results.get(1).bytesTransferred() + " bytes uploaded to " + opts(target)));
    }

    private static String opts(ImageRef target) {
        return target.registry() + (target.repository().isEmpty() ? "" : "/" + target.repository());
    }

    private static ImageEntry entry(String text, List<String> foundIn, ResolvedImage image, boolean copy, ImageRef target,
                                    RegistryOptions access) {
        List<ImageCopy> copies = new ArrayList<>();
        List<BlobRef> blobs = new ArrayList<>();
        if (copy) {
            copies.add(new ImageCopy(ImageCopy.STORE, STORE_LOCATION));
            for (Descriptor d : image.content()) {
                blobs.add(new BlobRef(Digest.parse(d.digest()), d.size(), d.mediaType()));
            }
            if (target != null) {
                // How the registry was reached (not secrets): verify and restore reach it the same way without being told.
                copies.add(new ImageCopy(ImageCopy.REGISTRY, image.ref().under(target).name() + "@" + image.digest(),
                        access.isInsecure(target.registry()), !access.trustedCertificates().isEmpty()));
            }
        }
        List<ImageEntry> referrers = new ArrayList<>();
        for (ResolvedImage r : image.referrers()) {
            String refText = r.tag() != null ? r.ref().name() + ":" + r.tag() : r.ref().name() + "@" + r.digest();
            referrers.add(entry(refText, List.of(r.attachedBy()), r, copy, target, access));
        }
        return new ImageEntry(text, Digest.parse(image.digest()), image.root().mediaType(), image.platforms(), image.size(),
                foundIn, copies, blobs, referrers);
    }
}
