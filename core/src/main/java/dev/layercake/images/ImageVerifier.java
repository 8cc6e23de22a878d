package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ImageResolver;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.registry.ResolvedImage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the backup-registry copies of a release's images: each recorded {@code registry} copy must
 * serve the manifest with the recorded digest (bytes re-hashed), every platform manifest, and every blob
 * (HEAD). Store copies are re-hashed by the store verify, through {@link Manifest#referencedBlobs()}.
 * A registry the backup reached over plain HTTP (recorded on the copy) is reached so again, besides the hosts
 * given; each problem says whether the object is missing, corrupt, or could not be checked (unreachable,
 * unauthorized), and names the object itself.
 */
public final class ImageVerifier {

    /** A copy's status when it could not be checked as a whole. */
    public static final String MISSING = "missing";
    public static final String CORRUPT = "corrupt";
    public static final String UNREACHABLE = "unreachable";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String UNREADABLE = "unreadable";

    /**
     * One problem with one object of a registry copy. {@code object}: "image REF registry copy LOCATION" (plus
     * "blob DIGEST" for a blob); {@code digest}: that object's own digest; {@code status}: one of the constants.
     */
    public record CopyProblem(String object, String digest, String status, String detail) {
        @Override
        public String toString() {
            return status + ": " + object + " (" + digest + "): " + detail;
        }
    }

    private final RegistryOptions options;

    public ImageVerifier(RegistryOptions options) {
        this.options = options;
    }

    public static ImageVerifier create(Access access, List<String> insecureRegistries) {
        return new ImageVerifier(access.registryOptions(insecureRegistries));
    }

    /** Problems found, one sentence each; empty when every registry copy is complete. */
    public List<String> verifyRegistryCopies(Manifest manifest, ProgressListener listener) {
        return checkRegistryCopies(manifest, listener).stream().map(CopyProblem::toString).toList();
    }

    /** Problems found, each naming its object and status; empty when every registry copy is complete. */
    public List<CopyProblem> checkRegistryCopies(Manifest manifest, ProgressListener listener) {
        Set<String> insecure = new LinkedHashSet<>(options.insecureRegistries());
        for (ImageEntry entry : manifest.images()) {
            recordedPlainHttp(entry, insecure);
        }
        RegistryClient client = new RegistryClient(options.withInsecure(List.copyOf(insecure)));
        List<CopyProblem> problems = new ArrayList<>();
        for (ImageEntry entry : manifest.images()) {
            verify(entry, client, problems, listener, !options.trustedCertificates().isEmpty());
        }
        return problems;
    }

    private static void recordedPlainHttp(ImageEntry entry, Set<String> hosts) {
        for (ImageCopy copy : entry.copies()) {
            if (ImageCopy.REGISTRY.equals(copy.type()) && Boolean.TRUE.equals(copy.plainHttp())) {
                try {
                    hosts.add(ImageRef.parse(copy.location()).registry());
                } catch (RegistryException e) {
                    // reported by verify() below
                }
            }
        }
        entry.referrers().forEach(r -> recordedPlainHttp(r, hosts));
    }

    private static void verify(ImageEntry entry, RegistryClient client, List<CopyProblem> problems, ProgressListener listener,
                               boolean caGiven) {
        for (ImageCopy copy : entry.copies()) {
            if (!copy.type().equals(ImageCopy.REGISTRY)) {
                continue;
            }
            String object = "image " + entry.ref() + " registry copy " + copy.location();
            try {
                ImageRef ref = ImageRef.parse(copy.location());
                if (!entry.digest().toString().equals(ref.digest())) {
                    problems.add(new CopyProblem(object, entry.digest().toString(), CORRUPT,
                            "the recorded location does not name the image's digest"));
                    continue;
                }
                ResolvedImage image = new ImageResolver(client).resolve(ref);
                int missing = 0;
                for (Descriptor blob : image.blobs()) {
                    if (client.blobSize(ref.registry(), ref.repository(), blob.digest()).isEmpty()) {
                        missing++;
                        problems.add(new CopyProblem(object + " blob", blob.digest(), MISSING, "not in " + ref.name()));
                    }
                }
                if (missing == 0) {
                    listener.info("image " + entry.ref() + ": registry copy " + copy.location() + " is complete");
                }
            } catch (RegistryException e) {
                problems.add(new CopyProblem(object, entry.digest().toString(), status(e), e.getMessage()
                        + hint(e, copy, caGiven)));
            }
        }
        for (ImageEntry r : entry.referrers()) {
            verify(r, client, problems, listener, caGiven);
        }
    }

    private static String status(RegistryException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> MISSING;
            case CORRUPT -> CORRUPT;
            case AUTH -> UNAUTHORIZED;
            case UNAVAILABLE -> UNREACHABLE;
            default -> UNREADABLE;
        };
    }

    private static String hint(RegistryException e, ImageCopy copy, boolean caGiven) {
        if (e.kind() == RegistryException.Kind.UNAVAILABLE && Boolean.TRUE.equals(copy.privateCa()) && !caGiven) {
            return "; the backup reached this registry trusting a private CA: set " + Access.REGISTRY_CA_ENV + " to its PEM file";
        }
        if (e.kind() == RegistryException.Kind.AUTH) {
            return "; the copy could not be checked: give credentials for it in the docker config";
        }
        if (e.kind() == RegistryException.Kind.UNAVAILABLE) {
            return "; the copy could not be checked (not the same as missing)";
        }
        return "";
    }
}
