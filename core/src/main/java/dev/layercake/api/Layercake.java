package dev.layercake.api;

import dev.layercake.LayercakeException;
import dev.layercake.api.access.Access;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.request.CopyRequest;
import dev.layercake.api.request.DiffRequest;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.api.request.ExportRequest;
import dev.layercake.api.request.FreezeRequest;
import dev.layercake.api.request.GcRequest;
import dev.layercake.api.request.ImportRequest;
import dev.layercake.api.request.PolicyRequest;
import dev.layercake.api.request.PruneRequest;
import dev.layercake.api.request.ReportRequest;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.request.SignaturePolicy;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.request.VerifyRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.result.CopyResult;
import dev.layercake.api.result.DiffReport;
import dev.layercake.api.result.DrillResult;
import dev.layercake.api.result.ExportResult;
import dev.layercake.api.result.FreezeResult;
import dev.layercake.api.result.FrozenRelease;
import dev.layercake.api.result.GcResult;
import dev.layercake.api.result.ImageTag;
import dev.layercake.api.result.PipelineFilesWritten;
import dev.layercake.api.result.PolicyState;
import dev.layercake.api.result.PruneResult;
import dev.layercake.api.result.ReleaseEntry;
import dev.layercake.api.result.ReleaseReport;
import dev.layercake.api.result.ReleaseView;
import dev.layercake.api.result.RenderedReport;
import dev.layercake.api.result.RestoreResult;
import dev.layercake.api.result.VerifyReport;
import dev.layercake.backup.BackupEngine;
import dev.layercake.backup.BackupSteps;
import dev.layercake.drill.Drill;
import dev.layercake.drill.DrillRecords;
import dev.layercake.freeze.ReleaseFreezer;
import dev.layercake.images.ReleaseTagger;
import dev.layercake.kube.ReleaseDiff;
import dev.layercake.kube.SecretCipher;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.ManifestSummary;
import dev.layercake.model.Names;
import dev.layercake.pipeline.PipelineRestore;
import dev.layercake.report.ReleaseReports;
import dev.layercake.report.ReportRenderer;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.retention.GarbageCollector;
import dev.layercake.retention.Pruner;
import dev.layercake.sign.SignaturePolicies;
import dev.layercake.store.ReleaseStore;
import dev.layercake.transfer.ReleaseArchive;
import dev.layercake.transfer.ReleaseCopier;
import dev.layercake.verify.ReleaseVerifier;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one entry to the engine. The CLI, the Jenkins plugin and the Tekton Tasks (through the CLI) call only this
 * class, with request records from {@code api.request}, and get results from {@code api.result} and the manifest
 * model; how a store, a registry or a cluster is reached comes from the {@link Access} given once.
 *
 * <pre>{@code
 * Layercake layercake = Layercake.with(Access.fromEnvironment(System.getenv()));
 * BackupResult r = layercake.backup(request, ProgressListener.NONE);
 * }</pre>
 *
 * Immutable and thread-safe: every call opens what it needs and closes it before returning.
 */
public final class Layercake {

    private final Access access;
    private final Clock clock;

