package dev.layercake.images;

import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.progress.ProgressListener;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ImageResolver;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.registry.ResolvedImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the backup-registry copies of a release's images: each recorded {@code registry} copy must
 * serve the manifest with the recorded digest (bytes re-hashed), every platform manifest, and every blob
 * (HEAD). Store copies are re-hashed by the store verify, through {@link Manifest#referencedBlobs()}.
 */
public final class ImageVerifier {

    private final RegistryOptions options;

    public ImageVerifier(RegistryOptions options) {
        this.options = options;
    }

    public static ImageVerifier create(Map<String, String> env, List<String> insecureRegistries) {
        return new ImageVerifier(RegistryAccess.options(env, insecureRegistries));
    }

    /** Problems found, one sentence each; empty when every registry copy is complete. */
    public List<String> verifyRegistryCopies(Manifest manifest, ProgressListener listener) {
        RegistryClient client = new RegistryClient(options);
        List<String> problems = new ArrayList<>();
        for (ImageEntry entry : manifest.images()) {
            verify(entry, client, problems, listener);
        }
        return problems;
    }

    private static void verify(ImageEntry entry, RegistryClient client, List<String> problems, ProgressListener listener) {
        for (ImageCopy copy : entry.copies()) {
            if (!copy.type().equals(ImageCopy.REGISTRY)) {
                continue;
            }
            try {
                ImageRef ref = ImageRef.parse(copy.location());
                if (!entry.digest().toString().equals(ref.digest())) {
                    problems.add("image " + entry.ref() + ": the registry copy " + copy.location() + " does not name digest " + entry.digest());
                    continue;
                }
                ResolvedImage image = new ImageResolver(client).resolve(ref);
                int missing = 0;
                for (Descriptor blob : image.blobs()) {
                    if (client.blobSize(ref.registry(), ref.repository(), blob.digest()).isEmpty()) {
                        missing++;
                        if (missing == 1) {
                            problems.add("image " + entry.ref() + ": blob " + blob.digest() + " is missing from " + ref.name());
                        }
                    }
                }
                if (missing > 1) {
                    problems.add("image " + entry.ref() + ": " + missing + " blobs in all are missing from " + ref.name());
                }
                if (missing == 0) {
                    listener.info("image " + entry.ref() + ": registry copy " + copy.location() + " is complete");
                }
            } catch (RegistryException e) {
                problems.add("image " + entry.ref() + ": registry copy " + copy.location() + ": " + e.getMessage());
            }
        }
        for (ImageEntry r : entry.referrers()) {
            verify(r, client, problems, listener);
        }
    }
}
