package dev.layercake.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pins references to digests and finds everything an image is made of, plus what is attached to it:
 * OCI 1.1 referrers, or where the registry does not serve that API, the cosign-style tags
 * {@code sha256-<hex>.sig}, {@code .att} and {@code .sbom}.
 */
public final class ImageResolver {

    /** Suffixes of the tag scheme for attached artifacts, as cosign writes them. */
    public static final List<String> ATTACHMENT_TAG_SUFFIXES = List.of(".sig", ".att", ".sbom");

    private final RegistryClient client;

    public ImageResolver(RegistryClient client) {
        this.client = client;
    }

    /** Resolves a reference to its digest and content (without attachments). */
    public ResolvedImage resolve(ImageRef ref) {
        ManifestDoc root = client.getManifest(ref);
        RegistrySource source = RegistrySource.of(client, ref);
        return ResolvedImage.walk(ref.withDigest(root.digest()), source, root, ref.digest() == null ? ref.tag() : null, null);
    }

    /** Resolves a reference and the artifacts attached to it (one level: signatures of the image, not of signatures). */
    public ResolvedImage resolveWithReferrers(ImageRef ref) {
        ResolvedImage image = resolve(ref);
        return image.withReferrers(referrers(image));
    }

    public List<ResolvedImage> referrers(ResolvedImage image) {
        ImageRef ref = image.ref();
        List<ResolvedImage> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Optional<List<Descriptor>> api = client.referrers(ref.registry(), ref.repository(), image.digest());
        if (api.isPresent()) {
            for (Descriptor d : api.get()) {
                if (seen.add(d.digest())) {
                    ImageRef r = ref.withDigest(d.digest());
                    ManifestDoc doc = client.getManifest(r);
                    out.add(ResolvedImage.walk(r, image.source(), doc, null, "referrers-api"));
                }
            }
        }
        String hexTag = "sha256-" + image.digest().substring("sha256:".length());
        // One tag listing answers for all three suffixes; HEADs only when the listing is paginated.
        Optional<List<String>> tags = client.tagsFirstPage(ref.registry(), ref.repository());
        for (String suffix : ATTACHMENT_TAG_SUFFIXES) {
            ImageRef tagged = ref.withTag(hexTag + suffix);
            boolean exists = tags.isPresent() ? tags.get().contains(tagged.tag()) : client.headManifest(tagged).isPresent();
            if (exists) {
                ManifestDoc doc = client.getManifest(tagged);
                if (seen.add(doc.digest())) {
                    out.add(ResolvedImage.walk(tagged.withDigest(doc.digest()), image.source(), doc, tagged.tag(), "tag"));
                }
            }
        }
        return out;
    }
}
