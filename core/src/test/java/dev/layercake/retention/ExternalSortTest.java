package dev.layercake.retention;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ExternalSortTest {

    @TempDir
    Path dir;

    /** Records of a 4-byte key (few distinct values: many duplicates, bytes above 0x7f) and a 4-byte payload. */
    private static List<byte[]> records(int n, long seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] r = new byte[8];
            int key = random.nextInt(n / 2 + 1);
            r[0] = (byte) (key * 37);
            r[1] = (byte) (key >>> 8);
            r[2] = (byte) 0xff;
            r[3] = (byte) key;
            r[4] = (byte) i;
            r[5] = (byte) (i >>> 8);
            out.add(r);
        }
        return out;
    }

    private static final Comparator<byte[]> KEY = (a, b) -> Arrays.compareUnsigned(a, 0, 4, b, 0, 4);

    @ParameterizedTest
    @CsvSource({"0, 5, false", "1, 1, true", "500, 1000, false", "500, 1000, true", "500, 7, false", "500, 7, true",
            "2000, 3, true", "2000, 3, false", "64, 1, true"})
    void sortsAndDedupesWhateverTheMemoryBound(int n, int memory, boolean dedupe) throws Exception {
        List<byte[]> in = records(n, n * 31L + memory);
        List<byte[]> got = new ArrayList<>();
        int runs;
        try (ExternalSort sort = new ExternalSort(dir, "test", 8, 4, memory, dedupe)) {
            in.forEach(sort::add);
            assertThat(sort.added()).isEqualTo(n);
            ExternalSort.Cursor c = sort.sorted();
            for (byte[] r = c.next(); r != null; r = c.next()) {
                got.add(r);
            }
            runs = sort.runsWritten();
        }
        List<byte[]> expected = new ArrayList<>(in);
        expected.sort(KEY); // stable: the first of equal keys comes first
        if (dedupe) {
            List<byte[]> unique = new ArrayList<>();
            for (byte[] r : expected) {
                if (unique.isEmpty() || KEY.compare(unique.get(unique.size() - 1), r) != 0) {
                    unique.add(r);
                }
            }
            expected = unique;
        }
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
            assertThat(Arrays.copyOf(got.get(i), 4)).as("key at " + i).isEqualTo(Arrays.copyOf(expected.get(i), 4));
        }
        // every record (payload included) is kept without dedupe
        if (!dedupe) {
            assertThat(got.stream().map(Arrays::toString).sorted().toList())
                    .isEqualTo(in.stream().map(Arrays::toString).sorted().toList());
        }
        if (n > memory) {
            assertThat(runs).as("runs written").isGreaterThan(n > memory * ExternalSort.FAN_IN ? ExternalSort.FAN_IN : 0);
        } else {
            assertThat(runs).isZero();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("run files left after close").isEmpty();
        }
    }
}
