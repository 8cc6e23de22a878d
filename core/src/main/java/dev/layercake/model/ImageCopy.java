package dev.layercake.model;

/**
 * Where a copy of an image is kept: {@code store} (OCI content in the release store) or {@code registry}.
 * For a registry copy, how the backup reached that registry, so verify can reach it the same way: {@code plainHttp}
 * (named with --insecure-registry) and {@code privateCa} (TLS trusted through LAYERCAKE_REGISTRY_CA; the file's
 * name is not recorded, only that one was used). Both null when false, so older manifests read the same.
 */
public record ImageCopy(String type, String location, Boolean plainHttp, Boolean privateCa) {

    public static final String STORE = "store";
    public static final String REGISTRY = "registry";

    public ImageCopy {
        plainHttp = Boolean.TRUE.equals(plainHttp) ? Boolean.TRUE : null;
        privateCa = Boolean.TRUE.equals(privateCa) ? Boolean.TRUE : null;
    }

    public ImageCopy(String type, String location) {
        this(type, location, null, null);
    }
}
