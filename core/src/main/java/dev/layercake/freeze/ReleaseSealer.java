package dev.layercake.freeze;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.model.Digest;
import dev.layercake.sign.ManifestSigner;
import dev.layercake.sign.PemKeys;
import dev.layercake.store.ReleaseStore;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;

/**
 * The backup's last steps, after the manifest is written: sign it, then freeze the release. Everything that
 * can be checked is checked by {@link #prepare} before the backup does any work (key readable, store able to
 * freeze), so a bad option fails in a second, not after the upload.
 */
public final class ReleaseSealer {

    private final ReleaseStore store;
    private final FreezeOptions options;
    private final PrivateKey signingKey;
    private final Instant retainUntil;
    private final ProgressListener listener;

    private ReleaseSealer(ReleaseStore store, FreezeOptions options, PrivateKey signingKey, Instant retainUntil,
                          ProgressListener listener) {
        this.store = store;
        this.options = options;
        this.signingKey = signingKey;
        this.retainUntil = retainUntil;
        this.listener = listener;
    }

    public static ReleaseSealer prepare(ReleaseStore store, FreezeOptions options, ProgressListener listener) {
        FreezeOptions o = options == null ? FreezeOptions.none() : options;
        Instant until = ReleaseFreezer.parseRetainUntil(o.retainUntil());
        if (!o.freeze() && (until != null || o.legalHold())) {
            throw LayercakeException.usage("--retain-until and --legal-hold apply to --freeze; add --freeze");
        }
        if (!o.freeze() && o.tagImages()) {
            throw LayercakeException.usage("--tag-images applies to --freeze; add --freeze");
        }
        PrivateKey key = o.signingKey() == null || o.signingKey().isBlank() ? null : PemKeys.readPrivate(Path.of(o.signingKey()));
        if (o.freeze()) {
            new ReleaseFreezer().check(store, until, o.legalHold());
        }
        return new ReleaseSealer(store, o, key, until, listener);
    }

    /** Signs and/or freezes the written release as asked; returns whether it is now frozen. */
    public boolean seal(String app, String release) {
        return seal(app, release, null);
    }

    /** As {@link #seal(String, String)}; signs only the manifest with digest {@code written} (the one just written). */
    public boolean seal(String app, String release, Digest written) {
        if (signingKey != null) {
            listener.phase("sign");
            var signed = ManifestSigner.sign(store, app, release, written, signingKey);
            listener.info("manifest signed (" + signed.algorithm() + "): " + signed.signatureKey());
        }
        if (options.freeze()) {
            new ReleaseFreezer().apply(store, app, release, retainUntil, options.legalHold(), listener);
            return true;
        }
        return false;
    }
}
