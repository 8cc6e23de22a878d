package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.CopyListener;
import dev.layercake.registry.ImageCopier;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ImageResolver;
import dev.layercake.registry.ImageSink;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.OciLayoutSink;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.registry.RegistrySink;
import dev.layercake.registry.ResolvedImage;
import dev.layercake.store.ReleaseStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts a release's images back: {@code restore --images-to registry/prefix} pushes each image (with its
 * attached artifacts) from the release store to the registry, manifest bytes unchanged so every digest is
 * identical; images kept only in a backup registry are copied from there. Or exports them as an OCI image
 * layout directory.
 */
public final class ImageRestore {

    /** One image put back: the reference as recorded, its digest, and where it now is. */
    public record RestoredImage(String ref, String digest, String pushedTo) {
    }

    private final RegistryOptions options;

    public ImageRestore(RegistryOptions options) {
        this.options = options;
    }

    /** Registry access from the environment (docker config credentials) and the restore's insecure hosts. */
    public static ImageRestore create(Access access, List<String> insecureRegistries) {
        return new ImageRestore(access.registryOptions(insecureRegistries));
    }

    /** {@code --images-to oci:DIR} writes an OCI image layout directory instead of pushing to a registry. */
    public static final String OCI_LAYOUT_PREFIX = "oci:";

    /**
     * Pushes every image of {@code manifest} under {@code imagesTo} ({@code registry[/prefix]}), or, for
     * {@code oci:DIR}, writes them as an OCI image layout there.
     */
    public List<RestoredImage> restore(ReleaseStore store, Manifest manifest, String imagesTo, ProgressListener listener) {
        if (imagesTo != null && imagesTo.startsWith(OCI_LAYOUT_PREFIX)) {
            Path dir = Path.of(imagesTo.substring(OCI_LAYOUT_PREFIX.length()));
            exportOciLayout(store, manifest, dir, listener);
            List<RestoredImage> out = new ArrayList<>();
            for (ImageEntry e : manifest.images()) {
                if (!e.blobs().isEmpty()) {
                    out.add(new RestoredImage(e.ref(), e.digest().toString(), imagesTo));
                }
            }
            listener.info(out.size() + " image(s) written as an OCI image layout to " + dir);
            return out;
        }
        ImageRef target;
        try {
            target = ImageRef.parseTarget(imagesTo);
        } catch (RegistryException e) {
            throw LayercakeException.usage("--images-to: " + e.getMessage());
        }
        RegistryClient client = new RegistryClient(options);
        RegistrySink sink = new RegistrySink(client, target);
        List<RestoredImage> out = new ArrayList<>();
        for (ImageEntry entry : manifest.images()) {
            ResolvedImage image = load(store, entry, client, listener);
            if (image == null) {
                continue;
            }
            copy(List.of(image), sink, "restoring image " + entry.ref());
            String pushed = sink.destination(image.ref()).name() + (image.tag() != null ? ":" + image.tag() : "") + "@" + image.digest();
            listener.info("image " + entry.ref() + " restored to " + pushed);
            out.add(new RestoredImage(entry.ref(), image.digest(), pushed));
        }
        return out;
    }

    /** Writes every image of {@code manifest} kept in the store as one OCI image layout directory. */
    public Path exportOciLayout(ReleaseStore store, Manifest manifest, Path dir, ProgressListener listener) {
        OciLayoutSink sink = new OciLayoutSink(dir);
        RegistryClient client = new RegistryClient(options);
        for (ImageEntry entry : manifest.images()) {
            ResolvedImage image = load(store, entry, client, listener);
            if (image != null) {
                copy(List.of(image), sink, "exporting image " + entry.ref());
            }
        }
        return sink.finish();
    }

    /** The image as a copy source: from the store when kept there, else from its backup registry copy. */
    private ResolvedImage load(ReleaseStore store, ImageEntry entry, RegistryClient client, ProgressListener listener) {
        ImageRef ref;
        try {
            ref = ImageBackupStep.refOf(entry.ref());
        } catch (RegistryException e) {
            throw LayercakeException.corrupt("the release records image '" + entry.ref() + "', which is not a valid reference");
        }
        try {
            if (!entry.blobs().isEmpty()) {
                return fromStore(store, entry, ref);
            }
            for (ImageCopy c : entry.copies()) {
                if (c.type().equals(ImageCopy.REGISTRY)) {
                    ResolvedImage image = new ImageResolver(client).resolveWithReferrers(ImageRef.parse(c.location()));
                    // Keep the original repository path and tag for the destination.
                    return new ResolvedImage(ref.withDigest(image.digest()), image.source(), image.root(), image.children(),
                            image.blobs(), image.platforms(), image.referrers(), ref.digest() == null ? ref.tag() : null, null);
                }
            }
        } catch (RegistryException e) {
            throw RegistryErrors.toLayercake(e, "image " + entry.ref());
        }
        listener.warn("image " + entry.ref() + " was recorded digest-only (" + entry.digest() + "); it has no copy to restore");
        return null;
    }

    private static ResolvedImage fromStore(ReleaseStore store, ImageEntry entry, ImageRef ref) {
        StoreImageSource source = new StoreImageSource(store);
        ManifestDoc root = source.manifest(entry.digest().toString());
        String tag = ref.digest() == null ? ref.tag() : null;
        ResolvedImage image = ResolvedImage.walk(ref.withDigest(root.digest()), source, root, tag, null);
        List<ResolvedImage> referrers = new ArrayList<>();
        for (ImageEntry r : entry.referrers()) {
            if (r.blobs().isEmpty()) {
                continue;
            }
            ImageRef rref = ImageRef.parse(r.ref());
            ManifestDoc doc = source.manifest(r.digest().toString());
            referrers.add(ResolvedImage.walk(rref.withDigest(doc.digest()), source, doc, rref.digest() == null ? rref.tag() : null,
                    r.foundIn().isEmpty() ? "tag" : r.foundIn().get(0)));
        }
        return image.withReferrers(referrers);
    }

    private void copy(List<ResolvedImage> images, ImageSink sink, String what) {
        try {
            new ImageCopier(options.parallelism()).copy(images, sink, CopyListener.NONE);
        } catch (RegistryException e) {
            throw RegistryErrors.toLayercake(e, what);
        }
    }
}
