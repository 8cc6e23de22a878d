/**
 * The release store. {@link dev.layercake.store.ObjectStore} is the backend (folder, S3, OCI registry): keys to
 * bytes, create-only, with what it can do asked of it ({@link dev.layercake.store.StoreCapabilities},
 * {@link dev.layercake.store.ObjectStore#immutability()}), never tested by class.
 * {@link dev.layercake.store.ReleaseStore} is what the engine uses: blobs, manifests, and typed operations for
 * everything else the store holds ({@link dev.layercake.store.Signatures}, {@link dev.layercake.store.FrozenReleases},
 * {@link dev.layercake.store.Locks}, {@link dev.layercake.store.DrillRecordsStore},
 * {@link dev.layercake.store.ReleaseFiles}), so the key layout lives in {@link dev.layercake.store.StoreKeys} alone.
 * The pack format is {@code dev.layercake.store.pack}, below this package.
 */
package dev.layercake.store;
