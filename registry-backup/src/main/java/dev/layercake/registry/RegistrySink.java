package dev.layercake.registry;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Copies into a registry under {@code registry/prefix}, each image keeping its repository path below the
 * prefix. Before uploading a blob: skip it when the repository has it (HEAD); mount it when the source is
 * the same registry, or when this session already put it into another repository there; upload otherwise.
 * Concurrent copies of one blob to several repositories upload it once and mount it elsewhere.
 */
public final class RegistrySink implements ImageSink {

    private final RegistryClient client;
    private final ImageRef target;
    /** digest → the repository of the target registry it was first put into (completes when done). */
    private final Map<String, CompletableFuture<String>> placed = new ConcurrentHashMap<>();
    private final Set<String> present = ConcurrentHashMap.newKeySet();

    public RegistrySink(RegistryClient client, ImageRef target) {
        this.client = client;
        this.target = target;
    }

    /** A sink for {@code registry[/prefix]}. */
    public static RegistrySink of(RegistryClient client, String target) {
        return new RegistrySink(client, ImageRef.parseTarget(target));
    }

    @Override
    public String describe() {
        return target.registry() + (target.repository().isEmpty() ? "" : "/" + target.repository());
    }

    /** Where an image lands: its repository path under the target prefix. */
    public ImageRef destination(ImageRef source) {
        return source.under(target);
    }

    @Override
    public boolean hasImage(ResolvedImage image) {
        ImageRef dest = destination(image.ref());
        ImageRef probe = image.tag() != null ? dest.withTag(image.tag()) : dest.withDigest(image.digest());
        return client.headManifest(probe).map(d -> image.digest().equals(d.digest())).orElse(false);
    }

    @Override
    public boolean verifiesContent() {
        return true; // the registry checks digest and size of every upload
    }

    @Override
    public long putBlob(ResolvedImage image, Descriptor blob, RegistryClient.ContentOpener content) {
        String repo = destination(image.ref()).repository();
        String key = repo + "@" + blob.digest();
        if (present.contains(key)) {
            return 0;
        }
        // Already placed in another repository of this registry in this session: one mount request answers
        // (201 whether the blob was linked now or was there already); no HEAD first.
        CompletableFuture<String> known = placed.get(blob.digest());
        if (known != null && known.isDone()) {
            String fromRepo = await(known);
            if (fromRepo != null && !fromRepo.equals(repo) && client.mountBlob(target.registry(), repo, blob.digest(), fromRepo)) {
                present.add(key);
                return 0;
            }
        }
        OptionalLong size = client.blobSize(target.registry(), repo, blob.digest());
        if (size.isPresent()) {
            present.add(key);
            return 0;
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> first = placed.putIfAbsent(blob.digest(), mine);
        if (first != null) {
            String fromRepo = await(first);
            if (fromRepo != null && !fromRepo.equals(repo) && client.mountBlob(target.registry(), repo, blob.digest(), fromRepo)) {
                present.add(key);
                return 0;
            }
            if (fromRepo != null && fromRepo.equals(repo)) {
                return 0;
            }
        }
        try {
            long sent = 0;
            boolean mounted = image.ref().registry().equals(target.registry())
                    && !image.ref().repository().equals(repo)
                    && client.mountBlob(target.registry(), repo, blob.digest(), image.ref().repository());
            if (!mounted) {
                client.pushBlob(target.registry(), repo, blob, content);
                sent = Math.max(0, blob.size());
            }
            present.add(key);
            if (first == null) {
                mine.complete(repo);
            }
            return sent;
        } catch (RuntimeException e) {
            if (first == null) {
                placed.remove(blob.digest(), mine);
                mine.complete(null);
            }
            throw e;
        }
    }

    @Override
    public void putManifest(ResolvedImage image, ManifestDoc manifest, String tag) {
        String repo = destination(image.ref()).repository();
        client.putManifest(target.registry(), repo, tag != null ? tag : manifest.digest(), manifest);
    }

    private static String await(CompletableFuture<String> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted", e);
        } catch (ExecutionException e) {
            return null;
        }
    }
}
