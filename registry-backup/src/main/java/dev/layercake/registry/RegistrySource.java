package dev.layercake.registry;

import java.io.InputStream;

/** Reads an image from one repository of a registry. */
public record RegistrySource(RegistryClient client, String registry, String repository) implements ImageSource {

    public static RegistrySource of(RegistryClient client, ImageRef ref) {
        return new RegistrySource(client, ref.registry(), ref.repository());
    }

    @Override
    public String describe() {
        return registry + "/" + repository;
    }

    @Override
    public ManifestDoc manifest(String digest) {
        return client.getManifest(new ImageRef(registry, repository, null, digest));
    }

    @Override
    public InputStream openBlob(Descriptor blob) {
        return client.openBlob(registry, repository, blob);
    }

    @Override
    public InputStream openBlobUnchecked(Descriptor blob) {
        return client.openBlobUnchecked(registry, repository, blob);
    }
}
