package dev.layercake.freeze;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code releases/<app>/<release>/frozen.json}: written once, before the locks are applied, so a release
 * whose freeze was interrupted still counts as frozen (prune refuses it; freezing again completes the locks).
 */
@JsonPropertyOrder({"app", "release", "manifestDigest", "frozenAt", "method", "retainUntil", "legalHold"})
public record FrozenMarker(String app, String release, String manifestDigest, String frozenAt, String method,
                           String retainUntil, boolean legalHold) {
}
