package dev.layercake.store;

/**
 * What a backend can and cannot do, asked by callers instead of testing its class.
 *
 * @param exclusiveCreate {@link ObjectStore#create} is atomic and exclusive: of racing writers exactly one
 *                        wins. False for an OCI registry (no conditional PUT): see {@link OciObjectStore}.
 * @param listsBlobs      {@code list("blobs/")} enumerates every blob, so Layercake's own gc can run
 * @param leases          backups take leases under {@code locks/} (only needed where Layercake's gc runs)
 */
public record StoreCapabilities(boolean exclusiveCreate, boolean listsBlobs, boolean leases) {

    /** A folder or S3 bucket: everything. */
    public static final StoreCapabilities FULL = new StoreCapabilities(true, true, true);
}
