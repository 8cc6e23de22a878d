package dev.layercake.retention;

import dev.layercake.api.result.GcResult;
import dev.layercake.api.result.PruneResult;
import dev.layercake.api.request.Durations;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.capture.BackupContext;
import dev.layercake.api.result.BackupResult;
import dev.layercake.capture.BackupStep;
import dev.layercake.freeze.ReleaseFreezer;
import dev.layercake.model.Digest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.ReleaseFixture;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prune and garbage collection, including while backups run; one subclass per store backend. */
abstract class RetentionContractTest {

    @TempDir
    Path tmp;

    protected abstract StoreLocation location(String name);

    /** The engine environment (S3 credentials for the S3 store). */
    protected abstract Map<String, String> env();

    protected abstract ReleaseStore open(StoreLocation location);

    /** Waits until "now" is strictly later than the last write in the store's own clock resolution. */
    protected abstract void settle() throws InterruptedException;

    protected abstract int stressRounds();

    private ReleaseFixture releases(StoreLocation location) {
        return new ReleaseFixture(tmp, location, env());
    }

    private static Digest digest(String content) {
        return Digest.of(content.getBytes(StandardCharsets.UTF_8));
    }

    private static VerifyReport verify(ReleaseStore store, String app, String release) {
        return new ReleaseVerifier(store, ProgressListener.NONE).verify(app, release);
    }

