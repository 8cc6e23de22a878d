package dev.layercake.verify;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.progress.ProgressListener;
import dev.layercake.store.DigestingInputStream;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ReleaseStore;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Re-reads and re-hashes every object a release names. Reports each missing or corrupt object by what it
 * is ("source file deploy/app.yaml"), not only by digest, so a person knows what was lost.
 */
public final class ReleaseVerifier {

    private final ReleaseStore store;
    private final ProgressListener listener;

    public ReleaseVerifier(ReleaseStore store, ProgressListener listener) {
        this.store = store;
        this.listener = listener;
    }

    public VerifyReport verify(String app, String release) {
        byte[] bytes = store.readManifestBytes(app, release);
        Digest manifestDigest = Digest.of(bytes);
        Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
        if (!app.equals(manifest.app()) || !release.equals(manifest.release())) {
            throw LayercakeException.corrupt("the manifest stored as " + app + "/" + release + " names "
                    + manifest.app() + "/" + manifest.release());
        }
        Map<Digest, String> blobs = manifest.referencedBlobs();
        List<VerifyReport.Problem> problems = new ArrayList<>();
        long bytesChecked = 0;
        int done = 0;
        listener.phase("verify");
        for (Map.Entry<Digest, String> e : blobs.entrySet()) {
            Digest digest = e.getKey();
            Optional<ObjectInfo> info = store.statBlob(digest);
            if (info.isEmpty()) {
                problems.add(new VerifyReport.Problem(e.getValue(), digest, "missing", "not in the store"));
            } else {
                try (DigestingInputStream in = new DigestingInputStream(store.openBlob(digest))) {
                    in.transferTo(OutputStream.nullOutputStream());
                    bytesChecked += in.count();
                    Digest actual = in.digest();
                    if (!actual.equals(digest)) {
                        problems.add(new VerifyReport.Problem(e.getValue(), digest, "corrupt", "content hashes to " + actual));
                    }
                } catch (IOException ex) {
                    problems.add(new VerifyReport.Problem(e.getValue(), digest, "unreadable", ex.getMessage()));
                }
            }
            listener.progress("verify", ++done, blobs.size(), "objects");
        }
        for (VerifyReport.Problem p : problems) {
            listener.warn(p.problem() + ": " + p.object() + " (" + p.digest() + ")");
        }
        return new VerifyReport(app, release, manifestDigest, blobs.size(), bytesChecked, problems);
    }

}
