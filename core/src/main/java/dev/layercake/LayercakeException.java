package dev.layercake;

/**
 * The one family of user-facing failures. Messages name the thing that is wrong and, where there is
 * one, the fix; they never carry a credential or a secret value. The CLI maps {@link #exitCode()} to
 * its process exit status and prints stack traces only with {@code --debug}.
 */
public class LayercakeException extends RuntimeException {

    /** What kind of failure; decides the exit code and lets callers react without parsing text. */
    public enum Kind {
        /** Bad options or input the user can fix (exit 2). */
        USAGE(2),
        /** Something named does not exist: release, ref, blob, app (exit 1). */
        NOT_FOUND(1),
        /** Refused to overwrite or change something that exists: release id, frozen release (exit 1). */
        CONFLICT(1),
        /** Stored content does not match its digest, or a document does not parse (exit 1). */
        CORRUPT(1),
        /** Credentials missing or refused (exit 1). */
        AUTH(1),
        /** A store, registry or cluster could not be reached or failed (exit 1). */
        UNAVAILABLE(1),
        /** The store or target lacks a feature that was asked for (exit 1). */
        UNSUPPORTED(1),
        /** Anything else (exit 1). */
        FAILED(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public LayercakeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LayercakeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public int exitCode() {
        return kind.exitCode();
    }

    public static LayercakeException usage(String message) {
        return new LayercakeException(Kind.USAGE, message);
    }

    public static LayercakeException notFound(String message) {
        return new LayercakeException(Kind.NOT_FOUND, message);
    }

    public static LayercakeException conflict(String message) {
        return new LayercakeException(Kind.CONFLICT, message);
    }

    public static LayercakeException corrupt(String message) {
        return new LayercakeException(Kind.CORRUPT, message);
    }
}