    @Test
    void pruneKeepsTheNewestAndRemovesSignaturesWithManifests() throws Exception {
        StoreLocation location = location("keep");
        ReleaseFixture r = releases(location);
        for (int i = 1; i <= 4; i++) {
            r.backup("shop", "r" + i, Map.of("a.tf", "v" + i));
            settle();
        }
        try (ReleaseStore store = open(location)) {
            PruneResult dry = Pruner.prune(store, "shop", 1, null, true, ProgressListener.NONE);
            assertThat(dry.pruned()).containsExactly("r1", "r2", "r3");
            assertThat(store.listReleases("shop")).hasSize(4);

            PruneResult result = Pruner.prune(store, "shop", 1, null, false, ProgressListener.NONE);
            assertThat(result.pruned()).containsExactly("r1", "r2", "r3");
            assertThat(result.kept()).containsExactly("r4");
            assertThat(store.listReleases("shop")).containsExactly("r4");
            // Blobs stay until gc.
            assertThat(store.hasBlob(digest("v1"))).isTrue();

            assertThatThrownBy(() -> Pruner.prune(store, "shop", null, null, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("--keep")
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.USAGE));
            assertThatThrownBy(() -> Pruner.prune(store, "shop", -1, null, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class);
        }
    }

    @Test
    void pruneOlderThanUsesTheReleaseTimeAndCombinesWithKeep() throws Exception {
        StoreLocation location = location("age");
        ReleaseFixture r = releases(location);
        String[][] made = {{"jan", "2026-01-01T00:00:00Z"}, {"jun", "2026-06-01T00:00:00Z"}, {"nov", "2026-11-20T00:00:00Z"}};
        for (String[] m : made) {
            r.clock(Clock.fixed(Instant.parse(m[1]), ZoneOffset.UTC)).backup("shop", m[0], Map.of("a.tf", m[0]));
            settle();
        }
        try (ReleaseStore store = open(location)) {
            Pruner pruner = new Pruner(Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));
            Duration month = Durations.parse("--older-than", "30d");
            assertThat(pruner.run(store, "shop", null, month, true, ProgressListener.NONE).pruned()).containsExactly("jan", "jun");
            assertThat(pruner.run(store, "shop", 2, month, true, ProgressListener.NONE).pruned()).containsExactly("jan");
            assertThat(pruner.run(store, "shop", null, Durations.parse("--older-than", "365d"), false, ProgressListener.NONE).pruned()).isEmpty();
            assertThat(store.listReleases("shop")).containsExactly("jan", "jun", "nov");
        }
        assertThat(Durations.parse("--grace", "12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Durations.parse("--grace", "PT90M")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> Durations.parse("--older-than", "soon")).isInstanceOf(LayercakeException.class)
                .hasMessageContaining("--older-than 'soon'");
    }

    @Test
    void gcCollectsOnlyBlobsNoReleaseNamesAndOlderThanTheGrace() throws Exception {
        StoreLocation location = location("gc");
        ReleaseFixture r = releases(location);
        r.backup("shop", "r1", Map.of("a.tf", "only-in-r1", "b.tf", "shared"));
        settle();
        r.backup("shop", "r2", Map.of("b.tf", "shared", "c.tf", "only-in-r2"));
        settle();
        try (ReleaseStore store = open(location)) {
            Pruner.prune(store, "shop", 1, null, false, ProgressListener.NONE);
            settle();

            GcResult young = GarbageCollector.collect(store, Duration.ofHours(1), false, ProgressListener.NONE);
            assertThat(young.deferred()).isFalse();
            assertThat(young.blobsCollected()).isZero();
            assertThat(young.blobsTooYoung()).isEqualTo(1);

            GcResult dry = GarbageCollector.collect(store, Duration.ZERO, true, ProgressListener.NONE);
            assertThat(dry.collected()).containsExactly(digest("only-in-r1").toString());
            assertThat(store.hasBlob(digest("only-in-r1"))).isTrue();

            GcResult gc = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE);
            assertThat(gc.collected()).containsExactly(digest("only-in-r1").toString());
            assertThat(gc.releases()).isEqualTo(1);
            assertThat(gc.bytesCollected()).isEqualTo("only-in-r1".length());
            assertThat(store.hasBlob(digest("only-in-r1"))).isFalse();
            assertThat(store.hasBlob(digest("shared"))).isTrue();
            assertThat(verify(store, "shop", "r2").ok()).isTrue();
            assertThat(store.objects().list(StoreKeys.LOCKS)).isEmpty();
        }
    }

    /**
     * Two apps of 20 releases, each naming 3 blobs of its own and 2 its app shares, and a name under blobs/ that is no
     * digest; the 10 oldest releases of "a" are removed. Returns the ids of the blobs no remaining release names.
     */
    private static List<String> manyReleasesHalfPruned(ReleaseStore store) {
        List<String> unnamed = new ArrayList<>();
        java.time.Instant base = java.time.Instant.parse("2026-01-01T00:00:00Z");
        for (String app : List.of("a", "b")) {
            List<dev.layercake.model.SourceFile> common = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                dev.layercake.model.BlobRef b = store.putBytes((app + " shared " + s).getBytes(StandardCharsets.UTF_8), null);
                common.add(new dev.layercake.model.SourceFile("shared-" + s, "kubernetes", b.digest(), b.size(),
                        dev.layercake.model.SourceFile.MODE_FILE));
            }
            for (int r = 0; r < 20; r++) {
                List<dev.layercake.model.SourceFile> files = new ArrayList<>(common);
                for (int u = 0; u < 3; u++) {
                    dev.layercake.model.BlobRef b = store.putBytes((app + " r" + r + " own " + u).getBytes(StandardCharsets.UTF_8), null);
                    files.add(new dev.layercake.model.SourceFile("own-" + u, "kubernetes", b.digest(), b.size(),
                            dev.layercake.model.SourceFile.MODE_FILE));
                    if (app.equals("a") && r < 10) {
                        unnamed.add(b.digest().toString());
                    }
                }
                String commit = Digest.of((app + r).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 40);
                store.writeManifest(new dev.layercake.model.Manifest(dev.layercake.model.Manifest.SCHEMA_VERSION, app,
                        String.format("r%02d", r), base.plusSeconds(60L * r).toString(),
                        new dev.layercake.model.ToolInfo("layercake", "test"),
                        new dev.layercake.model.BuildInfo("cli", null, null, null, null, commit),
                        new dev.layercake.model.SourceSection("repo", commit, "HEAD", null, false, files, List.of(), null),
                        List.of(), null));
            }
        }
        for (int r = 0; r < 10; r++) {
            store.deleteRelease("a", String.format("r%02d", r));
        }
        byte[] odd = "put there by something else".getBytes(StandardCharsets.UTF_8);
        store.objects().create(StoreKeys.BLOBS + "not-a-digest", new java.io.ByteArrayInputStream(odd), odd.length, () -> { });
        Collections.sort(unnamed);
        unnamed.add("sha256:not-a-digest");
        return unnamed;
    }

    private static List<String> blobIds(ReleaseStore store) {
        return store.listBlobs().stream().map(b -> b.id()).sorted().toList();
    }

