package dev.layercake.images;

import dev.layercake.LayercakeException;
import dev.layercake.registry.RegistryException;

import java.util.Map;

/** Maps the registry module's failures onto Layercake's one error family (and so onto exit codes). */
final class RegistryErrors {

    private static final Map<RegistryException.Kind, LayercakeException.Kind> KINDS = Map.of(
            RegistryException.Kind.INVALID, LayercakeException.Kind.USAGE,
            RegistryException.Kind.NOT_FOUND, LayercakeException.Kind.NOT_FOUND,
            RegistryException.Kind.AUTH, LayercakeException.Kind.AUTH,
            RegistryException.Kind.UNAVAILABLE, LayercakeException.Kind.UNAVAILABLE,
            RegistryException.Kind.CORRUPT, LayercakeException.Kind.CORRUPT,
            RegistryException.Kind.UNSUPPORTED, LayercakeException.Kind.UNSUPPORTED);

    private RegistryErrors() {
    }

    static LayercakeException toLayercake(RegistryException e, String context) {
        return new LayercakeException(KINDS.get(e.kind()), (context == null ? "" : context + ": ") + e.getMessage(), e);
    }
}
