package dev.layercake.images;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.Digests;
import dev.layercake.registry.ImageSource;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.RegistryException;
import dev.layercake.store.ReleaseStore;

import java.io.InputStream;

/** Reads images back from the release store, every piece checked against its digest as it is read. */
final class StoreImageSource implements ImageSource {

    private final ReleaseStore store;

    StoreImageSource(ReleaseStore store) {
        this.store = store;
    }

    @Override
    public String describe() {
        return store.location().uri();
    }

    @Override
    public ManifestDoc manifest(String digest) {
        byte[] bytes = read(Digest.parse(digest));
        if (!Digests.sha256(bytes).equals(digest)) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, "stored manifest " + digest + " in " + describe()
                    + " hashes to " + Digests.sha256(bytes) + "; the store is damaged");
        }
        return ManifestDoc.parse(bytes, null, "stored manifest " + digest);
    }

    @Override
    public InputStream openBlob(Descriptor blob) {
        Digest d = Digest.parse(blob.digest());
        if (!store.hasBlob(d)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "blob " + blob.digest() + " is missing from " + describe());
        }
        return Digests.verifying(store.openBlob(d), blob.digest(), blob.size(), "stored blob " + blob.digest());
    }

    @Override
    public InputStream openBlobUnchecked(Descriptor blob) {
        Digest d = Digest.parse(blob.digest());
        if (!store.hasBlob(d)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "blob " + blob.digest() + " is missing from " + describe());
        }
        return store.openBlob(d);
    }

    private byte[] read(Digest digest) {
        if (!store.hasBlob(digest)) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "manifest " + digest + " is missing from " + describe());
        }
        try {
            return store.readBlob(digest);
        } catch (LayercakeException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, e.getMessage(), e);
        }
    }
}
