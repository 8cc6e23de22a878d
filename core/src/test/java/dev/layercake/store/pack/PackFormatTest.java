package dev.layercake.store.pack;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.PackLocation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pack format on its own, over blobs kept in memory: no store needed. */
class PackFormatTest {

    /** Blobs in a map; {@code skipped} counts what was not stored again. */
    static final class MemoryBlobs implements PackedBlobs {
        final Map<Digest, byte[]> blobs = new HashMap<>();
        long skipped;
        int writes;

        @Override
        public Optional<Long> size(Digest digest) {
            return Optional.ofNullable(blobs.get(digest)).map(b -> (long) b.length);
        }

        @Override
        public byte[] read(Digest digest) {
            return blobs.get(digest).clone();
        }

        @Override
        public Digest write(byte[] pack) {
            writes++;
            Digest d = Digest.of(pack);
            blobs.put(d, pack.clone());
            return d;
        }

        @Override
        public void skipped(long bytes) {
            skipped += bytes;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void documentsGoBackToBackIntoOnePackAndReadBackChecked() {
        MemoryBlobs blobs = new MemoryBlobs();
        List<byte[]> docs = List.of(utf8("{\"a\":1}"), utf8("{\"b\":22}"), utf8("{\"a\":1}"));
        List<PackLocation> where = new PackWriter(blobs).put(docs, Map.of());
        assertThat(blobs.writes).isEqualTo(1);
        assertThat(where.get(0)).isEqualTo(where.get(2)).isEqualTo(new PackLocation(where.get(0).digest(), 0, 7));
        assertThat(where.get(1)).isEqualTo(new PackLocation(where.get(0).digest(), 7, 8));
        assertThat(blobs.skipped).as("the duplicate").isEqualTo(7);
        PackReader reader = new PackReader(blobs);
        for (int i = 0; i < docs.size(); i++) {
            assertThat(reader.readPacked(Digest.of(docs.get(i)), where.get(i))).isEqualTo(docs.get(i));
        }

        // A known pack that is still mostly named is pointed into again; nothing is written.
        Map<Digest, PackLocation> known = Map.of(Digest.of(docs.get(0)), where.get(0), Digest.of(docs.get(1)), where.get(1));
        assertThat(new PackWriter(blobs).put(docs.subList(0, 2), known)).containsExactly(where.get(0), where.get(1));
        assertThat(blobs.writes).isEqualTo(1);
    }

    @Test
    void aChangedPackOrAWrongSliceIsCorrupt() {
        MemoryBlobs blobs = new MemoryBlobs();
        byte[] doc = utf8("{\"a\":1}");
        PackLocation where = new PackWriter(blobs).put(List.of(doc, utf8("{\"b\":2}")), Map.of()).get(0);
        assertThatThrownBy(() -> new PackReader(blobs).readPacked(Digest.of(doc), new PackLocation(where.digest(), 1, 7)))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("hash to");
        assertThatThrownBy(() -> new PackReader(blobs).readPacked(Digest.of(doc), new PackLocation(where.digest(), 10, 7)))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("is recorded at 10+7");
        blobs.blobs.get(where.digest())[0] ^= 1;
        assertThatThrownBy(() -> new PackReader(blobs).readPack(where.digest()))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("hashes to");
    }
}
