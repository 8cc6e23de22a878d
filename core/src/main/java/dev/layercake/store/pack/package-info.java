/**
 * The pack format: many small documents (Kubernetes objects) back to back in one content-addressed blob, each
 * found by its {@link dev.layercake.model.PackLocation}. Depends only on {@code model} and
 * {@link dev.layercake.store.pack.PackedBlobs}; the release store uses it (never the other way round).
 */
package dev.layercake.store.pack;
