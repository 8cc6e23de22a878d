package dev.layercake.source;

import dev.layercake.model.ImageReference;
import dev.layercake.model.UnresolvedImage;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.RegistryException;

import java.util.List;

/**
 * The one check every image candidate found in the sources passes before it is listed as an image: the
 * docker reference grammar (registry-backup's {@link ImageRef}). Placeholders such as
 * {@code REGISTRY_PLACEHOLDER/app} or {@code gcr.io/@PROJECT@/x} fail it and are recorded as unresolved.
 */
final class ImageCandidates {

    private ImageCandidates() {
    }

    /** Why {@code ref} is not a valid image reference, or null when it is. */
    static String invalidReason(String ref) {
        try {
            ImageRef.parse(ref);
            return null;
        } catch (RegistryException e) {
            String m = e.getMessage();
            int colon = m.indexOf("is not a valid image reference: ");
            return colon < 0 ? m : "not a valid image reference: " + m.substring(colon + "is not a valid image reference: ".length());
        }
    }

    /** Moves every invalid reference of {@code images} to {@code unresolved}, keeping where it was found. */
    static void partition(List<ImageReference> found, List<ImageReference> images, List<UnresolvedImage> unresolved) {
        for (ImageReference r : found) {
            String why = invalidReason(r.ref());
            if (why == null) {
                images.add(r);
            } else {
                unresolved.add(new UnresolvedImage(r.ref(), r.file(), r.line(), why));
            }
        }
    }
}
