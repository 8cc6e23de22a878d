package dev.layercake.store;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.freeze.ReleaseFreezer;
import dev.layercake.model.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's typed operations: what retention, freeze, sign, drill and transfer use instead of raw keys. */
class StoreTypedOperationsTest {

    @TempDir
    Path tmp;

    private ReleaseStore folder() {
        return ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void frozenMarkerIsCreateOnly() {
        try (ReleaseStore store = folder()) {
            FrozenReleases frozen = store.frozenReleases();
            assertThat(frozen.isFrozen("shop", "r1")).isFalse();
            assertThat(frozen.readMarker("shop", "r1", 1024)).isEmpty();
            assertThat(frozen.mark("shop", "r1", utf8("{\"first\":true}"))).isTrue();
            assertThat(frozen.mark("shop", "r1", utf8("{\"second\":true}"))).as("a second marker").isFalse();
            assertThat(frozen.isFrozen("shop", "r1")).isTrue();
            assertThat(frozen.readMarker("shop", "r1", 1024)).hasValueSatisfying(b ->
                    assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"first\":true}"));
            assertThat(frozen.readMarker("shop", "r1", 3)).hasValueSatisfying(b -> assertThat(b).hasSize(3));
            assertThat(frozen.markerKey("shop", "r1")).isEqualTo(StoreKeys.frozenMarker("shop", "r1"));
            assertThat(frozen.isFrozen("shop", "r2")).isFalse();
        }
    }

    @Test
    void aSignatureIsWrittenOnceAndPoliciesAreReplacedOnlyOnPurpose() {
        try (ReleaseStore store = folder()) {
            Signatures signatures = store.signatures();
            assertThat(signatures.exists("shop", "r1")).isFalse();
            assertThat(signatures.read("shop", "r1")).isEmpty();
            assertThat(signatures.create("shop", "r1", utf8("sig-1"))).isTrue();
            assertThat(signatures.create("shop", "r1", utf8("sig-2"))).isFalse();
            assertThat(signatures.read("shop", "r1")).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("sig-1")));
            assertThat(signatures.key("shop", "r1")).isEqualTo("releases/shop/r1/manifest.json.sig");

