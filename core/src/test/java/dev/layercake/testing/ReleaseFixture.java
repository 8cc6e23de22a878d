package dev.layercake.testing;

import dev.layercake.api.access.Access;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.capture.BackupStep;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.StoreLocation;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes releases for tests: each {@link #backup} commits the given files to a fresh jgit repository and
 * runs the real {@link BackupEngine} into the store (no images, no cluster). Steps can be added to pause a
 * backup midway (concurrency tests).
 */
public final class ReleaseFixture {

    private final Path work;
    private final StoreLocation store;
    private final Map<String, String> env;
    private final AtomicInteger repos = new AtomicInteger();
    private List<BackupStep> steps = List.of();
    private Clock clock = Clock.systemUTC();

    /** {@code env} is the engine's environment: give {@link S3ProxyFixture#env()} for an S3 store. */
    public ReleaseFixture(Path work, StoreLocation store, Map<String, String> env) {
        this.work = work;
        this.store = store;
        this.env = env;
    }

    public ReleaseFixture steps(List<BackupStep> steps) {
        this.steps = List.copyOf(steps);
        return this;
    }

    public ReleaseFixture clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public StoreLocation store() {
        return store;
    }

    public BackupResult backup(String app, String release, Map<String, String> files) {
        return backup(app, release, files, FreezeOptions.none());
    }

    public BackupResult backup(String app, String release, Map<String, String> files, FreezeOptions freeze) {
        return backup(app, release, files, freeze, ProgressListener.NONE);
    }

    public BackupResult backup(String app, String release, Map<String, String> files, FreezeOptions freeze,
                               ProgressListener listener) {
        try (GitRepoFixture repo = GitRepoFixture.create(work.resolve("repo-" + repos.incrementAndGet()))) {
            files.forEach(repo::write);
            repo.commit("release " + release);
            BackupRequest request = new BackupRequest(store, app, release,
                    new SourceOptions(repo.dir().toString(), null, List.of("**"), List.of(), false), null,
                    new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()), null, freeze);
            return new BackupEngine(steps, Access.fromEnvironment(env), clock).backup(request, listener);
        }
    }
}
