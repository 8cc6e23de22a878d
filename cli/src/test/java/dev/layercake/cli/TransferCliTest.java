package dev.layercake.cli;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.api.result.BackupResult;
import dev.layercake.model.Digest;
import dev.layercake.sign.ManifestSigner;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.testing.ReleaseFixture;
import dev.layercake.testing.S3ProxyFixture;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code copy}, {@code export} and {@code import} as commands: folder -> S3 (s3proxy) -> OCI (docker-registry) and
 * back with every digest, signature and drill record; a tar carried to another path; hostile input refused with the
 * destination unchanged. S3 steps run the CLI as a child process (credentials in its environment, as a pipeline does).
 */
class TransferCliTest {

    private static S3ProxyFixture s3;
    private static RegistryFixture registry;
    private static final byte[] DRILL = "{\"result\":\"passed\",\"drill\":\"d-1\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3ProxyFixture.start();
        registry = RegistryFixture.start();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private record Releases(StoreLocation folder, BackupResult r1, BackupResult r2, Path publicKey) {
    }

    /** A folder store with two releases sharing most blobs; r1 signed (Ed25519) and with a drill record. */
    private Releases twoReleases(String dir) throws Exception {
        StoreLocation folder = StoreLocation.parse(tmp.resolve(dir).toString());
        ReleaseFixture fixture = new ReleaseFixture(tmp.resolve("work-" + dir), folder, Map.of());
        BackupResult r1 = fixture.backup("shop", "r1", Map.of("a.txt", "one", "k8s/app.yaml", "kind: Service\n", "big.bin", "x".repeat(20000)));
        BackupResult r2 = fixture.backup("shop", "r2", Map.of("a.txt", "two", "k8s/app.yaml", "kind: Service\n", "big.bin", "x".repeat(20000)));
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path pub = tmp.resolve(dir + "-pub.pem");
        Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        try (ReleaseStore store = ReleaseStore.open(folder)) {
            ManifestSigner.sign(store, "shop", "r1", keys.getPrivate());
            store.objects().create(drillKey(), new ByteArrayInputStream(DRILL), DRILL.length, () -> { });
        }
        return new Releases(folder, r1, r2, pub);
    }

    private static String drillKey() {
        return StoreKeys.releaseDir("shop", "r1") + "drills/d-1.json";
    }

    private static String[] s3Args(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--s3-endpoint", s3.endpoint(), "--s3-path-style"));
        return all.toArray(String[]::new);
    }

    /** The CLI as a child process with the S3 test credentials in its environment. */
    private Cli.Run child(String... args) throws Exception {
        return Cli.finish(Cli.start(tmp, s3.env(), args));
    }

    private static String oci(String repo) {
        return "oci://" + registry.host() + "/" + repo;
    }

