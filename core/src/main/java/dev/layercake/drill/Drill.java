package dev.layercake.drill;

import dev.layercake.api.result.DrillResult;
import dev.layercake.api.access.Access;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.api.request.DrillRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.images.ImageRestore;
import dev.layercake.images.ImageVerifier;
import dev.layercake.kube.Discovery;
import dev.layercake.kube.KubeConnection;
import dev.layercake.kube.KubernetesRestore;
import dev.layercake.kube.KubernetesRestoreException;
import dev.layercake.api.result.KubernetesRestoreReport;
import dev.layercake.kube.ObjectDiff;
import dev.layercake.kube.ResourceType;
import dev.layercake.kube.RestoreTarget;
import dev.layercake.kube.Sanitizer;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.model.SourceFile;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.restore.SourceRestore;
import dev.layercake.store.DigestingInputStream;
import dev.layercake.store.ReleaseStore;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A restore drill: re-creates a release somewhere harmless, checks every part, records the outcome and
 * cleans up. Built on verify and restore, not beside them: integrity is {@link ReleaseVerifier}, sources
 * are {@link SourceRestore} into a temporary folder, images {@link ImageRestore}/{@link ImageVerifier}, and
 * Kubernetes objects {@link KubernetesRestore} into scratch namespaces, every object labelled as this
 * drill's. A drill writes only into namespaces it creates and deletes only what carries its labels.
 */
public final class Drill {

    /** On every object a drill creates: the drill's id; and the app, so the next drill removes leftovers. */
    public static final String LABEL_DRILL = "layercake.dev/drill";
    public static final String LABEL_DRILL_APP = "layercake.dev/drill-app";

    private final Access access;
    private final Clock clock;
    private Consumer<KubernetesClient> beforeReadBack = client -> { };

