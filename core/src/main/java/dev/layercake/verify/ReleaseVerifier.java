package dev.layercake.verify;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.VerifyReport;
import dev.layercake.LayercakeException;
import dev.layercake.images.ImageVerifier;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.sign.SignatureGate;
import dev.layercake.store.DigestingInputStream;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ReleaseStore;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Re-reads and re-hashes every object a release names. Reports each missing or corrupt object by what it
 * is ("source file deploy/app.yaml"), not only by digest, so a person knows what was lost.
 */
public final class ReleaseVerifier {

    private final ReleaseStore store;
    private final ProgressListener listener;
    private ImageVerifier registryCopies;

    public ReleaseVerifier(ReleaseStore store, ProgressListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /** Also checks that every image copy kept in a backup registry is there, blob by blob. */
    public ReleaseVerifier checkingRegistryCopies(Access access, List<String> insecureRegistries) {
        this.registryCopies = ImageVerifier.create(access, insecureRegistries);
        return this;
    }

    private boolean requireSignature;
    private Digest expectedDigest;

    public VerifyReport verify(String app, String release) {
        return verify(app, release, null);
    }

    /** Without a public key, the release fails verification (instead of "not signature-checked"). */
    public ReleaseVerifier requiringSignature(boolean require) {
        this.requireSignature = require;
        return this;
    }

    /** The manifest digest the pipeline recorded at backup time: a stored manifest with another digest fails. */
    public ReleaseVerifier expectingDigest(Digest expected) {
        this.expectedDigest = expected;
        return this;
    }

    /**
     * Verifies every object and, when {@code publicKeyPem} is given, the manifest's signature: a missing,
     * foreign or broken signature is a problem like a corrupt blob.
     */
    public VerifyReport verify(String app, String release, Path publicKeyPem) {
        return verify(app, release, store.readManifestBytes(app, release), publicKeyPem);
    }

    /**
     * As {@link #verify(String, String, Path)} on manifest bytes the caller already read and acts on (the drill):
     * everything, the signature included, is checked on exactly these bytes; the manifest is not read again.
     */
    public VerifyReport verify(String app, String release, byte[] bytes, Path publicKeyPem) {
        Digest manifestDigest = Digest.of(bytes);
        List<VerifyReport.Problem> problems = new ArrayList<>();
        // The signature first: a tampered manifest is reported as such, whatever else it now says. The same decision
        // restore makes (SignatureGate): the command's key or the store policy's, required by the flag or the policy.
        SignatureGate.Verdict verdict = SignatureGate.check(store, app, release, bytes, publicKeyPem, requireSignature);
        String signature = verdict.state();
        if (verdict.failed()) {
            problems.add(new VerifyReport.Problem("manifest signature", manifestDigest, "signature", verdict.detail()));
        } else if (signature.equals(VerifyReport.SIGNATURE_VERIFIED)) {
            listener.info("signature: " + verdict.detail());
        } else {
            listener.warn(verdict.detail());
        }
        if (expectedDigest != null && !expectedDigest.equals(manifestDigest)) {
            problems.add(new VerifyReport.Problem("release manifest", manifestDigest, "digest-mismatch",
                    "the pipeline recorded " + expectedDigest + " for this release; the stored manifest is not that one"));
        }
        Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
        if (problems.isEmpty() && (!app.equals(manifest.app()) || !release.equals(manifest.release()))) {
            throw LayercakeException.corrupt("the manifest stored as " + app + "/" + release + " names "
                    + manifest.app() + "/" + manifest.release());
        }
        for (ManifestRules.Violation v : ManifestRules.check(manifest, app, release)) {
            problems.add(new VerifyReport.Problem(v.object(), manifestDigest, "invalid", v.detail()
                    + " (restore refuses this release)"));
        }
        Map<Digest, String> blobs = manifest.referencedBlobs();
        Map<Digest, Long> recordedSizes = manifest.recordedBlobSizes();

        Set<Digest> packs = new HashSet<>();
        manifest.kubernetes().resources().stream().filter(r -> r.pack() != null).forEach(r -> packs.add(r.pack().digest()));
        long bytesChecked = 0;
        int done = 0;
        listener.phase("verify");
        for (Map.Entry<Digest, String> e : blobs.entrySet()) {
            Digest digest = e.getKey();
            Optional<ObjectInfo> info = store.statBlob(digest);
            Long recorded = recordedSizes.get(digest);
            if (info.isEmpty()) {
                problems.add(new VerifyReport.Problem(e.getValue(), digest, "missing", "not in the store"));
            } else if (recorded != null && info.get().size() >= 0 && info.get().size() != recorded) {
                problems.add(new VerifyReport.Problem(e.getValue(), digest, "corrupt", "the manifest records " + recorded
                        + " bytes, the store holds " + info.get().size()));
            } else if (packs.contains(digest)) {
                // Read once: the store checks the pack's hash and keeps its bytes for the objects' check below.
                try {
                    bytesChecked += store.readPack(digest).length;
                } catch (LayercakeException ex) {
                    problems.add(new VerifyReport.Problem(e.getValue(), digest,
                            ex.kind() == LayercakeException.Kind.CORRUPT ? "corrupt" : "unreadable", ex.getMessage()));
                }
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
        // A pack hashing right is not enough: each object must be where the manifest says, with its own digest.
        Set<Digest> badBlobs = new HashSet<>();
        problems.forEach(p -> badBlobs.add(p.digest()));
        for (KubernetesResource r : manifest.kubernetes().resources()) {
            if (r.pack() != null && !badBlobs.contains(r.pack().digest())) {
                try {
                    store.readPacked(r.digest(), r.pack());
                } catch (LayercakeException ex) {
                    problems.add(new VerifyReport.Problem("kubernetes " + r.describe(), r.digest(),
                            ex.kind() == LayercakeException.Kind.CORRUPT ? "corrupt" : "unreadable", ex.getMessage()));
                }
            }
        }
        if (registryCopies != null && manifest.images().stream().anyMatch(i -> i.copies().stream()
                .anyMatch(c -> ImageCopy.REGISTRY.equals(c.type())))) {
            listener.phase("registry copies");
            for (ImageVerifier.CopyProblem p : registryCopies.checkRegistryCopies(manifest, listener)) {
                Digest named;
                try {
                    named = Digest.parse(p.digest());
                } catch (RuntimeException notADigest) {
                    named = manifestDigest; // the registry sent something that is not a digest; the detail says what
                }
                problems.add(new VerifyReport.Problem(p.object(), named, p.status(), p.detail()));
            }
        }
        for (VerifyReport.Problem p : problems) {
            listener.warn(p.problem() + ": " + p.object() + " (" + p.digest() + ")");
        }
        if (!manifest.complete()) {
            listener.warn(dev.layercake.backup.IncompletePolicy.banner(manifest.incomplete()));
        }
        return new VerifyReport(app, release, manifestDigest, blobs.size(), bytesChecked, problems, manifest.incomplete(),
                signature);
    }

}
