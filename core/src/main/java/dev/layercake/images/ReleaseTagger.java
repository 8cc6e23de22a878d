package dev.layercake.images;

import dev.layercake.LayercakeException;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.progress.ProgressListener;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asked for with {@code --tag-images}, freezing a release tags each of its image copies in the backup registry with the release id, by digest:
 * {@code backup-registry/prefix/api:<release>} names exactly the manifest the release recorded. A tag that
 * exists is never moved: if it names another digest the freeze fails, so a release tag, once set, keeps
 * meaning the same bytes (registries with immutable tags enforce the same on their side).
 */
public final class ReleaseTagger {

    /** One tag set (or found already set) on a registry copy. */
    public record Tagged(String image, String tag, String digest, boolean alreadyTagged) {
    }

    private final RegistryOptions options;

    public ReleaseTagger(RegistryOptions options) {
        this.options = options;
    }

    public static ReleaseTagger create(Map<String, String> env, List<String> insecureRegistries) {
        return new ReleaseTagger(RegistryAccess.options(env, insecureRegistries));
    }

    /** Tags every registry copy of {@code manifest}'s images with {@code manifest.release()}. */
    public List<Tagged> tag(Manifest manifest, ProgressListener listener) {
        String tag = Names.checkSegment("release id", manifest.release());
        if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")) {
            throw LayercakeException.usage("release id '" + tag + "' is not a valid image tag");
        }
        List<Tagged> out = new ArrayList<>();
        try (RegistryClient client = new RegistryClient(options)) {
            for (ImageEntry image : manifest.images()) {
                for (ImageCopy copy : image.copies()) {
                    if (ImageCopy.REGISTRY.equals(copy.type())) {
                        out.add(tagOne(client, image, copy, tag, listener));
                    }
                }
            }
        } catch (RegistryException e) {
            throw RegistryErrors.toLayercake(e, "tagging the release's images");
        }
        if (out.isEmpty()) {
            listener.warn("release " + manifest.app() + "/" + manifest.release()
                    + " has no image copies in a backup registry (backed up without --image-target): no image tagged");
        }
        return out;
    }

    private static Tagged tagOne(RegistryClient client, ImageEntry image, ImageCopy copy, String tag, ProgressListener listener) {
        ImageRef pinned = ImageRef.parse(copy.location());
        String digest = image.digest().toString();
        ImageRef tagged = new ImageRef(pinned.registry(), pinned.repository(), tag, null);
        Optional<Descriptor> existing = client.headManifest(tagged);
        if (existing.isPresent()) {
            if (existing.get().digest().equals(digest)) {
                return new Tagged(tagged.name(), tag, digest, true);
            }
            throw LayercakeException.conflict("the backup registry already has " + tagged.name() + ":" + tag + " naming "
                    + existing.get().digest() + ", not " + digest + " recorded by the release; release tags are never moved");
        }
        ManifestDoc doc = client.getManifest(new ImageRef(pinned.registry(), pinned.repository(), null, digest));
        client.putManifest(pinned.registry(), pinned.repository(), tag, doc);
        listener.info("tagged " + tagged.name() + ":" + tag + " -> " + digest);
        return new Tagged(tagged.name(), tag, digest, false);
    }
}