    public Drill() {
        this(Access.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    public Drill(Access access, Clock clock) {
        this.access = access;
        this.clock = clock;
    }

    /** Test hook: runs after the objects are applied and before they are read back. */
    public Drill beforeReadBack(Consumer<KubernetesClient> hook) {
        this.beforeReadBack = hook;
        return this;
    }


    public DrillResult run(DrillRequest request, ProgressListener listener) {
        Names.checkSegment("app", request.app());
        Names.checkSegment("release id", request.release());
        if (request.imagesTo() != null && request.imagesTo().startsWith(ImageRestore.OCI_LAYOUT_PREFIX)) {
            throw LayercakeException.usage("drill --images-to needs a scratch REGISTRY/PREFIX to push to and read back from, not "
                    + request.imagesTo() + " (an OCI layout folder)");
        }
        Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String drillId = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        try (ReleaseStore store = ReleaseStore.open(request.store(), access, request.insecureRegistries())) {
            byte[] bytes = store.readManifestBytes(request.app(), request.release());
            Digest digest = Digest.of(bytes);
            Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + request.app() + "/" + request.release());
            List<DrillRecord.Check> checks = new ArrayList<>();
            List<DrillRecord.Difference> differences = new ArrayList<>();

            // Bad input fails here, before anything is checked, pushed or applied: an unreachable cluster, a
            // scratch namespace that is not a drill's, kinds the target does not serve, a missing Secret key.
            try (KubePhase kube = KubePhase.prepare(this, store, manifest, digest, request, drillId, listener, differences)) {
                checks.add(integrity(store, request, bytes, listener, differences));
                checks.add(sources(store, manifest, listener, differences));
                checks.add(images(store, manifest, request, listener, differences));
                checks.addAll(kube.run());
            }

            DrillRecord record = new DrillRecord(request.app(), request.release(), digest.toString(), drillId, started.toString(),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(), DrillRecord.outcomeOf(checks), checks, differences, null);
            DrillRecords.Written written = DrillRecords.write(store, record, started, request.signingKey());
            listener.info("drill " + record.outcome() + (record.notObserved().isEmpty() ? "" : " (not observed: "
                    + String.join(", ", record.notObserved()) + ")") + "; record " + written.key());
            return new DrillResult(record, written.key(), written.digest(), written.signed());
        }
    }

    /** {@code drill --clean}: removes every drill-labelled object (of any app) from the request's cluster; returns how many. */
    public int clean(DrillRequest request, ProgressListener listener) {
        try (KubeConnection connection = KubeConnection.open(request.kubeconfig(), request.context(), access)) {
            int removed = new DrillCleaner(connection, listener).removeAll();
            listener.info("removed " + removed + " object(s) labelled " + LABEL_DRILL + " in context " + connection.context());
            return removed;
        }
    }

    // ---------------------------------------------------------------- integrity

    /** Verifies the very bytes the drill applies ({@code bytes}, read once): the manifest is not read again. */
    private static DrillRecord.Check integrity(ReleaseStore store, DrillRequest request, byte[] bytes, ProgressListener listener,
                                               List<DrillRecord.Difference> differences) {
        listener.phase("integrity");
        VerifyReport report = new ReleaseVerifier(store, listener).verify(request.app(), request.release(), bytes, request.publicKey());
        List<String> problems = new ArrayList<>();
        for (VerifyReport.Problem p : report.problems()) {
            problems.add(p.problem() + ": " + p.object() + " (" + p.digest() + "): " + p.detail());
            differences.add(new DrillRecord.Difference("integrity", p.object(), "content", p.digest().toString(), p.problem() + ": " + p.detail()));
        }
        return new DrillRecord.Check("integrity", report.ok() ? DrillRecord.PASSED : DrillRecord.FAILED,
                "verify: " + report.objectsChecked() + " object(s), " + report.bytesChecked() + " bytes re-hashed"
                        + (VerifyReport.SIGNATURE_VERIFIED.equals(report.signature()) ? "; signature checked"
                        : VerifyReport.SIGNATURE_FAILED.equals(report.signature()) ? "; signature FAILED"
                        : "; signature not checked (no --public-key)"), problems);
    }

    // ---------------------------------------------------------------- sources

    private static DrillRecord.Check sources(ReleaseStore store, Manifest manifest, ProgressListener listener,
                                             List<DrillRecord.Difference> differences) {
        List<SourceFile> files = manifest.source() == null ? List.of() : manifest.source().files();
        if (files.isEmpty()) {
            return new DrillRecord.Check("sources", DrillRecord.SKIPPED, "the release holds no source files", List.of());
        }
        Path dir = null;
        List<String> problems = new ArrayList<>();
        try {
            dir = Files.createTempDirectory("layercake-drill-sources");
            try {
                SourceRestore.restore(store, manifest, dir, false, listener);
            } catch (LayercakeException e) {
                problems.add(e.getMessage());
                differences.add(new DrillRecord.Difference("sources", "sources", "restore", "every file restored", e.getMessage()));
            }
            int compared = 0;
            for (SourceFile f : files) {
                Path file = dir.resolve(f.path());
                if (f.symlink() || problems.size() > 0 && !Files.exists(file)) {
                    continue;
                }
                Digest actual = hash(file);
                compared++;
                if (!f.digest().equals(actual)) {
                    problems.add("source file " + f.path() + " restored as " + actual + ", manifest says " + f.digest());
                    differences.add(new DrillRecord.Difference("sources", "source file " + f.path(), "digest", f.digest().toString(),
                            actual == null ? "missing" : actual.toString()));
                }
            }
            String git = compareWithGit(manifest, files, problems, differences);
            return new DrillRecord.Check("sources", problems.isEmpty() ? DrillRecord.PASSED : DrillRecord.FAILED,
                    "restored " + files.size() + " file(s) to a temporary folder, " + compared + " re-hashed against the manifest; " + git,
                    problems);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "drill: cannot use a temporary folder: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    /** Compares each captured file with git at the recorded commit, when the repository is reachable. */
    private static String compareWithGit(Manifest manifest, List<SourceFile> files, List<String> problems,
                                         List<DrillRecord.Difference> differences) {
        String repo = manifest.source().repo();
        String commit = manifest.source().commit();
        if (repo == null || commit == null) {
            return "git not compared (no repository or commit recorded)";
        }
        Path clone = null;
        try {
            clone = Files.createTempDirectory("layercake-drill-git");
            dev.layercake.source.JGitSettings.apply();
            try (Git git = Git.cloneRepository().setURI(repo).setBare(true).setDirectory(clone.toFile()).setTimeout(60).call()) {
                Repository r = git.getRepository();
                ObjectId id = r.resolve(commit);
                if (id == null) {
                    problems.add("commit " + commit + " is not in " + repo);
                    differences.add(new DrillRecord.Difference("sources", "git " + repo, "commit", commit, "absent"));
                    return "git compared: commit absent";
                }
                int mismatched = 0;
                try (RevWalk walk = new RevWalk(r)) {
                    RevCommit c = walk.parseCommit(id);
                    for (SourceFile f : files) {
                        if (f.symlink()) {
                            continue;
                        }
                        try (TreeWalk tw = TreeWalk.forPath(r, f.path(), c.getTree())) {
                            Digest atCommit = tw == null ? null : Digest.of(r.open(tw.getObjectId(0)).getBytes());
                            if (!f.digest().equals(atCommit)) {
                                mismatched++;
                                problems.add("source file " + f.path() + " differs from git at " + commit);
                                differences.add(new DrillRecord.Difference("sources", "source file " + f.path(), "git " + commit,
                                        f.digest().toString(), atCommit == null ? "absent at the commit" : atCommit.toString()));
                            }
                        }
                    }
                }
                return "git compared at " + commit + " (" + (files.size() - mismatched) + " identical)";
            }
        } catch (Exception e) {
            // unreachable repository: said so, never counted as compared
            return "git not compared (repository unreachable: " + e.getClass().getSimpleName() + ")";
        } finally {
            deleteTree(clone);
        }
    }

    private static Digest hash(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DigestingInputStream in = new DigestingInputStream(Files.newInputStream(file))) {
            in.transferTo(OutputStream.nullOutputStream());
            return in.digest();
        } catch (IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- images

    private DrillRecord.Check images(ReleaseStore store, Manifest manifest, DrillRequest request, ProgressListener listener,
                                     List<DrillRecord.Difference> differences) {
        if (manifest.images().isEmpty()) {
            return new DrillRecord.Check("images", DrillRecord.SKIPPED, "the release holds no images", List.of());
        }
        listener.phase("images");
        List<String> problems = new ArrayList<>();
        String how;
        if (request.imagesTo() != null) {
            List<ImageEntry> pushed = new ArrayList<>();
            try {
                for (ImageRestore.RestoredImage image : ImageRestore.create(access, request.insecureRegistries())
                        .restore(store, manifest, request.imagesTo(), listener)) {
                    ImageEntry entry = manifest.images().stream().filter(i -> i.ref().equals(image.ref())).findFirst().orElseThrow();
                    if (!entry.digest().toString().equals(image.digest())) {
                        problems.add("image " + image.ref() + " pushed as " + image.digest() + ", manifest says " + entry.digest());
                        differences.add(new DrillRecord.Difference("images", "image " + image.ref(), "digest", entry.digest().toString(), image.digest()));
                    }
                    pushed.add(new ImageEntry(entry.ref(), entry.digest(), entry.mediaType(), entry.platforms(), entry.size(), List.of(),
                            List.of(new ImageCopy(ImageCopy.REGISTRY, image.pushedTo())), List.of(), List.of()));
                }
            } catch (LayercakeException e) {
                problems.add(e.getMessage());
                differences.add(new DrillRecord.Difference("images", "images", "push to " + request.imagesTo(), "every image pushed", e.getMessage()));
            }
            // read back from the scratch registry: manifest and every blob there, by digest
            Manifest pushedOnly = new Manifest(manifest.schemaVersion(), manifest.app(), manifest.release(), manifest.createdAt(),
                    null, null, null, pushed, null);
            registryCopies(pushedOnly, request, listener, problems, differences);
            how = "pushed " + pushed.size() + " image(s) to " + request.imagesTo() + " and read them back by digest";
        } else if (manifest.images().stream().anyMatch(i -> i.copies().stream().anyMatch(c -> ImageCopy.REGISTRY.equals(c.type())))) {
            registryCopies(manifest, request, listener, problems, differences);
            how = "checked every backup-registry copy (manifest and every blob, by digest); no --images-to, nothing pushed";
        } else {
            return new DrillRecord.Check("images", DrillRecord.SKIPPED,
                    "no --images-to and no backup-registry copies: the store's image blobs were re-hashed by integrity only", List.of());
        }
        return new DrillRecord.Check("images", problems.isEmpty() ? DrillRecord.PASSED : DrillRecord.FAILED, how, problems);
    }

    /** Every registry copy the manifest names: manifest and every blob present, by digest; each problem named. */
    private void registryCopies(Manifest manifest, DrillRequest request, ProgressListener listener, List<String> problems,
                                List<DrillRecord.Difference> differences) {
        for (ImageVerifier.CopyProblem p : ImageVerifier.create(access, request.insecureRegistries()).checkRegistryCopies(manifest, listener)) {
            problems.add(p.toString());
            differences.add(new DrillRecord.Difference("images", p.object(), "digest", p.digest(), p.status() + ": " + p.detail()));
        }
    }

    // ---------------------------------------------------------------- kubernetes

    /** The scratch namespace of each namespace the release uses: {@code <ns>-drill-<id>} unless mapped. */
    static Map<String, String> scratchNamespaces(Manifest manifest, Map<String, String> mapping, String drillId) {
        Set<String> namespaces = new LinkedHashSet<>();
        for (KubernetesResource r : manifest.kubernetes().resources()) {
            if (r.namespace() != null) {
                namespaces.add(r.namespace());
            } else if (r.kind().equals("Namespace") && r.apiVersion().equals("v1")) {
                namespaces.add(r.name());
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String ns : namespaces) {
            String suffix = "-drill-" + drillId;
            out.put(ns, mapping.getOrDefault(ns, ns.substring(0, Math.min(ns.length(), 63 - suffix.length())) + suffix));
        }
        return out;
    }

    /**
     * The Kubernetes part in two halves: {@link #prepare} connects, removes what killed drills left, refuses a
     * foreign scratch namespace and runs every check the restore makes before it writes (served kinds,
     * decryption); {@link #run} applies, reads back, waits for readiness and cleans up.
     */
    private static final class KubePhase implements AutoCloseable {
        private final Drill drill;
        private final DrillRequest request;
        private final String drillId;
        private final ProgressListener listener;
        private final List<DrillRecord.Difference> differences;
        private List<DrillRecord.Check> early;
        private KubeConnection connection;
        private DrillCleaner cleaner;
        private KubernetesRestore restore;
        private KubernetesRestore.Checked checked;
        private Map<String, String> mapping;
        private int leftovers;

        private KubePhase(Drill drill, DrillRequest request, String drillId, ProgressListener listener,
                          List<DrillRecord.Difference> differences, List<DrillRecord.Check> early) {
            this.drill = drill;
            this.request = request;
            this.drillId = drillId;
            this.listener = listener;
            this.differences = differences;
            this.early = early;
        }

        static KubePhase prepare(Drill drill, ReleaseStore store, Manifest manifest, Digest digest, DrillRequest request, String drillId,
                                 ProgressListener listener, List<DrillRecord.Difference> differences) {
            if (!request.kubernetes()) {
                return new KubePhase(drill, request, drillId, listener, differences, List.of(new DrillRecord.Check("kubernetes",
                        DrillRecord.SKIPPED, "no cluster given (--kubeconfig, --context, --kubernetes)", List.of())));
            }
            if (manifest.kubernetes().resources().isEmpty()) {
                return new KubePhase(drill, request, drillId, listener, differences, List.of(new DrillRecord.Check("kubernetes",
                        DrillRecord.SKIPPED, "the release holds no Kubernetes objects", List.of())));
            }
            listener.phase("kubernetes: checking the drill cluster");
            KubePhase phase = new KubePhase(drill, request, drillId, listener, differences, null);
            try {
                phase.connection = KubeConnection.open(request.kubeconfig(), request.context(), drill.access);
                phase.cleaner = new DrillCleaner(phase.connection, listener);
                phase.leftovers = phase.cleaner.removeLeftovers(manifest.app()); // discovery first: an unreachable cluster fails here
                phase.mapping = scratchNamespaces(manifest, request.namespaceMapping(), drillId);
                phase.cleaner.refuseForeign(phase.mapping.values());
                Map<String, String> labels = Map.of(LABEL_DRILL, drillId, LABEL_DRILL_APP, manifest.app());
                RestoreTarget target = new RestoreTarget(request.kubeconfig(), request.context(),
                        phase.mapping, RestoreTarget.Existing.SKIP, true, request.imagesTo(),
                        request.encryptionKeyFile(), request.encryptionKeyEnv());
                phase.restore = new KubernetesRestore(store, manifest, digest, target, false, listener, drill.access).labelling(labels);
                try {
                    phase.checked = phase.restore.check();
                } catch (LayercakeException e) {
                    if (e.kind() != LayercakeException.Kind.CORRUPT) {
                        throw e; // bad input (unserved kinds, no key, no access): an error, not a drill outcome
                    }
                    differences.add(new DrillRecord.Difference("kubernetes", "kubernetes objects", "restore", "every object restorable",
                            e.getMessage()));
                    phase.early = List.of(new DrillRecord.Check("kubernetes", DrillRecord.FAILED,
                            "not restored: a stored object is corrupt; nothing was applied", List.of(e.getMessage())));
                }
                return phase;
            } catch (RuntimeException e) {
                phase.close();
                throw e;
            }
        }

        List<DrillRecord.Check> run() {
            if (early != null) {
                return early;
            }
            listener.phase("kubernetes");
            KubernetesRestoreReport report;
            List<ObjectNode> planned = checked.planned();
            try {
                report = restore.apply(checked);
            } catch (KubernetesRestoreException e) {
                int removed = cleaner.remove(drillId); // what was applied before the failure
                throw namespaceRefused(e, removed).orElse(e);
            } catch (RuntimeException e) {
                cleaner.remove(drillId); // what was applied before the failure
                throw e;
            }
            List<DrillRecord.Check> checks = new ArrayList<>();
            try {
                drill.beforeReadBack.accept(connection.client());
                checks.add(readBack(connection, planned, report, differences, leftovers));
                checks.add(new Readiness(connection, request.timeout(), listener).check(mapping.values(), differences));
            } finally {
                if (request.keep()) {
                    checks.add(new DrillRecord.Check("cleanup", DrillRecord.SKIPPED, "--keep-scratch: scratch objects left labelled "
                            + LABEL_DRILL + "=" + drillId + " in " + String.join(", ", mapping.values())
                            + " (the next drill of this app, or drill --clean, removes them)", List.of()));
                } else {
                    int removed = cleaner.remove(drillId);
                    checks.add(new DrillRecord.Check("cleanup", DrillRecord.PASSED, "deleted " + removed
                            + " object(s) labelled " + LABEL_DRILL + "=" + drillId, List.of()));
                }
            }
            return checks;
        }

        /**
         * A restore stopped because RBAC refused to create a scratch namespace: said as what it is (the identity
         * may not create namespaces), not as a restore to resume. The drill's own objects are already removed.
         */
        private java.util.Optional<LayercakeException> namespaceRefused(KubernetesRestoreException e, int removed) {
            KubernetesRestoreReport.Entry failed = e.report() == null ? null : e.report().failed().stream().findFirst().orElse(null);
            if (e.kind() != LayercakeException.Kind.AUTH || failed == null || !failed.kind().equals("Namespace")
                    || !"v1".equals(failed.apiVersion())) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new LayercakeException(LayercakeException.Kind.AUTH, "drill: the cluster refused to create"
                    + " the scratch namespace " + failed.name() + " (context " + connection.context() + ", " + connection.server()
                    + "): the identity of this kubeconfig lacks the permission to create namespaces (verb create on namespaces,"
                    + " cluster scope). A drill writes only into namespaces it creates itself. Fix: grant it, e.g. a ClusterRole"
                    + " rule {apiGroups: [\"\"], resources: [namespaces], verbs: [create]} bound to this identity, or run the drill"
                    + " with a --kubeconfig/--context that has it. Nothing of yours was touched: the drill removed the " + removed
                    + " object(s) it had created and wrote no record.", e));
        }

        @Override
        public void close() {
            if (checked != null) {
                checked.close();
            }
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static DrillRecord.Check readBack(KubeConnection connection, List<ObjectNode> planned, KubernetesRestoreReport report,
                                              List<DrillRecord.Difference> differences, int leftovers) {
        Discovery discovery = Discovery.discover(connection);
        Set<String> created = new LinkedHashSet<>();
        report.applied().forEach(e -> created.add(e.object()));
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (ObjectNode expected : planned) {
            dev.layercake.kube.ObjectId id = dev.layercake.kube.ObjectId.of(expected);
            String object = id.kind() + " " + (id.namespace() == null ? "" : id.namespace() + "/") + id.name();
            if (!created.contains(object)) {
                continue; // existed already (a cluster-scoped object not ours): skipped by the restore, never touched
            }
            ResourceType type = discovery.find(id.group(), id.kind()).orElse(null);
            if (type == null) {
                problems.add(object + " cannot be read back: its kind is not served");
                differences.add(new DrillRecord.Difference("kubernetes", object, "/", "present", "kind not served"));
                continue;
            }
            String apiVersion = expected.path("apiVersion").asText();
            ResourceType at = new ResourceType(type.group(), apiVersion.substring(apiVersion.indexOf('/') + 1), type.kind(), type.plural(), type.namespaced());
            var op = connection.client().genericKubernetesResources(at.context());
            GenericKubernetesResource live;
            try {
                live = id.namespace() == null ? op.withName(id.name()).get() : op.inNamespace(id.namespace()).withName(id.name()).get();
            } catch (KubernetesClientException e) {
                throw connection.failure("reading back " + object, e);
            }
            compared++;
            if (live == null) {
                problems.add(object + " is gone");
                differences.add(new DrillRecord.Difference("kubernetes", object, "/", "present", "absent"));
                continue;
            }
            boolean secret = id.group().isEmpty() && id.kind().equals("Secret");
            JsonNode actual = Sanitizer.forComparison(Json.mapper().valueToTree(live));
            for (DriftEntry.Field f : ObjectDiff.full(Sanitizer.forComparison(expected), actual, secret)) {
                if (!DrillCompareRules.ignored(id.group(), id.kind(), f)) {
                    problems.add(object + " " + f.pointer() + " " + f.change());
                    differences.add(new DrillRecord.Difference("kubernetes", object, f.pointer(),
                            f.declared() == null ? "(absent)" : f.declared(), f.live() == null ? "(absent)" : f.live()));
                }
            }
        }
        return new DrillRecord.Check("kubernetes", problems.isEmpty() ? DrillRecord.PASSED : DrillRecord.FAILED,
                "restored into scratch namespaces in context " + connection.context() + ", images pinned to digests; "
                        + report.applied().size() + " object(s) created, " + report.skipped().size() + " existing left alone, "
                        + compared + " read back and compared (server-filled fields ignored by DrillCompareRules)"
                        + (leftovers > 0 ? "; removed " + leftovers + " leftover object(s) of an earlier drill" : ""), problems);
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