    private static Map<String, String> listDigests(Cli.Run list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode row : list.json()) {
            out.put(row.path("release").asText(), row.path("manifestDigest").asText());
        }
        return out;
    }

    private static List<String> tree(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted().toList()) {
                out.add(dir.relativize(p) + (Files.isRegularFile(p) ? " " + Files.size(p) + " " + Digest.of(Files.readAllBytes(p)) : ""));
            }
        }
        return out;
    }

    private static long registryBlobs() throws IOException {
        Path blobs = registry.storage().resolve("docker/registry/v2/blobs/sha256");
        if (!Files.exists(blobs)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(blobs)) {
            return s.filter(p -> p.getFileName().toString().equals("data")).count();
        }
    }

    @Test
    void folderToS3ToOciAndBackKeepsDigestsSignaturesAndDrillRecords() throws Exception {
        Releases rel = twoReleases("site-a");
        String folder = rel.folder().directory().toString();
        String expected1 = rel.r1().manifestDigest().toString();
        String expected2 = rel.r2().manifestDigest().toString();
        s3.createBucket("dr-site");
        String bucket = "s3://dr-site/b";
        String repo = oci("dr/shop");
        Path back = tmp.resolve("back");

        // folder -> S3, first r1 alone, then both: r1 is present, r2 writes only what r1 did not have
        Cli.Run first = child(s3Args("copy", "--from", folder, "--to", bucket, "--app", "shop", "--release", "r1", "--json"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode c1 = first.json().path("releases").get(0);
        assertThat(c1.path("status").asText()).isEqualTo("copied");
        assertThat(c1.path("manifestDigest").asText()).isEqualTo(expected1);
        assertThat(c1.path("blobsWritten").asLong()).isPositive();
        assertThat(c1.path("extras").toString()).contains("manifest.json.sig").contains("drills/d-1.json");
        List<String> afterFirst = s3.objects("dr-site");

        Cli.Run both = child(s3Args("copy", "--from", folder, "--to", bucket, "--app", "shop", "--json"));
        assertThat(both.exitCode()).as(both.err()).isZero();
        JsonNode present = both.json().path("releases").get(0);
        JsonNode r2 = both.json().path("releases").get(1);
        assertThat(present.path("status").asText()).isEqualTo("present");
        assertThat(present.path("blobsWritten").asLong()).isZero();
        assertThat(present.path("bytesWritten").asLong()).isZero();
        assertThat(r2.path("status").asText()).isEqualTo("copied");
        assertThat(r2.path("blobsSkipped").asLong()).as("r2's blobs already in S3 (HEAD before PUT)").isPositive();
        // dedup at the destination, counted in the bucket: r2 added fewer objects than it names
        List<String> added = new ArrayList<>(s3.objects("dr-site"));
        added.removeAll(afterFirst);
        assertThat((long) added.size()).isLessThan(r2.path("blobsWritten").asLong() + r2.path("blobsSkipped").asLong() + 1);
        assertThat((long) added.size()).isEqualTo(r2.path("blobsWritten").asLong() + 1); // its blobs + its manifest
        assertThat(both.err()).as("progress on stderr").contains("copy");

        // S3 -> OCI
        Cli.Run toOci = child(s3Args("copy", "--from", bucket, "--to", repo, "--app", "shop", "--insecure-registry", registry.host(), "--json"));
        assertThat(toOci.exitCode()).as(toOci.err()).isZero();
        assertThat(toOci.json().path("to").asText()).isEqualTo(repo);
        // again: nothing is uploaded to the registry (its blob store does not grow), every blob answered by HEAD
        long blobsBefore = registryBlobs();
        Cli.Run ociAgain = Cli.run("copy", "--from", folder, "--to", repo, "--app", "shop", "--insecure-registry", registry.host(), "--json");
        assertThat(ociAgain.exitCode()).as(ociAgain.err()).isZero();
        for (JsonNode c : ociAgain.json().path("releases")) {
            assertThat(c.path("status").asText()).isEqualTo("present");
            assertThat(c.path("bytesWritten").asLong()).isZero();
        }
        assertThat(registryBlobs()).isEqualTo(blobsBefore);

        // OCI -> folder, human output
        Cli.Run toBack = Cli.run("copy", "--from", repo, "--to", back.toString(), "--app", "shop", "--release", "r1", "--release", "r2",
                "--insecure-registry", registry.host());
        assertThat(toBack.exitCode()).as(toBack.err()).isZero();
        assertThat(toBack.out()).contains("shop/r1").contains("copied").contains(expected1);

        // identical manifest digests everywhere; signature verifies everywhere; drill record carried along
        Map<String, String> want = Map.of("r1", expected1, "r2", expected2);
        Cli.Run listS3 = child(s3Args("list", "--store", bucket, "--app", "shop", "--json"));
        assertThat(listS3.exitCode()).as(listS3.err()).isZero();
        assertThat(listDigests(listS3)).isEqualTo(want);
        Cli.Run listOci = Cli.run("list", "--store", repo, "--app", "shop", "--insecure-registry", registry.host(), "--json");
        assertThat(listOci.exitCode()).as(listOci.err()).isZero();
        assertThat(listDigests(listOci)).isEqualTo(want);
        Cli.Run listBack = Cli.run("list", "--store", back.toString(), "--app", "shop", "--json");
        assertThat(listDigests(listBack)).isEqualTo(want);

        Cli.Run v1 = child(s3Args("verify", "--store", bucket, "--app", "shop", "--release", "r1", "--public-key", rel.publicKey().toString(),
                "--require-signature", "--expect-digest", expected1));
        assertThat(v1.exitCode()).as(v1.out() + v1.err()).isZero();
        Cli.Run v2 = Cli.run("verify", "--store", repo, "--app", "shop", "--release", "r1", "--public-key", rel.publicKey().toString(),
                "--require-signature", "--expect-digest", expected1, "--insecure-registry", registry.host());
        assertThat(v2.exitCode()).as(v2.out() + v2.err()).isZero();
        Cli.Run v3 = Cli.run("verify", "--store", back.toString(), "--app", "shop", "--release", "r1", "--public-key", rel.publicKey().toString(),
                "--require-signature", "--expect-digest", expected1, "--json");
        assertThat(v3.exitCode()).as(v3.out() + v3.err()).isZero();
        assertThat(v3.json().path("ok").asBoolean()).isTrue();
        assertThat(Files.readAllBytes(back.resolve(drillKey()))).isEqualTo(DRILL);
        assertThat(Files.readAllBytes(back.resolve(StoreKeys.signature("shop", "r1"))))
                .isEqualTo(Files.readAllBytes(rel.folder().directory().resolve(StoreKeys.signature("shop", "r1"))));
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(repo), Access.fromEnvironment(Map.of()), List.of(registry.host()))) {
            try (var in = store.objects().open(drillKey())) {
                assertThat(in.readAllBytes()).isEqualTo(DRILL);
            }
        }
    }

    @Test
    void exportThenImportIntoAnEmptyStoreOnAnotherPathVerifies() throws Exception {
        Releases rel = twoReleases("site-a");
        Path tar = tmp.resolve("carry/release.tar");
        Cli.Run export = Cli.run("export", "--store", rel.folder().directory().toString(), "--app", "shop", "--release", "r1",
                "-o", tar.toString(), "--json");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.json().path("manifestDigest").asText()).isEqualTo(rel.r1().manifestDigest().toString());
        assertThat(export.json().path("blobs").asInt()).isPositive();
        assertThat(tar).isRegularFile();

        Path elsewhere = tmp.resolve("other/disk/site-b");
        Cli.Run imported = Cli.run("import", tar.toString(), "--store", elsewhere.toString(), "--json");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        JsonNode c = imported.json().path("releases").get(0);
        assertThat(c.path("status").asText()).isEqualTo("copied");
        assertThat(c.path("manifestDigest").asText()).isEqualTo(rel.r1().manifestDigest().toString());
        Cli.Run verify = Cli.run("verify", "--store", elsewhere.toString(), "--app", "shop", "--release", "r1",
                "--public-key", rel.publicKey().toString(), "--require-signature", "--expect-digest", rel.r1().manifestDigest().toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(Files.readAllBytes(elsewhere.resolve(drillKey()))).isEqualTo(DRILL);

        // into an oci:// store too
        Cli.Run intoOci = Cli.run("import", tar.toString(), "--store", oci("airgap/shop"), "--insecure-registry", registry.host());
        assertThat(intoOci.exitCode()).as(intoOci.err()).isZero();
        assertThat(intoOci.out()).contains("shop/r1 imported");
        Cli.Run verifyOci = Cli.run("verify", "--store", oci("airgap/shop"), "--app", "shop", "--release", "r1",
                "--public-key", rel.publicKey().toString(), "--require-signature", "--insecure-registry", registry.host());
        assertThat(verifyOci.exitCode()).as(verifyOci.out() + verifyOci.err()).isZero();

        // a missing tar: not found, exit 1; a missing --output: usage, exit 2
        Cli.Run missing = Cli.run("import", tmp.resolve("nope.tar").toString(), "--store", elsewhere.toString(), "--json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.json().path("error").path("kind").asText()).isEqualTo("not_found");
        assertThat(Cli.run("export", "--store", elsewhere.toString(), "--app", "shop", "--release", "r1").exitCode()).isEqualTo(2);
    }

    // ---- hostile tars -------------------------------------------------------------------------------

    private static Map<String, byte[]> members(Path tar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private interface TarWriter {
        void write(TarArchiveOutputStream t) throws IOException;
    }

    private Path rewrite(Path tar, String name, Consumer<Map<String, byte[]>> edit, TarWriter extra) throws IOException {
        Map<String, byte[]> m = members(tar);
        edit.accept(m);
        Path out = tmp.resolve(name + ".tar");
        try (OutputStream f = Files.newOutputStream(out); TarArchiveOutputStream t = new TarArchiveOutputStream(f)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                file(t, e.getKey(), e.getValue());
            }
            extra.write(t);
            t.finish();
        }
        return out;
    }

    private static void file(TarArchiveOutputStream t, String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(bytes.length);
        t.putArchiveEntry(entry);
        t.write(bytes);
        t.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream t, String name, String target, byte type) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setLinkName(target);
        t.putArchiveEntry(entry);
        t.closeArchiveEntry();
    }

    @Test
    void hostileTarsAreRefusedAndTheDestinationIsUnchanged() throws Exception {
        Releases rel = twoReleases("site-a");
        Path tar = tmp.resolve("good.tar");
        assertThat(Cli.run("export", "--store", rel.folder().directory().toString(), "--app", "shop", "--release", "r1",
                "--output", tar.toString()).exitCode()).isZero();
        String blob = members(tar).keySet().stream().filter(n -> n.startsWith("blobs/sha256/")).findFirst().orElseThrow();

        Map<String, Path> hostile = new LinkedHashMap<>();
        hostile.put("'..'", rewrite(tar, "dotdot", m -> { }, t -> file(t, "blobs/../../evil.txt", "x".getBytes(StandardCharsets.UTF_8))));
        hostile.put("is a link", rewrite(tar, "symlink", m -> { }, t -> link(t, "blobs/sha256/evil", "/etc/passwd", TarArchiveEntry.LF_SYMLINK)));
        hostile.put("is a link ", rewrite(tar, "hardlink", m -> { }, t -> link(t, "layercake/releases/shop/r1/drills/x.json", "/etc/shadow", TarArchiveEntry.LF_LINK)));
        hostile.put("appears twice", rewrite(tar, "duplicate", m -> { }, t -> file(t, blob, members(tar).get(blob))));
        hostile.put("does not hold", rewrite(tar, "absent", m -> m.remove(blob), t -> { }));
        // truncated: the file cut inside its largest member
        Path truncated = tmp.resolve("truncated.tar");
        byte[] whole = Files.readAllBytes(tar);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2 + 100));
        hostile.put("truncated", truncated);

        // destinations: a folder that holds another release, and an oci:// repository holding one too
        Path destDir = tmp.resolve("dest");
        new ReleaseFixture(tmp.resolve("wd"), StoreLocation.parse(destDir.toString()), Map.of()).backup("other", "o1", Map.of("x.txt", "x"));
        String repo = oci("hostile/dest");
        assertThat(Cli.run("copy", "--from", destDir.toString(), "--to", repo, "--app", "other", "--insecure-registry", registry.host())
                .exitCode()).isZero();
        List<String> folderBefore = tree(destDir);
        List<String> registryBefore = tree(registry.storage());
        for (Map.Entry<String, Path> h : hostile.entrySet()) {
            Cli.Run r = Cli.run("import", h.getValue().toString(), "--store", destDir.toString(), "--json");
            assertThat(r.exitCode()).as(h.getKey() + ": " + r.err()).isEqualTo(1);
            assertThat(r.err()).as(h.getKey()).contains("refusing to import").contains(h.getKey().trim()).contains("nothing was written");
            assertThat(r.json().path("error").path("kind").asText()).isEqualTo("corrupt");
            assertThat(tree(destDir)).as(h.getKey()).isEqualTo(folderBefore);
            Cli.Run o = Cli.run("import", h.getValue().toString(), "--store", repo, "--insecure-registry", registry.host());
            assertThat(o.exitCode()).as(h.getKey() + ": " + o.err()).isEqualTo(1);
            assertThat(tree(registry.storage())).as(h.getKey()).isEqualTo(registryBefore);
        }
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void aDestinationHoldingTheSameIdWithOtherContentIsRefusedAndUnchanged() throws Exception {
        Releases a = twoReleases("site-a");
        Path b = tmp.resolve("site-b");
        BackupResult theirs = new ReleaseFixture(tmp.resolve("wb"), StoreLocation.parse(b.toString()), Map.of())
                .backup("shop", "r1", Map.of("a.txt", "site b's own r1"));
        List<String> before = tree(b);
        Cli.Run copy = Cli.run("copy", "--from", a.folder().directory().toString(), "--to", b.toString(), "--app", "shop", "--json");
        assertThat(copy.exitCode()).as(copy.err()).isEqualTo(1);
        assertThat(copy.json().path("error").path("kind").asText()).isEqualTo("conflict");
        assertThat(copy.err()).contains("shop/r1").contains("other content").contains("nothing was copied");
        assertThat(tree(b)).isEqualTo(before); // not even r2, which b lacked

        Path tar = tmp.resolve("r1.tar");
        assertThat(Cli.run("export", "--store", a.folder().directory().toString(), "--app", "shop", "--release", "r1", "-o", tar.toString())
                .exitCode()).isZero();
        Cli.Run imp = Cli.run("import", tar.toString(), "--store", b.toString());
        assertThat(imp.exitCode()).isEqualTo(1);
        assertThat(imp.err()).contains("other content");
        assertThat(tree(b)).isEqualTo(before);
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(b.toString()))) {
            assertThat(Digest.of(store.readManifestBytes("shop", "r1"))).isEqualTo(theirs.manifestDigest());
        }
        Cli.Run same = Cli.run("copy", "--from", b.toString(), "--to", b.toString(), "--app", "shop");
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.err()).contains("same store");
    }

    @Test
    void anOciTagPointingAtSomethingElseIsRefusedAndNotMoved() throws Exception {
        Releases a = twoReleases("site-a");
        // someone else's image under the tag Layercake would use for shop/r1
        String imageDigest = OciPush.push(registry.host(), "taken/shop", "shop.r1", List.of("not a release".getBytes(StandardCharsets.UTF_8)));
        String repo = oci("taken/shop");
        Cli.Run copy = Cli.run("copy", "--from", a.folder().directory().toString(), "--to", repo, "--app", "shop", "--release", "r1",
                "--insecure-registry", registry.host(), "--json");
        assertThat(copy.exitCode()).as(copy.err()).isEqualTo(1);
        assertThat(copy.json().path("error").path("kind").asText()).isEqualTo("corrupt");
        assertThat(copy.err()).contains("shop.r1").contains("not a Layercake object");
        assertThat(headTag("taken/shop", "shop.r1")).isEqualTo(imageDigest);

        Cli.Run list = Cli.run("list", "--store", repo, "--insecure-registry", registry.host(), "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.json()).isEmpty(); // the image is not taken for a release
        Cli.Run verify = Cli.run("verify", "--store", repo, "--app", "shop", "--release", "r1", "--insecure-registry", registry.host());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("not a Layercake object");
    }

    static String headTag(String repository, String tag) throws IOException, InterruptedException {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + registry.host() + "/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }
}
