package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A backup killed with SIGKILL midway leaves no visible release; the next run re-uses what was stored. */
class KilledBackupTest {

    private static final int FILES = 240;
    private static final int FILE_SIZE = 256 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aKilledBackupLeavesNoReleaseAndTheRerunUploadsOnlyWhatIsMissing() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            Random random = new Random(7);
            for (int i = 0; i < FILES; i++) {
                byte[] data = new byte[FILE_SIZE];
                random.nextBytes(data);
                repo.write("data/part-" + i + ".bin", data);
            }
            repo.write("Dockerfile", "FROM scratch\n");
            repo.commit("big");
            Path store = tmp.resolve("store");
            Path blobs = store.resolve("blobs/sha256");
            String[] args = {"backup", "--app", "big", "--store", store.toString(), "--source", repo.dir().toString(),
                    "--release", "r1", "--include", "data/**", "--image-mode", "none", "--json"};

            Process p = Cli.start(tmp, Map.of(), args);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count(blobs) < 40 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(p.isAlive()).as("the backup must still be running when killed (too fast? raise FILES)").isTrue();
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no clean-up
            p.waitFor(30, TimeUnit.SECONDS);

            long storedBeforeRerun = count(blobs);
            assertThat(storedBeforeRerun).isBetween(40L, (long) FILES);
            assertThat(store.resolve("releases/big/r1/manifest.json")).doesNotExist();
            Cli.Run list = Cli.run("list", "--store", store.toString(), "--json");
            assertThat(list.json()).isEmpty();
            // Every blob that is visible is complete: verify by re-hashing its name.
            try (Stream<Path> files = Files.list(blobs)) {
                files.forEach(f -> assertThat(sha256(f)).isEqualTo(f.getFileName().toString()));
            }

            Cli.Run rerun = Cli.run(args);
            assertThat(rerun.exitCode()).as(rerun.err()).isZero();
            JsonNode r = rerun.json();
            long total = FILES + 1;
            assertThat(r.path("files").asLong()).isEqualTo(total);
            assertThat(r.path("blobsSkipped").asLong()).isEqualTo(storedBeforeRerun);
            assertThat(r.path("blobsWritten").asLong()).isEqualTo(total - storedBeforeRerun);
            assertThat(r.path("bytesWritten").asLong()).isLessThanOrEqualTo((total - storedBeforeRerun) * FILE_SIZE);
            assertThat(Cli.run("verify", "--store", store.toString(), "--app", "big", "--release", "r1").exitCode()).isZero();
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static String sha256(Path f) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
