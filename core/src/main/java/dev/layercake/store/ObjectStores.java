package dev.layercake.store;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.StoreLocation;
import java.util.Map;

/** Opens the backend a location names. */
public final class ObjectStores {

    private ObjectStores() {
    }

    public static ObjectStore open(StoreLocation location) {
        return open(location, Access.fromEnvironment(System.getenv()));
    }

    /** Opens a location with S3 credentials taken from {@code access} when it has them (see {@link S3ObjectStore#open(StoreLocation, Map)}). */
    public static ObjectStore open(StoreLocation location, Access access) {
        if (StoreLocation.OCI.equals(location.scheme())) {
            return OciObjectStore.open(location, access);
        }
        if (StoreLocation.S3.equals(location.scheme())) {
            return S3ObjectStore.open(location, access);
        }
        return new FileSystemObjectStore(location.directory());
    }

    /** As {@link #open(StoreLocation, Map)}; an {@code oci://} store speaks plain HTTP to the hosts named (--insecure-registry). */
    public static ObjectStore open(StoreLocation location, Access access, java.util.List<String> insecureRegistries) {
        if (StoreLocation.OCI.equals(location.scheme())) {
            return OciObjectStore.open(location, access, insecureRegistries);
        }
        return open(location, access);
    }
}
