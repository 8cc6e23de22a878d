import dev.layercake.api.request.StoreLocation;
import dev.layercake.model.BlobRef;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.model.ToolInfo;
import dev.layercake.store.ReleaseStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a folder store for benchmarks/scale/run.sh through the store's own API (every blob written and checked,
 * every manifest written last, as a backup does): {@code GenerateStore STORE APPS RELEASES_PER_APP UNIQUE SHARED}.
 * Each release names UNIQUE blobs of its own and SHARED blobs common to every release of its app (source files).
 * Prints the counts.
 */
public final class GenerateStore {
    public static void main(String[] args) {
        String store = args[0];
        int apps = Integer.parseInt(args[1]);
        int releases = Integer.parseInt(args[2]);
        int unique = Integer.parseInt(args[3]);
        int shared = Integer.parseInt(args[4]);
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        long blobs = 0;
        try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store))) {
            for (int a = 0; a < apps; a++) {
                String app = String.format("app-%03d", a);
                List<SourceFile> common = new ArrayList<>();
                for (int s = 0; s < shared; s++) {
                    BlobRef b = rs.putBytes((app + " shared file " + s + "\n").repeat(8).getBytes(StandardCharsets.UTF_8), null);
                    common.add(new SourceFile("deploy/shared-" + s + ".yaml", "kubernetes", b.digest(), b.size(), SourceFile.MODE_FILE));
                    blobs++;
                }
                for (int r = 0; r < releases; r++) {
                    String release = String.format("r%05d", r);
                    List<SourceFile> files = new ArrayList<>(common);
                    for (int u = 0; u < unique; u++) {
                        BlobRef b = rs.putBytes((app + " " + release + " file " + u + "\n").repeat(8).getBytes(StandardCharsets.UTF_8), null);
                        files.add(new SourceFile("deploy/release-" + u + ".yaml", "kubernetes", b.digest(), b.size(), SourceFile.MODE_FILE));
                        blobs++;
                    }
                    String commit = Digest.of((app + release).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 40);
                    rs.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, app, release,
                            base.plusSeconds(3600L * (a * releases + r)).toString(), new ToolInfo("layercake", "scale-generator"),
                            new BuildInfo("cli", null, null, null, null, commit),
                            new SourceSection("repo", commit, "HEAD", null, false, files, List.of(), null), List.of(), null));
                }
            }
        }
        System.out.println("apps=" + apps + " releases=" + (long) apps * releases + " blobs=" + blobs);
    }
}
