/**
 * Retention: {@link dev.layercake.retention.Pruner} removes release manifests by rule (never frozen ones),
 * {@link dev.layercake.retention.GarbageCollector} removes the blobs no remaining release names.
 *
 * <h2>Why garbage collection is safe while a backup runs</h2>
 * A backup stores blobs first and its manifest last; a blob that already exists is skipped, not written
 * again. The danger is a blob that exists but that no release names any more (its releases were pruned):
 * a backup skips it, gc deletes it, and the backup's manifest then names a missing blob. Two guards:
 * <ol>
 *   <li><b>Leases and a lock</b> ({@link dev.layercake.retention.StoreLocks}). A backup writes
 *       {@code locks/backups/<id>.json} before it looks at any blob and removes it after its manifest;
 *       gc writes {@code locks/gc/<id>.json} before it lists anything. Each writes first and reads the
 *       other's folder second, so at least one of them sees the other: gc then collects nothing ("deferred",
 *       run it again later), or the backup waits until gc has finished. Leases older than 24 h and gc
 *       locks older than 1 h belong to killed processes and are ignored (gc stops deleting before its lock
 *       is that old).</li>
 *   <li><b>Grace period</b> ({@code --grace}, default 24h). A blob younger than the grace is never collected,
 *       whoever wrote it. Ages use the store's own times (object last-modified), never the local clock.</li>
 * </ol>
 * gc lists the blobs, then reads every manifest (mark), then deletes unmarked blobs older than the grace
 * (sweep); a manifest that cannot be read stops it before any delete. The concurrency tests run backups
 * that re-use blobs of pruned releases against a loop of backup/prune/gc with zero grace, on a folder store
 * and on S3 (s3proxy), and verify every release right after its backup.
 */
package dev.layercake.retention;
