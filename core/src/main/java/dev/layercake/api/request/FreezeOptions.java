package dev.layercake.api.request;

/**
 * Freezing and signing asked for at backup time. {@code tagImages}: once frozen, tag each backup-registry
 * copy of the release's images with the release id.
 */
public record FreezeOptions(boolean freeze, String retainUntil, boolean legalHold, String signingKey, boolean tagImages) {

    public FreezeOptions(boolean freeze, String retainUntil, boolean legalHold, String signingKey) {
        this(freeze, retainUntil, legalHold, signingKey, false);
    }

    public static FreezeOptions none() {
        return new FreezeOptions(false, null, false, null, false);
    }
}
