package dev.layercake.store;

/** Opens the backend a location names. */
public final class ObjectStores {

    private ObjectStores() {
    }

    public static ObjectStore open(StoreLocation location) {
        if (StoreLocation.S3.equals(location.scheme())) {
            return S3ObjectStore.open(location);
        }
        return new FileSystemObjectStore(location.directory());
    }
}
