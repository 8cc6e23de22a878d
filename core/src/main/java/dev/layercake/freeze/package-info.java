/**
 * Freezing a release ({@link dev.layercake.freeze.ReleaseFreezer}) and the backup's last steps
 * ({@link dev.layercake.freeze.ReleaseSealer}: sign, then freeze). See {@code docs/freeze-sign-retention.md}.
 */
package dev.layercake.freeze;