    /**
     * With 3 records in memory the 125 listed blobs and 150 marked digests go through about 40 runs each, more than
     * one merge pass takes: the result is the one the in-memory collection gives and exactly what no release names.
     */
    @Test
    void gcBeyondItsMemoryBoundCollectsExactlyWhatNoReleaseNames() throws Exception {
        StoreLocation location = location("spill");
        try (ReleaseStore store = open(location)) {
            List<String> unnamed = manyReleasesHalfPruned(store);
            List<String> all = blobIds(store);
            assertThat(all).hasSize(2 * 2 + 2 * 20 * 3 + 1);
            settle();

            GcResult inMemory = GarbageCollector.collect(store, Duration.ZERO, true, ProgressListener.NONE);
            GcResult spilled = GarbageCollector.collect(store, Duration.ZERO, true, ProgressListener.NONE, 3);
            assertThat(spilled.collected()).containsExactlyElementsOf(unnamed);
            assertThat(spilled).usingRecursiveComparison().isEqualTo(inMemory);
            assertThat(spilled.releases()).isEqualTo(30);
            assertThat(spilled.blobsScanned()).isEqualTo(all.size());
            assertThat(spilled.blobsReferenced()).isEqualTo(all.size() - unnamed.size());
            assertThat(blobIds(store)).isEqualTo(all);

            GcResult gc = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE, 3);
            assertThat(gc.collected()).containsExactlyElementsOf(unnamed);
            List<String> left = new ArrayList<>(all);
            left.removeAll(unnamed);
            assertThat(blobIds(store)).isEqualTo(left);
            for (String app : List.of("a", "b")) {
                for (String release : store.listReleases(app)) {
                    assertThat(verify(store, app, release).ok()).as(app + "/" + release).isTrue();
                }
            }
            GcResult again = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE, 3);
            assertThat(again.blobsCollected()).isZero();
            assertThat(again.blobsReferenced()).isEqualTo(left.size());
        }
    }

    @Test
    void anUnreadableManifestStopsASpillingGcBeforeAnyDelete() throws Exception {
        StoreLocation location = location("spill-corrupt");
        try (ReleaseStore store = open(location)) {
            manyReleasesHalfPruned(store);
            String key = StoreKeys.manifest("b", "r07");
            store.objects().delete(key);
            byte[] broken = "{\"schemaVersion\": 1, \"app\": \"b\", \"rel".getBytes(StandardCharsets.UTF_8);
            store.objects().create(key, new java.io.ByteArrayInputStream(broken), broken.length, () -> { });
            List<String> all = blobIds(store);
            settle();

            assertThatThrownBy(() -> GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE, 3))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CORRUPT))
                    .hasMessageContaining("manifest of b/r07");
            assertThat(blobIds(store)).isEqualTo(all);
            assertThat(store.objects().list(StoreKeys.LOCKS)).isEmpty();
        }
    }

    @Test
    void frozenReleasesSurvivePruneAndTheirBlobsSurviveGc() throws Exception {
        StoreLocation location = location("frozen");
        ReleaseFixture r = releases(location);
        r.backup("shop", "keep-me", Map.of("a.tf", "frozen-content"));
        settle();
        r.backup("shop", "r2", Map.of("a.tf", "other"));
        settle();
        try (ReleaseStore store = open(location)) {
            // Mark frozen the way any backend does (its marker); S3 Object Lock itself is not in s3proxy.
            byte[] marker = "{}".getBytes(StandardCharsets.UTF_8);
            store.objects().create(StoreKeys.frozenMarker("shop", "keep-me"), new java.io.ByteArrayInputStream(marker), marker.length, () -> { });
            assertThat(ReleaseFreezer.isFrozen(store, "shop", "keep-me")).isTrue();
            PruneResult p = Pruner.prune(store, "shop", 0, null, false, ProgressListener.NONE);
            assertThat(p.refusedFrozen()).containsExactly("keep-me");
            assertThat(p.pruned()).containsExactly("r2");
            settle();
            GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE);
            assertThat(verify(store, "shop", "keep-me").ok()).isTrue();
            assertThat(store.hasBlob(digest("other"))).isFalse();
        }
    }

    @Test
    void gcDuringABackupCollectsNothingAndTheBackupVerifies() throws Exception {
        StoreLocation location = location("during");
        ReleaseFixture r = releases(location);
        r.backup("shop", "old", Map.of("a.tf", "reused-content", "b.tf", "old-only"));
        settle();

        // A backup that pauses after storing (and skipping) its blobs, before its manifest.
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        BackupStep pause = new BackupStep() {
            @Override
            public String name() {
                return "pause";
            }

            @Override
            public void run(BackupContext context) {
                paused.countDown();
                try {
                    resume.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ReleaseFixture pausing = new ReleaseFixture(tmp.resolve("pausing"), location, env()).steps(List.of(pause));
        CompletableFuture<BackupResult> backup = CompletableFuture.supplyAsync(() ->
                pausing.backup("shop", "new", Map.of("a.tf", "reused-content", "c.tf", "new-content")));
        assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();

        try (ReleaseStore store = open(location)) {
            // The old release goes; the blob the running backup skipped is now named by no manifest.
            assertThat(Pruner.prune(store, "shop", 0, null, false, ProgressListener.NONE).pruned()).containsExactly("old");
            settle();
            GcResult gc = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE);
            assertThat(gc.deferred()).isTrue();
            assertThat(gc.inFlight()).singleElement().asString().startsWith(StoreKeys.LOCKS + "backups/");
            assertThat(gc.blobsCollected()).isZero();
            assertThat(store.hasBlob(digest("reused-content"))).isTrue();

            resume.countDown();
            BackupResult done = backup.get(60, TimeUnit.SECONDS);
            assertThat(done.blobsSkipped()).isEqualTo(1);
            assertThat(verify(store, "shop", "new").ok()).isTrue();

            // Once the backup is done, gc collects what is really unnamed and keeps the new release whole.
            settle();
            GcResult after = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE);
            assertThat(after.deferred()).isFalse();
            assertThat(after.collected()).containsExactly(digest("old-only").toString());
            assertThat(verify(store, "shop", "new").ok()).isTrue();
        }
    }

    @Test
    void aBackupWaitsWhileAGcHoldsTheLock() throws Exception {
        StoreLocation location = location("wait");
        try (ReleaseStore store = open(location)) {
            StoreLocks.Lock gc = StoreLocks.acquireGcLock(store);
            AtomicBoolean told = new AtomicBoolean();
            ProgressListener listener = new ProgressListener() {
                @Override
                public void info(String message) {
                    told.set(message.contains("waiting for the garbage collection"));
                }
            };
            CompletableFuture<StoreLocks.Lock> lease = CompletableFuture.supplyAsync(() ->
                    StoreLocks.acquireBackupLease(store, "shop", listener, Duration.ofMinutes(1), Duration.ofMillis(50)));
            Thread.sleep(400);
            assertThat(lease).isNotDone();
            assertThat(told).isTrue();
            gc.close();
            lease.get(30, TimeUnit.SECONDS).close();

            StoreLocks.Lock stuck = StoreLocks.acquireGcLock(store);
            assertThatThrownBy(() -> StoreLocks.acquireBackupLease(store, "shop", ProgressListener.NONE, Duration.ZERO, Duration.ofMillis(10)))
                    .isInstanceOf(LayercakeException.class)
                    .hasMessageContaining(stuck.key())
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNAVAILABLE));
            stuck.close();
            assertThat(store.objects().list(StoreKeys.LOCKS)).isEmpty();
        }
    }

    /**
     * Backups that re-use blobs of pruned releases run back to back while another thread keeps backing up,
     * pruning and collecting with no grace at all. Every backup must verify right after it finishes.
     */
    @Test
    void backupsRacingPruneAndGcAlwaysVerify() throws Exception {
        StoreLocation location = location("stress");
        int rounds = stressRounds();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger gcRuns = new AtomicInteger();
        AtomicInteger gcCollected = new AtomicInteger();
        List<Throwable> maintenanceErrors = Collections.synchronizedList(new ArrayList<>());
        ReleaseFixture maintenanceReleases = new ReleaseFixture(tmp.resolve("m"), location, env());
        ReleaseFixture liveReleases = new ReleaseFixture(tmp.resolve("l"), location, env());

        Thread maintenance = new Thread(() -> {
            try (ReleaseStore store = open(location)) {
                for (int k = 0; !stop.get(); k++) {
                    // Releases of another app that hold the contents the live backups are about to re-use.
                    maintenanceReleases.backup("old", "o" + k, Map.of("next.tf", "content-" + (k % rounds),
                            "after.tf", "content-" + ((k + 1) % rounds), "junk.tf", "junk-" + k));
                    Pruner.prune(store, "old", 0, null, false, ProgressListener.NONE);
                    GcResult gc = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE);
                    if (!gc.deferred()) {
                        gcRuns.incrementAndGet();
                        gcCollected.addAndGet(gc.blobsCollected());
                    }
                }
            } catch (Throwable t) {
                maintenanceErrors.add(t);
            }
        }, "maintenance");
        maintenance.start();
        try (ReleaseStore store = open(location)) {
            for (int i = 0; i < rounds; i++) {
                liveReleases.backup("live", "l" + i, Map.of("app.tf", "content-" + i, "unique.tf", "live-" + i));
                VerifyReport report = verify(store, "live", "l" + i);
                assertThat(report.problems()).as("release live/l%d right after its backup", i).isEmpty();
                Thread.sleep(20); // leave gc windows between backups
            }
        } finally {
            stop.set(true);
            maintenance.join(120_000);
        }
        assertThat(maintenanceErrors).isEmpty();
        assertThat(gcRuns.get()).as("gc must have really run between backups").isPositive();
        try (ReleaseStore store = open(location)) {
            for (int i = 0; i < rounds; i++) {
                assertThat(verify(store, "live", "l" + i).ok()).isTrue();
            }
            assertThat(store.objects().list(StoreKeys.LOCKS)).isEmpty();
        }
    }
}
