package dev.layercake.registry;

/**
 * A registry operation that failed, with a {@link Kind} callers map to their own error family. Messages
 * name the registry, repository and reference involved and never carry credentials.
 */
public class RegistryException extends RuntimeException {

    /** What went wrong, so callers can react without parsing text. */
    public enum Kind {
        /** A reference or option is malformed. */
        INVALID,
        /** The repository, tag, manifest or blob does not exist. */
        NOT_FOUND,
        /** Credentials are missing or were refused. */
        AUTH,
        /** The registry could not be reached or kept failing after retries. */
        UNAVAILABLE,
        /** Content does not match its digest or size, or a document does not parse. */
        CORRUPT,
        /** A format or feature this client does not handle (schema 1 manifests, say). */
        UNSUPPORTED
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** An exception for a message: its class and text, from the first cause that has a text. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    /** The first cause (or suppressed exception) of {@code type}, or null. */
    static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        return null;
    }
}
