package dev.layercake.restore;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.RestoreResult;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.LayercakeException;
import dev.layercake.images.ImageRestore;
import dev.layercake.kube.KubernetesRestore;
import dev.layercake.api.result.KubernetesRestoreReport;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.sign.SignatureGate;
import dev.layercake.backup.IncompletePolicy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Restores one release: sources to a folder, images to a registry, objects to a cluster. */
public final class RestoreEngine {

    private final Access access;
    /** How the request's store is opened; a test serves it through a wrapper (a store that changes between reads). */
    Function<RestoreRequest, ReleaseStore> storeOpener = r -> ReleaseStore.open(r.store(), access(), r.insecureRegistries());

    public RestoreEngine() {
        this(Access.fromEnvironment(System.getenv()));
    }

    /** {@code access}: the environment the engine reads credentials and keys from (Jenkins passes its own). */
    public RestoreEngine(Access access) {
        this.access = access;
    }

    private Access access() {
        return access;
    }

    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        Names.checkSegment("app", request.app());
        Names.checkSegment("release id", request.release());
        if (request.sourcesTo() == null && request.imagesTo() == null && !request.kubernetes().enabled()) {
            throw LayercakeException.usage("nothing to restore: give --sources-to DIR, --images-to REGISTRY/PREFIX"
                    + " and/or a Kubernetes target (--namespace-mapping, --context or --kubeconfig)");
        }
        try (ReleaseStore store = storeOpener.apply(request)) {
            byte[] bytes = store.readManifestBytes(request.app(), request.release());
            Digest digest = Digest.of(bytes);
            Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + request.app() + "/" + request.release());
            // The rules verify reports, from the same place: a manifest verify flags is refused here before any write.
            dev.layercake.verify.ManifestRules.require(manifest, request.app(), request.release());
            // The signature decision verify makes (flag, key, store policy), before anything is written.
            SignatureGate.Verdict signature = SignatureGate.check(store, request.app(), request.release(), bytes,
                    request.publicKey() == null ? null : Path.of(request.publicKey()), request.requireSignature());
            if (signature.failed()) {
                throw LayercakeException.corrupt("restore of " + request.app() + "/" + request.release()
                        + " refused, nothing was written: " + signature.detail());
            }
            if (!signature.state().equals(SignatureGate.VERIFIED)) {
                listener.warn(signature.detail());
            }
            if (!manifest.complete()) {
                // Said before anything is written and again in the result: what this restore cannot bring back.
                listener.warn(IncompletePolicy.banner(manifest.incomplete()) + " — this restore does NOT bring them back;"
                        + " workloads that need them will not start until they are provided");
            }
            // The cluster is checked first (key, served kinds, --existing fail): a restore that cannot apply its
            // objects writes no file and pushes no image either.
            KubernetesRestore cluster = request.kubernetes().enabled()
                    ? new KubernetesRestore(store, manifest, digest, KubeRestoreTargets.of(request.kubernetes()), request.dryRun(), listener, access)
                    : null;
            try (KubernetesRestore.Checked checked = cluster == null ? null : cluster.check()) {
                SourceRestore.Result sources = null;
                if (request.sourcesTo() != null) {
                    sources = SourceRestore.restore(store, manifest, Path.of(request.sourcesTo()), request.dryRun(), listener);
                    listener.info((request.dryRun() ? "would write " : "wrote ") + sources.written() + " file(s) to " + sources.directory()
                            + (sources.unchanged() > 0 ? " (" + sources.unchanged() + " already identical)" : ""));
                }
                List<String> pushed = List.of();
                if (request.imagesTo() != null) {
                    if (request.dryRun()) {
                        pushed = manifest.images().stream().map(i -> i.ref() + "@" + i.digest() + " (dry run: not pushed)").toList();
                    } else {
                        pushed = ImageRestore.create(access, request.insecureRegistries()).restore(store, manifest, request.imagesTo(), listener)
                                .stream().map(ImageRestore.RestoredImage::pushedTo).toList();
                    }
                }
                // Images before objects, so workloads pointed at a backup registry find their images there.
                KubernetesRestoreReport kubernetes = cluster == null ? null : cluster.apply(checked);
                return new RestoreResult(request.app(), request.release(), digest, request.dryRun(),
                        sources == null ? null : sources.directory().toString(),
                        sources == null ? 0 : sources.written(), sources == null ? 0 : sources.unchanged(),
                        pushed, kubernetes, manifest.incomplete(), signature.state());
            }
        }
    }
}
