package dev.layercake.model;

/** Where a copy of an image is kept: {@code store} (OCI content in the release store) or {@code registry}. */
public record ImageCopy(String type, String location) {

    public static final String STORE = "store";
    public static final String REGISTRY = "registry";
}
