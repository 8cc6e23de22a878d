package dev.layercake.api.result;

import dev.layercake.model.Digest;
import dev.layercake.model.IncompleteEntry;

import java.util.List;

/**
 * The outcome of verifying a release: every object checked, and each problem by name. {@code incomplete}: what
 * the release itself records as never captured (verify checks what is there; this says what is not).
 * {@code signature}: {@link #SIGNATURE_VERIFIED}, {@link #SIGNATURE_NOT_CHECKED} (no public key given: an edited
 * manifest would verify clean) or {@link #SIGNATURE_FAILED}.
 */
public record VerifyReport(String app, String release, Digest manifestDigest, int objectsChecked, long bytesChecked,
                           List<Problem> problems, List<IncompleteEntry> incomplete, String signature) {

    public static final String SIGNATURE_VERIFIED = "verified";
    public static final String SIGNATURE_NOT_CHECKED = "not-checked";
    public static final String SIGNATURE_FAILED = "failed";

    /**
     * One object that is missing or does not match its digest. {@code problem}: missing, corrupt, unreadable,
     * unreachable, unauthorized, invalid (the manifest breaks a rule restore enforces) or signature.
     */
    public record Problem(String object, Digest digest, String problem, String detail) {
    }

    public VerifyReport {
        problems = List.copyOf(problems);
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
        signature = signature == null ? SIGNATURE_NOT_CHECKED : signature;
    }

    public VerifyReport(String app, String release, Digest manifestDigest, int objectsChecked, long bytesChecked,
                        List<Problem> problems) {
        this(app, release, manifestDigest, objectsChecked, bytesChecked, problems, List.of(), SIGNATURE_NOT_CHECKED);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** False when the release records parts of the app as never captured. */
    public boolean complete() {
        return incomplete.isEmpty();
    }
}