    private Layercake(Access access, Clock clock) {
        this.access = Objects.requireNonNull(access, "access");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static Layercake with(Access access) {
        return new Layercake(access, Clock.systemUTC());
    }

    /** With another clock (tests; release ids and record times come from it). */
    public Layercake withClock(Clock clock) {
        return new Layercake(access, clock);
    }

    public Access access() {
        return access;
    }

    /** The engine's version, as recorded in every manifest's {@code tool}. */
    public static String version() {
        return BackupEngine.version();
    }

    // ---- record ------------------------------------------------------------------------------------

    /** Records one release: sources, images, Kubernetes objects, the manifest last; freezes and tags when asked. */
    public BackupResult backup(BackupRequest request, ProgressListener listener) {
        return new BackupEngine(BackupSteps.defaults(), access, clock).backup(request, listener);
    }

    /** Freezes a release (retention date or legal hold), then tags its registry copies when asked. */
    public FrozenRelease freeze(FreezeRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), request.insecureRegistries())) {
            FreezeResult frozen = new ReleaseFreezer(clock).apply(store, request.app(), request.release(), request.retainUntil(),
                    request.legalHold(), listener);
            List<ImageTag> tags = request.tagImages()
                    ? ReleaseTagger.tagFrozenRelease(access, request.insecureRegistries(), store.readManifest(request.app(), request.release()),
                    listener)
                    : List.of();
            return new FrozenRelease(frozen, tags);
        }
    }

    // ---- bring back --------------------------------------------------------------------------------

    /** Restores sources to a folder, images to a registry and objects to a cluster, each when asked. */
    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        return new RestoreEngine(access).restore(request, listener);
    }

    /** Writes the release's pipeline section (config.xml, PipelineRun, pipeline files) into {@code directory}. */
    public PipelineFilesWritten restorePipeline(StoreLocation location, String app, String release, Path directory, boolean dryRun) {
        Names.checkSegment("app", app);
        Names.checkSegment("release id", release);
        try (ReleaseStore store = open(location, List.of())) {
            return PipelineRestore.restore(store, store.readManifest(app, release), directory, dryRun);
        }
    }

    // ---- prove -------------------------------------------------------------------------------------

    /** Re-creates the release somewhere harmless, checks it, records the outcome next to the release, cleans up. */
    public DrillResult drill(DrillRequest request, ProgressListener listener) {
        return new Drill(access, clock).run(request, listener);
    }

    /** Removes what earlier (killed) drills left in the cluster: only objects carrying the drill label; returns the count. */
    public int cleanDrills(DrillRequest request, ProgressListener listener) {
        return new Drill(access, clock).clean(request, listener);
    }

    /** Checks every stored object against its digest, the signature and the backup-registry copies. */
    public VerifyReport verify(VerifyRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), request.insecureRegistries())) {
            return new ReleaseVerifier(store, listener)
                    .checkingRegistryCopies(access, request.insecureRegistries())
                    .requiringSignature(request.requireSignature())
                    .expectingDigest(request.expectDigest())
                    .verify(request.app(), request.release(), request.publicKey());
        }
    }

    /** Compares a release's objects with another release or with the live cluster. */
    public DiffReport diff(DiffRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), List.of())) {
            Manifest left = store.readManifest(request.app(), request.release());
            if (request.against() != null) {
                Manifest right = store.readManifest(request.app(), request.against());
                return ReleaseDiff.between(store, left, right,
                        SecretCipher.load(request.encryptionKeyFile(), request.encryptionKeyEnv(), access));
            }
            return ReleaseDiff.againstLive(store, left, request.live(), listener, access);
        }
    }

    /** The release report: one self-contained HTML page (and its data) read from the store only. */
    public RenderedReport report(StoreLocation location, ReportRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(location, List.of())) {
            listener.info("reading " + request.app() + "/" + request.release() + (request.against() == null ? "" : " and " + request.against()));
            ReleaseReport report = ReleaseReports.build(store, request);
            return new RenderedReport(report, ReportRenderer.html(report));
        }
    }

    // ---- read --------------------------------------------------------------------------------------

    /** Every release of {@code app} (null: of every app), oldest first per app. */
    public List<ReleaseEntry> list(StoreLocation location, String app, List<String> insecureRegistries) {
        try (ReleaseStore store = open(location, insecureRegistries)) {
            List<String> apps = app != null ? List.of(app) : store.listApps();
            List<ReleaseEntry> rows = new ArrayList<>();
            for (String a : apps) {
                for (String r : store.listReleases(a)) {
                    byte[] bytes = store.readManifestBytes(a, r);
                    // the fields a row shows, streamed: binding the whole manifest costs more than the listing
                    ManifestSummary m = ManifestSummary.read(bytes, "manifest of " + a + "/" + r);
                    rows.add(new ReleaseEntry(a, r, m.createdAt(), Digest.of(bytes).toString(), m.commit(), m.build(),
                            m.files(), m.images(), m.kubernetesObjects(), m.complete(), m.incomplete(),
                            DrillRecords.latestSummary(store, a, r).orElse(null)));
                }
            }
            return rows;
        }
    }

    /** One release: its stored manifest bytes, the parsed manifest, its latest drill. */
    public ReleaseView show(StoreLocation location, String app, String release) {
        try (ReleaseStore store = open(location, List.of())) {
            byte[] bytes = store.readManifestBytes(app, release);
            Manifest m = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
            return new ReleaseView(bytes, m, Digest.of(bytes), DrillRecords.latestSummary(store, app, release).orElse(null));
        }
    }

    // ---- keep --------------------------------------------------------------------------------------

    /** Removes old releases of one app (never frozen ones); their blobs go at the next gc. */
    public PruneResult prune(PruneRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), request.insecureRegistries())) {
            return new Pruner(clock).run(store, request.app(), request.keep(), request.olderThan(), request.dryRun(), listener);
        }
    }

    /** Collects blobs no release names, never younger than the grace period, never while a backup runs. */
    public GcResult gc(GcRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), List.of())) {
            return GarbageCollector.collect(store, request.grace() == null ? GarbageCollector.DEFAULT_GRACE : request.grace(),
                    request.dryRun(), listener);
        }
    }

    /** Reads, or sets, the signature policy of a store or app. */
    public PolicyState policy(PolicyRequest request) {
        if (request.publicKey() != null && !request.requireSignature()) {
            throw LayercakeException.usage("--public-key needs --require-signature: a policy stores the key it requires"
                    + " signatures to check with");
        }
        try (ReleaseStore store = open(request.store(), List.of())) {
            if (request.sets()) {
                SignaturePolicies.write(store, request.app(),
                        SignaturePolicies.of(request.requireSignature(), request.publicKey(), clock), request.replace());
            }
            // The generation in force (policy/store.json, then policy/store/<n>.json after each --replace).
            SignaturePolicies.Stored stored = SignaturePolicies.readStored(store, request.app()).orElse(null);
            SignaturePolicy own = stored == null ? null : stored.policy();
            SignaturePolicies.Effective effective = SignaturePolicies.effective(store, request.app());
            return new PolicyState(request.app() == null ? "store" : "app " + request.app(),
                    stored == null ? SignaturePolicies.key(request.app()) : stored.key(),
                    request.sets(), own, effective.requireSignature(), effective.requiredBy(), effective.keyFrom());
        }
    }

    // ---- move --------------------------------------------------------------------------------------

    /** Copies releases between stores (any kinds), blobs verified, manifests last, already-present ones skipped. */
    public CopyResult copy(CopyRequest request, ProgressListener listener) {
        return new ReleaseCopier().copy(request, access, listener);
    }

    /**
     * Copies releases between stores reached with different credentials: {@code from} with this entry's access,
     * {@code to} with {@code toAccess} (the Jenkins step, whose two stores have their own credentials).
     */
    public CopyResult copy(CopyRequest request, Access toAccess, ProgressListener listener) {
        return new ReleaseCopier().copy(request, access, Objects.requireNonNull(toAccess, "toAccess"), listener);
    }

    /** Writes one release as an OCI-layout tar. */
    public ExportResult export(ExportRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), request.insecureRegistries())) {
            return new ReleaseArchive().export(store, request.app(), request.release(), request.output(), listener);
        }
    }

    /** Brings an exported tar into a store. */
    public CopyResult importRelease(ImportRequest request, ProgressListener listener) {
        try (ReleaseStore store = open(request.store(), request.insecureRegistries())) {
            return new ReleaseArchive().importTar(request.tar(), store, listener);
        }
    }

    private ReleaseStore open(StoreLocation location, List<String> insecureRegistries) {
        return ReleaseStore.open(location, access, insecureRegistries == null ? List.of() : insecureRegistries);
    }
}
