package dev.layercake.store;

import dev.layercake.LayercakeException;

/** S3 backend; see issue #2 (filled in by the S3 work). */
public final class S3ObjectStore {

    private S3ObjectStore() {
    }

    public static ObjectStore open(StoreLocation location) {
        throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, "S3 stores are not built yet");
    }
}
