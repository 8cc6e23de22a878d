package dev.layercake.images;

import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** Test base: the podman-built test images pushed once per class to a fresh source registry (Debian docker-registry). */
abstract class ImagesInASourceRegistry {

    static ImageWorld world;
    static RegistryFixture source;
    /** Image name to pushed reference. */
    static Map<String, String> refs;

    @BeforeAll
    static void pushImages() throws Exception {
        world = new ImageWorld();
        source = RegistryFixture.start();
        refs = world.pushAll(source);
    }

    @AfterAll
    static void stopSourceRegistry() {
        if (source != null) {
            source.close();
        }
        if (world != null) {
            world.close();
        }
    }
}
