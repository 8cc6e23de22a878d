package dev.layercake.backup;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.BackupResult;
import dev.layercake.capture.BackupStep;
import dev.layercake.capture.BackupContext;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.LayercakeException;
import dev.layercake.build.BuildInfoResolver;
import dev.layercake.freeze.ReleaseSealer;
import dev.layercake.images.ReleaseTagger;
import dev.layercake.kube.LabelSelector;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.IncompleteEntry;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.model.ToolInfo;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.RegistryException;
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
 * Runs one backup: check the request, resolve the commit and the build, refuse a taken release id, then
 * capture sources and the other steps (Kubernetes, images), and write the manifest last. Nothing is visible
 * until that write, and a request that fails its checks (bad names or options, not a git repository, unknown
 * ref, store unreachable or unauthorised, release id taken) fails before anything is written to the store.
 */
public final class BackupEngine {

    private final List<BackupStep> steps;
    private final Access access;
    private final Clock clock;

    public BackupEngine() {
        this(BackupSteps.defaults(), Access.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    public BackupEngine(List<BackupStep> steps, Access access, Clock clock) {
        this.steps = List.copyOf(steps);
        this.access = access;
        this.clock = clock;
    }

    public BackupResult backup(BackupRequest request, ProgressListener listener) {
        // Bad input changes nothing: every check that needs no store comes first, then the git source and
        // the ref, then the read-only store checks (bucket, taken release id, freeze support). Only then is
        // anything written, starting with the backup lease.
        checkRequest(request);
        try (GitSource git = GitSource.open(request.source(), listener);
             ReleaseStore store = ReleaseStore.open(request.store(), access, request.images().insecureRegistries())) {
            BuildInfo detected = new BuildInfoResolver(access).resolve(request.build());
            checkBuildSystem(detected.system());
            BuildInfo build = new BuildInfo(detected.system(), detected.job(), detected.number(), detected.url(),
                    detected.triggeredBy(), git.commit());
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            String release = request.release() != null ? request.release()
                    : BuildInfoResolver.defaultRelease(build, git.commit(), now);
            Names.checkSegment("release id", release);
            ReleaseSealer sealer = ReleaseSealer.prepare(store, request.freeze(), listener);
            store.requireReleaseAbsent(request.app(), release);
            try (StoreLocks.Lock lease = StoreLocks.acquireBackupLease(store, request.app(), listener)) {
                return run(request, listener, store, git, build, release, now, sealer);
            }
        }
    }

    /** The checks that need neither the store nor git: names and option values. */
    private static void checkRequest(BackupRequest request) {
        Names.checkSegment("app", request.app());
        if (request.release() != null) {
            Names.checkSegment("release id", request.release());
        }
        if (request.images().target() != null && !request.images().mode().equals(ImageOptions.NONE)) {
            try {
                ImageRef.parseTarget(request.images().target());
            } catch (RegistryException e) {
                throw LayercakeException.usage("--image-target: " + e.getMessage());
            }
        }
        if (request.kubernetes().enabled()) {
            request.kubernetes().selectors().forEach(LabelSelector::parse);
        }
        dev.layercake.pipeline.PipelineFiles.check(request.pipelineFiles());
        if (request.freeze() != null && request.freeze().tagImages()
                && (request.images().target() == null || !request.images().mode().equals(ImageOptions.COPY))) {
            throw LayercakeException.usage("--tag-images tags the release's copies in the backup registry: it needs"
                    + " --image-target REGISTRY/PREFIX and --image-mode copy");
        }
    }

    private static void checkBuildSystem(String system) {
        if (!List.of(BuildInfo.JENKINS, BuildInfo.TEKTON, BuildInfo.CLI).contains(system)) {
            throw LayercakeException.usage("build system '" + system + "' is not one of jenkins, tekton, cli"
                    + " (--build-system or LAYERCAKE_BUILD_SYSTEM)");
        }
    }

    private BackupResult run(BackupRequest request, ProgressListener listener, ReleaseStore store, GitSource git,
                             BuildInfo build, String release, Instant now, ReleaseSealer sealer) {
        BackupContext ctx = new BackupContext(request, store, listener, access);
        ctx.build(build);
        ctx.release(release);

        listener.phase("sources");
        ctx.source(git.capture(store, request.source()));
        ctx.source().referencedImages().forEach(r -> ctx.addImageCandidate(r.ref(), r.file() + ":" + r.line()));
        request.images().images().forEach(ref -> ctx.addImageCandidate(ref, "option"));
        for (BackupStep step : steps) {
            if (!step.appliesTo(ctx)) {
                continue;
            }
            listener.phase(step.name());
            step.run(ctx);
        }

        List<IncompleteEntry> incomplete = IncompletePolicy.decide(ctx.gaps(), request.allowIncomplete(), request.app(), release);
        listener.phase("manifest");
        Manifest manifest = new Manifest(Manifest.SCHEMA_VERSION, request.app(), release, now.toString(),
                new ToolInfo("layercake", version()), build, ctx.source(), ctx.images(), ctx.kubernetes(), incomplete,
                ctx.coverage(), ctx.pipeline());
        Digest digest = store.writeManifest(manifest);
        listener.info("release " + request.app() + "/" + release + " written: " + digest);
        if (!incomplete.isEmpty()) {
            listener.warn(IncompletePolicy.banner(incomplete));
        }
        boolean frozen = sealer.seal(request.app(), release, digest);
        if (frozen && request.freeze() != null && request.freeze().tagImages()) {
            listener.phase("release tags");
            ReleaseTagger.tagFrozenRelease(access, request.images().insecureRegistries(), manifest, listener);
        }
        return new BackupResult(request.app(), release, digest, store.location().uri(),
                withSlash(store.location().uri()) + StoreKeys.manifest(request.app(), release),
                ctx.source().files().size(), ctx.images().size(), ctx.kubernetes().resources().size(),
                ctx.images().stream().map(BackupEngine::pinned).toList(),
                store.stats().blobsWritten(), store.stats().bytesWritten(), store.stats().blobsSkipped(), frozen, incomplete,
                ctx.imageCandidates().size(), ctx.source().unparsedYaml());
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
