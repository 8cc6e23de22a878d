package dev.layercake.images;

import dev.layercake.api.result.ImageTag;
import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.DockerDaemon;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asked for with {@code --tag-images}, freezing a release tags each of its image copies in the backup
 * registry with the release id, by digest: {@code backup-registry/prefix/api:<release>} names exactly the
 * manifest the release recorded. When one repository holds several images of the release ({@code api:1.4.1}
 * and {@code api:1.4.2}), each gets {@code <release>-<its tag>} (or {@code <release>-<12 hex of its digest>})
 * so no two share a tag. A tag that exists is never moved: every tag is checked before any is pushed, and
 * one that names another digest fails the whole step with nothing pushed.
 */
public final class ReleaseTagger {

    private static final String TAG = "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}";


    private record Planned(ImageRef repository, String tag, String digest) {
        ImageRef tagged() {
            return new ImageRef(repository.registry(), repository.repository(), tag, null);
        }
    }

    private final RegistryOptions options;

    public ReleaseTagger(RegistryOptions options) {
        this.options = options;
    }

    public static ReleaseTagger create(Access access, List<String> insecureRegistries) {
        return new ReleaseTagger(access.registryOptions(insecureRegistries));
    }

    /**
     * The error for a tagging that failed after the release was frozen: it says the release itself is
     * complete and frozen, so nobody runs the whole backup again, and how to finish the tags.
     */
    public static LayercakeException afterFreeze(String app, String release, LayercakeException e) {
        return new LayercakeException(e.kind(), "release " + app + "/" + release + " is written and frozen, but tagging"
                + " its images failed: " + e.getMessage() + ". To finish, fix the cause and run the freeze again with"
                + " image tags (CLI: layercake freeze --store S --app " + app + " --release " + release
                + " --tag-images [--insecure-registry HOST:PORT]; Jenkins: freezeRelease(..., tagImages: true))", e);
    }

    /**
     * The one freeze-then-tag step (backup --freeze --tag-images and freeze --tag-images): tags the frozen
     * release's image copies; a failure says the release itself is complete and frozen.
     */
    public static List<ImageTag> tagFrozenRelease(Access access, List<String> insecureRegistries, Manifest manifest,
                                                   ProgressListener listener) {
        try {
            return create(access, insecureRegistries).tag(manifest, listener);
        } catch (LayercakeException e) {
            throw afterFreeze(manifest.app(), manifest.release(), e);
        }
    }

    /** Tags every registry copy of {@code manifest}'s images with {@code manifest.release()}. */
    public List<ImageTag> tag(Manifest manifest, ProgressListener listener) {
        List<Planned> plan = plan(manifest);
        if (plan.isEmpty()) {
            listener.warn("release " + manifest.app() + "/" + manifest.release()
                    + " has no image copies in a backup registry (backed up without --image-target): no image tagged");
            return List.of();
        }
        List<ImageTag> out = new ArrayList<>();
        try (RegistryClient client = new RegistryClient(options)) {
            List<Planned> missing = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            for (Planned p : plan) {
                Optional<String> existing = existingDigest(client, p.tagged());
                if (existing.isEmpty()) {
                    missing.add(p);
                } else if (existing.get().equals(p.digest())) {
                    out.add(new ImageTag(p.tagged().name(), p.tag(), p.digest(), true));
                } else {
                    conflicts.add(p.tagged().name() + ":" + p.tag() + " names " + existing.get() + ", not " + p.digest());
                }
            }
            if (!conflicts.isEmpty()) {
                throw LayercakeException.conflict("the backup registry already has release tags naming other images: "
                        + String.join("; ", conflicts) + ". Release tags are never moved and none was pushed; delete"
                        + " those tags in the registry if they are wrong, or keep them and do without --tag-images");
            }
            for (Planned p : missing) {
                ManifestDoc doc = client.getManifest(new ImageRef(p.repository().registry(), p.repository().repository(), null, p.digest()));
                client.putManifest(p.repository().registry(), p.repository().repository(), p.tag(), doc);
                listener.info("tagged " + p.tagged().name() + ":" + p.tag() + " -> " + p.digest());
                out.add(new ImageTag(p.tagged().name(), p.tag(), p.digest(), false));
            }
        } catch (RegistryException e) {
            throw RegistryErrors.toLayercake(e, "tagging the release's images");
        }
        return out;
    }

    /** The tag of each (repository, digest) the release copied to a backup registry. */
    private static List<Planned> plan(Manifest manifest) {
        String release = Names.checkSegment("release id", manifest.release());
        if (!release.matches(TAG)) {
            throw LayercakeException.usage("release id '" + release + "' is not a valid image tag");
        }
        // repository → digest → the source tag it had (null when pinned by digest only)
        Map<String, Map<String, String>> byRepository = new LinkedHashMap<>();
        Map<String, ImageRef> repositories = new LinkedHashMap<>();
        for (ImageEntry image : manifest.images()) {
            for (ImageCopy copy : image.copies()) {
                if (ImageCopy.REGISTRY.equals(copy.type())) {
                    ImageRef pinned = ImageRef.parse(copy.location());
                    String key = pinned.registry() + "/" + pinned.repository();
                    repositories.putIfAbsent(key, pinned);
                    byRepository.computeIfAbsent(key, k -> new LinkedHashMap<>())
                            .putIfAbsent(image.digest().toString(), sourceTag(image.ref()));
                }
            }
        }
        List<Planned> plan = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> repo : byRepository.entrySet()) {
            Map<String, String> digests = repo.getValue();
            Set<String> used = new LinkedHashSet<>();
            for (Map.Entry<String, String> d : digests.entrySet()) {
                String tag = release;
                if (digests.size() > 1) {
                    String byTag = d.getValue() == null ? null : release + "-" + d.getValue();
                    tag = byTag != null && byTag.matches(TAG) && !used.contains(byTag) ? byTag : release + "-" + hex12(d.getKey());
                }
                used.add(tag);
                plan.add(new Planned(repositories.get(repo.getKey()), tag, d.getKey()));
            }
        }
        return plan;
    }

    private static String hex12(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.substring(0, Math.min(12, hex.length()));
    }

    /** The tag of a recorded reference, when it had one. */
    private static String sourceTag(String ref) {
        try {
            ImageRef parsed = DockerDaemon.isDaemonRef(ref) ? DockerDaemon.nameOf(ref) : ImageRef.parse(ref);
            return parsed.digest() == null ? parsed.tag() : null;
        } catch (RegistryException e) {
            return null;
        }
    }

    /** The digest a tag names now, if it exists; hashed from the manifest when the registry does not say. */
    private static Optional<String> existingDigest(RegistryClient client, ImageRef tagged) {
        Optional<Descriptor> head = client.headManifest(tagged);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        String digest = head.get().digest();
        return Optional.of(digest != null ? digest : client.getManifest(tagged).digest());
    }
}
