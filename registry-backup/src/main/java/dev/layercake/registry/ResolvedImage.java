package dev.layercake.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image pinned to its digest, with everything a copy needs: the root manifest or index (raw bytes),
 * the platform manifests below an index, the unique blobs (configs, layers), the platforms, and the
 * artifacts attached to it (signatures, SBOMs, attestations), each itself a resolved image.
 *
 * @param tag        the tag to push the root under at a destination, or null to push by digest only
 * @param attachedBy for a referrer: how it was found, {@code referrers-api} or {@code tag}; null otherwise
 */
public record ResolvedImage(ImageRef ref, ImageSource source, ManifestDoc root, List<ManifestDoc> children,
                            List<Descriptor> blobs, List<String> platforms, List<ResolvedImage> referrers,
                            String tag, String attachedBy) {

    public ResolvedImage {
        children = List.copyOf(children);
        blobs = List.copyOf(blobs);
        platforms = List.copyOf(platforms);
        referrers = List.copyOf(referrers);
    }

    public String digest() {
        return root.digest();
    }

    /** Every manifest of this image: platform manifests first, then the root (the order to push them). */
    public List<ManifestDoc> manifestsInPushOrder() {
        List<ManifestDoc> out = new ArrayList<>(children);
        out.add(root);
        return out;
    }

    /** Manifest bytes plus blob sizes, each counted once (referrers not included). */
    public long size() {
        long size = 0;
        for (ManifestDoc m : manifestsInPushOrder()) {
            size += m.size();
        }
        for (Descriptor b : blobs) {
            size += Math.max(0, b.size());
        }
        return size;
    }

    /** Every piece of content, manifests then blobs, each once (referrers not included). */
    public List<Descriptor> content() {
        Map<String, Descriptor> out = new LinkedHashMap<>();
        for (ManifestDoc m : manifestsInPushOrder()) {
            out.putIfAbsent(m.digest(), m.descriptor());
        }
        for (Descriptor b : blobs) {
            out.putIfAbsent(b.digest(), b);
        }
        return List.copyOf(out.values());
    }

    public ResolvedImage withReferrers(List<ResolvedImage> found) {
        return new ResolvedImage(ref, source, root, children, blobs, platforms, found, tag, attachedBy);
    }

    /**
     * Walks a root manifest: an index's platform manifests (nested indexes too) and every manifest's
     * config and layers. Each child manifest is fetched by digest and checked against it.
     */
    public static ResolvedImage walk(ImageRef ref, ImageSource source, ManifestDoc root, String tag, String attachedBy) {
        List<ManifestDoc> children = new ArrayList<>();
        Map<String, Descriptor> blobs = new LinkedHashMap<>();
        List<String> platforms = new ArrayList<>();
        walk(source, root, children, blobs, platforms, 0);
        return new ResolvedImage(ref, source, root, children, List.copyOf(blobs.values()), platforms, List.of(), tag, attachedBy);
    }

    private static void walk(ImageSource source, ManifestDoc doc, List<ManifestDoc> children, Map<String, Descriptor> blobs,
                             List<String> platforms, int depth) {
        if (depth > 4) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "indexes nested deeper than 4 levels in " + source.describe());
        }
        if (doc.isIndex()) {
            for (Descriptor d : doc.manifests()) {
                if (!MediaTypes.isAnyManifest(d.mediaType()) && d.mediaType() != null) {
                    continue; // an index may list non-manifest artifacts; only manifests are content of the image
                }
                ManifestDoc child = source.manifest(d.digest());
                if (d.size() >= 0 && d.size() != child.size()) {
                    throw new RegistryException(RegistryException.Kind.CORRUPT, "manifest " + d.digest() + " in "
                            + source.describe() + " is " + child.size() + " bytes but its index says " + d.size());
                }
                if (d.platform() != null && !platforms.contains(d.platform()) && !d.platform().equals("unknown/unknown")) {
                    platforms.add(d.platform());
                }
                walk(source, child, children, blobs, platforms, depth + 1);
                if (children.stream().noneMatch(c -> c.digest().equals(child.digest()))) {
                    children.add(child);
                }
            }
        } else {
            for (Descriptor b : doc.blobs()) {
                blobs.putIfAbsent(b.digest(), b);
            }
        }
    }
}
