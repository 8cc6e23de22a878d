package dev.layercake.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercake.LayercakeException;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.BackupResult;
import dev.layercake.registry.Digests;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.store.ReleaseStore;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A backup into the release store and a backup registry reads each source blob once (the tee in
 * {@code ImageCopier}), counted in the source registry's own access log; and a backup registry that fails
 * mid-copy fails the backup with no release and no tag anywhere, after which a re-run completes.
 */
class ImageTeeTest {

    private static final Pattern BLOB_GET = Pattern.compile("GET /v2/.+/blobs/(sha256:[a-f0-9]{64})");

    static ImageWorld world;

    @BeforeAll
    static void build() throws Exception {
        world = new ImageWorld();
    }

    @AfterAll
    static void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void storeAndBackupRegistryAreFilledFromOneReadOfEachBlob() throws Exception {
        try (RegistryFixture source = RegistryFixture.startWithAccessLog(); RegistryFixture target = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(source);
            List<String> images = List.of(refs.get("app1"), refs.get("app2"), refs.get("multi"));
            Path store = world.newStore();
            String keep = target.host() + "/keep";
            int before = source.requests().size();

            BackupResult first = world.backup(store, "r1", images, ImageOptions.COPY, keep, List.of(source.host(), target.host()),
                    new ImageWorld.Recorder(), ImageWorld.fastRetries(), null);

            List<String> during = source.requests();
            Map<String, Integer> gets = blobGets(during.subList(before, during.size()));
            Set<String> named = blobsNamedByStoredManifests(store);
            assertThat(named).as("configs and layers of app1, app2, both platforms of multi and app1's signature").hasSizeGreaterThanOrEqualTo(8);
            assertThat(gets.keySet()).as("every blob is read from the source").isEqualTo(named);
            assertThat(gets).as("one GET per blob for two destinations, not two").allSatisfy((digest, n) -> assertThat(n).as(digest).isEqualTo(1));
            assertThat(first.images()).isEqualTo(3);
            // both destinations hold every blob and image
            for (String digest : named) {
                assertThat(store.resolve("blobs/sha256").resolve(digest.substring(7))).exists();
            }
            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(List.of(target.host())));
            for (String name : List.of("app1", "app2", "multi")) {
                assertThat(client.headManifest(ImageRef.parse(keep + "/demo/" + name + ":1"))).as(name).isPresent();
            }

            // The unchanged release again: nothing is read from the source at all.
            int again = source.requests().size();
            world.backup(store, "r2", images, ImageOptions.COPY, keep, List.of(source.host(), target.host()),
                    new ImageWorld.Recorder(), ImageWorld.fastRetries(), null);
            List<String> second = source.requests();
            assertThat(blobGets(second.subList(again, second.size()))).isEmpty();
        }
    }

    @Test
    void aFailingBackupRegistryLeavesNothingVisibleAndARerunCompletes() throws Exception {
        try (RegistryFixture source = RegistryFixture.startWithAccessLog(); RegistryFixture target = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(source);
            List<String> images = List.of(refs.get("app1"), refs.get("app2"), refs.get("multi"));
            Path store = world.newStore();
            String keep = target.host() + "/keep";
            List<String> insecure = List.of(source.host(), target.host());
            AtomicBoolean stopped = new AtomicBoolean();
            ImageWorld.Recorder stopping = new ImageWorld.Recorder() {
                @Override
                public void progress(String phase, long done, long total, String unit) {
                    if (done > 0 && stopped.compareAndSet(false, true)) {
                        target.stop(); // the first blob is in the store: the backup registry goes away
                    }
                }
            };
            LayercakeException e = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1", images,
                    ImageOptions.COPY, keep, insecure, stopping, o -> ImageWorld.fastRetries().apply(o).withParallelism(1), null));
            assertThat(stopped).isTrue();
            assertThat(e.kind()).isEqualTo(LayercakeException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains(target.host());
            ImageFailureTest.assertNoRelease(store);
            // what the store holds is whole (content-addressed: re-hash it)
            try (var files = Files.list(store.resolve("blobs/sha256"))) {
                for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                    assertThat(Digests.sha256(Files.readAllBytes(f))).isEqualTo("sha256:" + f.getFileName());
                }
            }

            target.restart();
            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(List.of(target.host())));
            for (String name : List.of("app1", "app2", "multi")) {
                assertThat(client.headManifest(ImageRef.parse(keep + "/demo/" + name + ":1"))).as("no tag of " + name).isEmpty();
            }

            int before = source.requests().size();
            BackupResult ok = world.backup(store, "r1", images, ImageOptions.COPY, keep, insecure, new ImageWorld.Recorder(),
                    ImageWorld.fastRetries(), null);
            assertThat(ok.images()).isEqualTo(3);
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                assertThat(rs.listReleases("shop")).containsExactly("r1");
            }
            for (String name : List.of("app1", "app2", "multi")) {
                assertThat(client.headManifest(ImageRef.parse(keep + "/demo/" + name + ":1"))).as(name).isPresent();
            }
            List<String> rerun = source.requests();
            assertThat(blobGets(rerun.subList(before, rerun.size()))).as("the re-run reads each blob at most once")
                    .allSatisfy((digest, n) -> assertThat(n).as(digest).isEqualTo(1));
        }
    }

    /** digest → how many times it was fetched from the source's blob endpoint. */
    static Map<String, Integer> blobGets(List<String> requests) {
        Map<String, Integer> out = new TreeMap<>();
        for (String r : requests) {
            Matcher m = BLOB_GET.matcher(r);
            if (m.matches()) {
                out.merge(m.group(1), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The configs and layers named by the image manifests in the store. */
    static Set<String> blobsNamedByStoredManifests(Path store) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> out = new TreeSet<>();
        try (var files = Files.list(store.resolve("blobs/sha256"))) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                JsonNode doc;
                try {
                    doc = json.readTree(Files.readAllBytes(f));
                } catch (Exception notJson) {
                    continue;
                }
                if (doc == null || !doc.isObject() || !doc.has("config") || !doc.path("config").has("digest")) {
                    continue;
                }
                out.add(doc.path("config").path("digest").asText());
                for (JsonNode layer : doc.path("layers")) {
                    out.add(layer.path("digest").asText());
                }
            }
        }
        return out;
    }
}
