package dev.layercake.demo;

import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ImageResolver;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.registry.ResolvedImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's images: the same digests every run, layers shared, and served so layercake's own client resolves them. */
class DemoImagesTest {

    static final Path SAMPLE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../src").normalize();

    @Test
    void theSampleImagesAreReproducibleShareLayersAndResolveThroughTheRegistryClient() throws Exception {
        try (DemoRegistry a = DemoRegistry.start(); DemoRegistry b = DemoRegistry.start()) {
            List<DemoImages.Built> first = new DemoImages(a).buildSample(SAMPLE);
            List<DemoImages.Built> second = new DemoImages(b).buildSample(SAMPLE);
            assertThat(first).hasSize(9).isEqualTo(second);
            long refs = first.stream().mapToLong(i -> i.layers().size()).sum();
            long distinct = first.stream().flatMap(i -> i.layers().stream()).distinct().count();
            assertThat(distinct).isLessThan(refs);
            DemoImages.Built api = first.stream().filter(i -> i.repository().equals("shop/api")).findFirst().orElseThrow();
            DemoImages.Built distroless = first.stream().filter(i -> i.repository().startsWith("distroless/")).findFirst().orElseThrow();
            assertThat(api.layers()).startsWith(distroless.layers().toArray(String[]::new)).hasSize(distroless.layers().size() + 1);

            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(List.of(a.host())));
            ResolvedImage resolved = new ImageResolver(client).resolve(ImageRef.parse(a.host() + "/shop/api:1.4.2"));
            assertThat(resolved.digest()).isEqualTo(api.digest());
        }
    }
}
