package dev.layercake.backup;

import dev.layercake.LayercakeException;
import dev.layercake.build.BuildInfoResolver;
import dev.layercake.freeze.ReleaseSealer;
import dev.layercake.images.ReleaseTagger;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.model.ToolInfo;
import dev.layercake.progress.ProgressListener;
import dev.layercake.retention.StoreLocks;
import dev.layercake.source.GitSource;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Runs one backup: resolve the build and the commit, refuse a taken release id, capture sources, then the
 * other steps (Kubernetes, images), and write the manifest last. Nothing is visible until that write.
 */
public final class BackupEngine {

    private final List<BackupStep> steps;
    private final Map<String, String> env;
    private final Clock clock;

    public BackupEngine() {
        this(BackupSteps.defaults(), System.getenv(), Clock.systemUTC());
    }

    public BackupEngine(List<BackupStep> steps, Map<String, String> env, Clock clock) {
        this.steps = List.copyOf(steps);
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    public BackupResult backup(BackupRequest request, ProgressListener listener) {
        Names.checkSegment("app", request.app());
        try (ReleaseStore store = ReleaseStore.open(request.store(), env);
             GitSource git = GitSource.open(request.source(), listener);
             StoreLocks.Lock lease = StoreLocks.acquireBackupLease(store, request.app(), listener)) {
            ReleaseSealer sealer = ReleaseSealer.prepare(store, request.freeze(), listener);
            BackupContext ctx = new BackupContext(request, store, listener, env);
            BuildInfo detected = new BuildInfoResolver(env).resolve(request.build());
            BuildInfo build = new BuildInfo(detected.system(), detected.job(), detected.number(), detected.url(),
                    detected.triggeredBy(), git.commit());
            ctx.build(build);
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            String release = request.release() != null ? request.release()
                    : BuildInfoResolver.defaultRelease(build, git.commit(), now);
            Names.checkSegment("release id", release);
            store.requireReleaseAbsent(request.app(), release);
            ctx.release(release);

            listener.phase("sources");
            ctx.source(git.capture(store, request.source()));
            ctx.source().referencedImages().forEach(r -> ctx.addImageCandidate(r.ref(), r.file() + ":" + r.line()));
            request.images().images().forEach(ref -> ctx.addImageCandidate(ref, "option"));
            for (BackupStep step : steps) {
                listener.phase(step.name());
                step.run(ctx);
            }

            listener.phase("manifest");
            Manifest manifest = new Manifest(Manifest.SCHEMA_VERSION, request.app(), release, now.toString(),
                    new ToolInfo("layercake", version()), build, ctx.source(), ctx.images(), ctx.kubernetes());
            Digest digest = store.writeManifest(manifest);
            listener.info("release " + request.app() + "/" + release + " written: " + digest);
            boolean frozen = sealer.seal(request.app(), release);
            if (frozen && request.freeze() != null && request.freeze().tagImages()) {
                listener.phase("release tags");
                try {
                    ReleaseTagger.create(env, request.images().insecureRegistries()).tag(manifest, listener);
                } catch (LayercakeException e) {
                    // The release itself is complete; say so, so nobody re-runs the whole backup.
                    throw new LayercakeException(e.kind(), "release " + request.app() + "/" + release
                            + " was written and frozen, but tagging its images failed: " + e.getMessage()
                            + " (re-run: layercake freeze --tag-images)", e);
                }
            }
            return new BackupResult(request.app(), release, digest, store.location().uri(),
                    withSlash(store.location().uri()) + StoreKeys.manifest(request.app(), release),
                    ctx.source().files().size(), ctx.images().size(), ctx.kubernetes().resources().size(),
                    ctx.images().stream().map(BackupEngine::pinned).toList(),
                    store.stats().blobsWritten(), store.stats().bytesWritten(), store.stats().blobsSkipped(), frozen);
        }
    }

    private static String pinned(ImageEntry image) {
        String ref = image.ref();
        int at = ref.indexOf('@');
        return (at >= 0 ? ref.substring(0, at) : ref) + "@" + image.digest();
    }

    private static String withSlash(String uri) {
        return uri.endsWith("/") ? uri : uri + "/";
    }

    public static String version() {
        String v = BackupEngine.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

}
