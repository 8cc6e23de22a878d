package dev.layercake.registry;

import java.io.InputStream;

/** Where an image's content is read from: a registry repository, a release store, an OCI layout. */
public interface ImageSource {

    /** For messages: {@code registry/repository}, a store location. */
    String describe();

    /** The manifest or index with this digest; its bytes must hash to it (CORRUPT otherwise). */
    ManifestDoc manifest(String digest);

    /** A stream of the blob that fails its last read when the content does not match the descriptor. */
    InputStream openBlob(Descriptor blob);

    /** The blob's bytes without checking them, for destinations that check content themselves. */
    default InputStream openBlobUnchecked(Descriptor blob) {
        return openBlob(blob);
    }
}
