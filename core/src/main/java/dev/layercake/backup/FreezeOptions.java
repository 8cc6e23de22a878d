package dev.layercake.backup;

/** Freezing and signing asked for at backup time. */
public record FreezeOptions(boolean freeze, String retainUntil, boolean legalHold, String signingKey) {

    public static FreezeOptions none() {
        return new FreezeOptions(false, null, false, null);
    }
}
