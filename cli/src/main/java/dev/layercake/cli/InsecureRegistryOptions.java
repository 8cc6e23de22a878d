package dev.layercake.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The registries reached over plain HTTP: backup registries, image targets, the registry of an oci:// store. */
final class InsecureRegistryOptions {

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT",
            description = "Registry reached over plain HTTP (repeatable): a backup registry, an image target, an oci:// store's registry.")
    List<String> insecureRegistries = new ArrayList<>();
}
