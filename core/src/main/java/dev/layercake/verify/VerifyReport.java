package dev.layercake.verify;

import dev.layercake.model.Digest;

import java.util.List;

/** The outcome of verifying a release: every object checked, and each problem by name. */
public record VerifyReport(String app, String release, Digest manifestDigest, int objectsChecked, long bytesChecked,
                           List<Problem> problems) {

    /** One object that is missing or does not match its digest. {@code problem}: missing, corrupt or signature. */
    public record Problem(String object, Digest digest, String problem, String detail) {
    }

    public VerifyReport {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
