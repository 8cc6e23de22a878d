/**
 * Carrying releases between stores: {@link dev.layercake.transfer.ReleaseCopier} (store to store) and
 * {@link dev.layercake.transfer.ReleaseArchive} (one tar across an air gap). Bytes are never rewritten, so
 * manifest digests and signatures stay valid; blobs first, the manifest last.
 */
package dev.layercake.transfer;