            assertThat(signatures.readPolicy(null, 64)).isEmpty();
            assertThat(signatures.createPolicy(null, utf8("store-policy"))).isTrue();
            assertThat(signatures.createPolicy(null, utf8("other"))).isFalse();
            assertThat(signatures.createPolicy("shop", utf8("app-policy"))).isTrue();
            assertThat(signatures.readPolicy(null, 64)).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("store-policy")));
            // at most maxBytes + 1, so a caller can tell one too large
            assertThat(signatures.readPolicy(null, 4)).hasValueSatisfying(b -> assertThat(b).hasSize(5));
            signatures.deletePolicy(null);
            assertThat(signatures.readPolicy(null, 64)).isEmpty();
            assertThat(signatures.readPolicy("shop", 64)).isPresent();
            assertThat(signatures.policyKey("shop")).isEqualTo("policy/apps/shop.json");
            assertThatThrownBy(() -> signatures.createPolicy("../x", utf8("x"))).isInstanceOf(LayercakeException.class);
        }
    }

    @Test
    void drillRecordsNeverOverwriteAndListOldestFirst() {
        try (ReleaseStore store = folder()) {
            DrillRecordsStore drills = store.drillRecords();
            assertThat(drills.list("shop", "r1")).isEmpty();
            String b = drills.create("shop", "r1", "20260102T000000.000Z", utf8("{\"n\":2}"));
            String a = drills.create("shop", "r1", "20260101T000000.000Z", utf8("{\"n\":1}"));
            String b1 = drills.create("shop", "r1", "20260102T000000.000Z", utf8("{\"n\":3}"));
            assertThat(b).isEqualTo("releases/shop/r1/drills/20260102T000000.000Z.json");
            assertThat(b1).as("same millisecond: a new key").isEqualTo("releases/shop/r1/drills/20260102T000000.000Z-1.json");
            assertThat(drills.createSignature(a, utf8("sig"))).isTrue();
            assertThat(drills.createSignature(a, utf8("sig again"))).isFalse();

            // Records only, sorted by key: by time across milliseconds. Within one millisecond the key sort puts
            // "-1.json" before ".json" ('-' < '.'), as the store has always listed them.
            assertThat(drills.list("shop", "r1")).containsExactly(a, b1, b);
            assertThat(drills.entries("shop", "r1")).extracting(ObjectInfo::key).containsExactly(a, a + ".sig", b1, b);
            assertThat(drills.name("shop", "r1", b1)).isEqualTo("20260102T000000.000Z-1.json");
            assertThat(drills.read(b, 1024)).isEqualTo(utf8("{\"n\":2}"));
            assertThat(drills.read(b1, 1024)).isEqualTo(utf8("{\"n\":3}"));
            assertThatThrownBy(() -> drills.read("releases/shop/r1/manifest.json", 1024))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(drills.list("shop", "r2")).isEmpty();
        }
    }

    @Test
    void locksAreTakenListedAndFoundStaleByKind() {
        try (ReleaseStore store = folder()) {
            Locks locks = store.locks();
            assertThat(locks.supported()).isTrue();
            Locks.Held lease = locks.take(Locks.Kind.BACKUP, utf8("{\"kind\":\"backup\"}"));
            Locks.Held gc = locks.take(Locks.Kind.GC, utf8("{\"kind\":\"gc\"}"));
            assertThat(lease.key()).startsWith("locks/backups/").endsWith(".json");
            assertThat(gc.key()).startsWith("locks/gc/");
            Instant now = gc.since();
            assertThat(locks.live(Locks.Kind.BACKUP, now, Duration.ofHours(24))).extracting(ObjectInfo::key).containsExactly(lease.key());
            assertThat(locks.live(Locks.Kind.GC, now, Duration.ofHours(1))).extracting(ObjectInfo::key).containsExactly(gc.key());

            // Two hours on, the gc lock (1h) is stale and the lease (24h) is not; two days on, both are.
            assertThat(locks.stale(now.plus(Duration.ofHours(2)), Duration.ofHours(24), Duration.ofHours(1)))
                    .extracting(ObjectInfo::key).containsExactly(gc.key());
            List<ObjectInfo> stale = locks.stale(now.plus(Duration.ofDays(2)), Duration.ofHours(24), Duration.ofHours(1));
            assertThat(stale).extracting(ObjectInfo::key).containsExactlyInAnyOrder(lease.key(), gc.key());
            assertThat(locks.live(Locks.Kind.GC, now.plus(Duration.ofHours(2)), Duration.ofHours(1))).isEmpty();

            locks.release(lease);
            assertThat(locks.live(Locks.Kind.BACKUP, now, Duration.ofHours(24))).isEmpty();
            stale.stream().filter(o -> o.key().equals(gc.key())).forEach(locks::remove);
            assertThat(locks.live(Locks.Kind.GC, now, Duration.ofHours(1))).isEmpty();
            assertThatThrownBy(() -> locks.remove(new ObjectInfo(StoreKeys.blob(Digest.of(utf8("x"))), 1, now)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void blobsAreListedAndDeletedForGc() {
        try (ReleaseStore store = folder()) {
            Digest one = store.putBytes(utf8("one"), null).digest();
            Digest two = store.putBytes(utf8("two"), null).digest();
            List<BlobEntry> blobs = store.listBlobs();
            assertThat(blobs).extracting(BlobEntry::name).containsExactlyInAnyOrder(one.hex(), two.hex());
            BlobEntry first = blobs.stream().filter(b -> b.is(one)).findFirst().orElseThrow();
            assertThat(first.id()).isEqualTo(one.toString());
            assertThat(first.size()).isEqualTo(3);
            store.deleteBlob(first);
            assertThat(store.hasBlob(one)).isFalse();
            assertThat(store.hasBlob(two)).isTrue();
            assertThat(store.removeAbandonedWrites(Instant.now(), true)).isZero();
        }
    }

    @Test
    void deletingAReleaseRemovesManifestAndSignatureButNotItsOtherFiles() {
        try (ReleaseStore store = folder()) {
            assertThat(store.createManifestBytes("shop", "r1", utf8("{}"))).isTrue();
            assertThat(store.createManifestBytes("shop", "r1", utf8("{\"other\":1}"))).as("never overwritten").isFalse();
            store.signatures().create("shop", "r1", utf8("sig"));
            store.frozenReleases().mark("shop", "r1", utf8("{}"));
            store.drillRecords().create("shop", "r1", "20260101T000000.000Z", utf8("{}"));
            assertThat(store.manifestWritten("shop", "r1")).isPresent();

            assertThat(store.releaseFiles().list("shop", "r1")).as("what travels with a release: not the frozen marker")
                    .containsExactly("manifest.json.sig", "drills/20260101T000000.000Z.json");
            assertThat(store.releaseFiles().read("shop", "r1", "manifest.json.sig", 1024)).isEqualTo(utf8("sig"));
            assertThat(store.releaseFiles().create("shop", "r1", "drills/x.json", utf8("{}"))).isTrue();
            assertThat(store.releaseFiles().create("shop", "r1", "drills/x.json", utf8("{}"))).isFalse();

            store.deleteRelease("shop", "r1");
            assertThat(store.releaseExists("shop", "r1")).isFalse();
            assertThat(store.manifestWritten("shop", "r1")).isEmpty();
            assertThat(store.signatures().exists("shop", "r1")).isFalse();
            assertThat(store.drillRecords().list("shop", "r1")).hasSize(2);
        }
    }

    @Test
    void aFolderStoreFreezesByMakingFilesReadOnly() throws Exception {
        try (ReleaseStore store = folder()) {
            Immutability immutability = store.frozenReleases().immutability();
            assertThat(immutability.method()).isEqualTo(Immutability.FILESYSTEM_READ_ONLY);
            immutability.check(null, false); // needs no option
            Digest d = store.putBytes(utf8("keep me"), null).digest();
            immutability.protect(StoreKeys.blob(d), null, false);
            Path file = ((FileSystemObjectStore) store.objects()).path(StoreKeys.blob(d));
            assertThat(Files.getPosixFilePermissions(file)).doesNotContain(PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            assertThatThrownBy(() -> immutability.protect(StoreKeys.blob(Digest.of(utf8("absent"))), null, false))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.NOT_FOUND))
                    .hasMessageContaining("run verify");
        }
    }

    @Test
    void aStoreWithoutImmutabilityRefusesToFreezeNamingItsKindAndTheWayOut() {
        // An OCI registry store: describe(), kind() and immutability() need no registry.
        {   // not closed: there is no registry client to close
            ReleaseStore store = new ReleaseStore(new OciObjectStore(null, "registry.example", "backups"), null);
            assertThat(store.objects().immutability()).isEmpty();
            assertThatThrownBy(() -> store.frozenReleases().immutability())
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.UNSUPPORTED))
                    .hasMessageContaining("releases in oci://registry.example/backups cannot be frozen")
                    .hasMessageContaining("an OCI registry")
                    .hasMessageContaining("Object Lock")
                    .hasMessageContaining("layercake copy");
            assertThatThrownBy(() -> new ReleaseFreezer().check(store, null, true))
                    .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.UNSUPPORTED))
                    .hasMessageContaining("an OCI registry");
        }
    }
}
