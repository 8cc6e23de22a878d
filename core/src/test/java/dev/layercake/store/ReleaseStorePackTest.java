package dev.layercake.store;

import dev.layercake.api.request.StoreLocation;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.PackLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Small objects stored in packs: one blob per batch, each object found again by its location and digest. */
class ReleaseStorePackTest {

    @TempDir
    Path tmp;

    private ReleaseStore store() {
        return ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
    }

    private static List<byte[]> docs(String prefix, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("{\"kind\":\"ConfigMap\",\"name\":\"" + prefix + i + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private List<String> blobKeys(ReleaseStore store) {
        return store.objects().list(StoreKeys.BLOBS).stream().map(ObjectInfo::key).toList();
    }

    @Test
    void aBatchIsOneBlobAndEveryObjectReadsBackByItsLocation() {
        try (ReleaseStore store = store()) {
            List<byte[]> docs = docs("cm-", 500);
            List<PackLocation> where = store.putPacked(docs, Map.of());

            assertThat(blobKeys(store)).as("500 objects, one pack").hasSize(1);
            assertThat(where).extracting(PackLocation::digest).containsOnly(where.get(0).digest());
            long total = docs.stream().mapToLong(d -> d.length).sum();
            assertThat(store.statBlob(where.get(0).digest()).orElseThrow().size()).isEqualTo(total);
            assertThat(store.stats().bytesWritten()).isEqualTo(total);
            for (int i = 0; i < docs.size(); i++) {
                assertThat(store.readPacked(Digest.of(docs.get(i)), where.get(i))).isEqualTo(docs.get(i));
            }
        }
    }

    @Test
    void objectsKnownFromTheLastReleaseAreNotStoredAgainOnlyTheChangedOnesArePacked() {
        Map<Digest, PackLocation> known = new HashMap<>();
        List<byte[]> first = docs("cm-", 200);
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(first, Map.of());
            for (int i = 0; i < first.size(); i++) {
                known.put(Digest.of(first.get(i)), where.get(i));
            }
        }
        List<byte[]> second = new ArrayList<>(first);
        byte[] changed = "{\"kind\":\"ConfigMap\",\"name\":\"cm-7\",\"data\":{\"x\":\"2\"}}".getBytes(StandardCharsets.UTF_8);
        second.set(7, changed);
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(second, known);

            assertThat(blobKeys(store)).as("the first pack and a pack holding only the changed object").hasSize(2);
            assertThat(store.stats().bytesWritten()).isEqualTo(changed.length);
            assertThat(where.get(7).size()).isEqualTo(changed.length);
            assertThat(where.get(7).offset()).isZero();
            assertThat(where.get(8)).isEqualTo(known.get(Digest.of(first.get(8))));
            assertThat(store.readPacked(Digest.of(changed), where.get(7))).isEqualTo(changed);
        }
    }

    @Test
    void aKnownLocationWhosePackIsGoneIsStoredAnew() throws Exception {
        List<byte[]> docs = docs("cm-", 3);
        Map<Digest, PackLocation> known = new HashMap<>();
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(docs, Map.of());
            for (int i = 0; i < docs.size(); i++) {
                known.put(Digest.of(docs.get(i)), where.get(i));
            }
            Files.delete(tmp.resolve("store").resolve(StoreKeys.blob(where.get(0).digest())));
        }
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(docs, known);
            assertThat(store.hasBlob(where.get(0).digest())).isTrue();
            for (int i = 0; i < docs.size(); i++) {
                assertThat(store.readPacked(Digest.of(docs.get(i)), where.get(i))).isEqualTo(docs.get(i));
            }
        }
    }

    @Test
    void theSameDocumentTwiceInOneBatchIsStoredOnce() {
        byte[] doc = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(List.of(doc, doc, "{\"b\":2}".getBytes(StandardCharsets.UTF_8)), Map.of());
            assertThat(where.get(0)).isEqualTo(where.get(1));
            assertThat(store.statBlob(where.get(0).digest()).orElseThrow().size()).isEqualTo(doc.length + 7);
        }
    }

    @Test
    void packsAreCutAtTheLimitAndNoObjectIsSplit() {
        byte[] big = new byte[ReleaseStore.PACK_LIMIT / 3 + 1];
        List<byte[]> docs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] d = big.clone();
            d[0] = (byte) i;
            docs.add(d);
        }
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(docs, Map.of());
            assertThat(blobKeys(store)).as("two objects per pack: three would pass the limit").hasSize(2);
            for (int i = 0; i < docs.size(); i++) {
                assertThat(where.get(i).offset() + where.get(i).size())
                        .isLessThanOrEqualTo(store.statBlob(where.get(i).digest()).orElseThrow().size());
                assertThat(store.readPacked(Digest.of(docs.get(i)), where.get(i))).isEqualTo(docs.get(i));
            }
        }
    }

    @Test
    void aFlippedByteOrAWrongLocationIsCorruptNamingTheObject() throws Exception {
        List<byte[]> docs = docs("cm-", 3);
        List<PackLocation> where;
        try (ReleaseStore store = store()) {
            where = store.putPacked(docs, Map.of());
            PackLocation shifted = new PackLocation(where.get(1).digest(), where.get(1).offset() + 1, where.get(1).size());
            assertThatThrownBy(() -> store.readPacked(Digest.of(docs.get(1)), shifted))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                    .hasMessageContaining(Digest.of(docs.get(1)).toString());
            PackLocation beyond = new PackLocation(where.get(2).digest(), where.get(2).offset(), where.get(2).size() + 100);
            assertThatThrownBy(() -> store.readPacked(Digest.of(docs.get(2)), beyond))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT));
        }
        Path pack = tmp.resolve("store").resolve(StoreKeys.blob(where.get(0).digest()));
        byte[] bytes = Files.readAllBytes(pack);
        bytes[(int) where.get(2).offset() + 2] ^= 0x01;
        pack.toFile().setWritable(true);
        Files.write(pack, bytes);
        try (ReleaseStore store = store()) {
            // the pack is checked whole before any object is taken from it
            for (int i : new int[] {0, 2}) {
                assertThatThrownBy(() -> store.readPacked(Digest.of(docs.get(i)), where.get(i)))
                        .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                        .hasMessageContaining("pack " + where.get(0).digest() + " hashes to");
            }
        }
    }

    @Test
    void anOffsetPastTheEndIsCorruptNotAnArithmeticError() {
        byte[] doc = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        try (ReleaseStore store = store()) {
            PackLocation where = store.putPacked(List.of(doc), Map.of()).get(0);
            PackLocation absurd = new PackLocation(where.digest(), Long.MAX_VALUE - 2, 10);
            assertThatThrownBy(() -> store.readPacked(Digest.of(doc), absurd))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT));
        }
    }

    /** An old pack is pointed into only while the new capture still names at least half of its bytes. */
    @Test
    void aPackMostlyDeadIsNotPointedIntoItsLiveObjectsArePackedAnew() {
        List<byte[]> first = docs("cm-", 10);
        Map<Digest, PackLocation> known = new HashMap<>();
        try (ReleaseStore store = store()) {
            List<PackLocation> where = store.putPacked(first, Map.of());
            for (int i = 0; i < first.size(); i++) {
                known.put(Digest.of(first.get(i)), where.get(i));
            }
        }
        PackLocation oldPack = known.get(Digest.of(first.get(0)));
        try (ReleaseStore store = store()) {
            List<PackLocation> six = store.putPacked(first.subList(0, 6), known);
            assertThat(six).as("6 of 10 still named: reused").allMatch(w -> w.digest().equals(oldPack.digest()));
            assertThat(store.stats().bytesWritten()).isZero();
        }
        try (ReleaseStore store = store()) {
            List<PackLocation> three = store.putPacked(first.subList(0, 3), known);
            assertThat(three).as("3 of 10 still named: packed anew").noneMatch(w -> w.digest().equals(oldPack.digest()));
            assertThat(three).extracting(PackLocation::digest).containsOnly(three.get(0).digest());
            for (int i = 0; i < 3; i++) {
                assertThat(store.readPacked(Digest.of(first.get(i)), three.get(i))).isEqualTo(first.get(i));
            }
        }
    }
}
