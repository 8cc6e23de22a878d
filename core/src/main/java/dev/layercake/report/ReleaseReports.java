package dev.layercake.report;

import dev.layercake.api.result.ReleaseReport;
import dev.layercake.api.request.ReportRequest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.LayercakeException;
import dev.layercake.freeze.FrozenMarker;
import dev.layercake.kube.ReleaseDiff;
import dev.layercake.model.BlobRef;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.ImageReference;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.CoverageSection;
import dev.layercake.model.Manifest;
import dev.layercake.model.PipelineSection;
import dev.layercake.model.SourceFile;
import dev.layercake.api.result.ReleaseReport.Box;
import dev.layercake.api.result.ReleaseReport.Cake;
import dev.layercake.api.result.ReleaseReport.Column;
import dev.layercake.api.result.ReleaseReport.Coverage;
import dev.layercake.api.result.ReleaseReport.CoverageItem;
import dev.layercake.api.result.ReleaseReport.Diff;
import dev.layercake.api.result.ReleaseReport.Drill;
import dev.layercake.api.result.ReleaseReport.DriftRow;
import dev.layercake.api.result.ReleaseReport.FieldChange;
import dev.layercake.api.result.ReleaseReport.Header;
import dev.layercake.api.result.ReleaseReport.ImageChange;
import dev.layercake.api.result.ReleaseReport.ImageStack;
import dev.layercake.api.result.ReleaseReport.KindGroup;
import dev.layercake.api.result.ReleaseReport.Kubernetes;
import dev.layercake.api.result.ReleaseReport.Layer;
import dev.layercake.api.result.ReleaseReport.ObjectChange;
import dev.layercake.api.result.ReleaseReport.ObjectGroup;
import dev.layercake.api.result.ReleaseReport.Reference;
import dev.layercake.api.result.ReleaseReport.Sources;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ReleaseStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The release report's entry class: builds a {@link ReleaseReport} from the manifest and the store only (no
 * registry, no cluster), and {@link ReportRenderer} draws it. The previous release (for "reused" bytes) is the
 * app's release listed just before this one.
 */
public final class ReleaseReports {

    /** Records that could be anything: a drill record or a coverage section larger than this is not read. */
    private static final long MAX_SIDE_RECORD_BYTES = 1 << 20;
    private static final int MAX_COVERAGE_ITEMS = 2000;

    private static final int COLUMN_WIDTH = 64;
    private static final int COLUMN_GAP = 18;
    private static final int MAX_STACK_HEIGHT = 280;
    private static final int LABEL_SPACE = 34;

    private ReleaseReports() {
    }

    /** The report of {@code request.release()}, with a diff when {@code request.against()} is set. */
    public static ReleaseReport build(ReleaseStore store, ReportRequest request) {
        byte[] bytes = store.readManifestBytes(request.app(), request.release());
        Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + request.app() + "/" + request.release());
        List<String> releases = store.listReleases(request.app());
        int at = releases.indexOf(request.release());
        Manifest previous = at > 0 ? readQuietly(store, request.app(), releases.get(at - 1)) : null;
        Manifest against = request.against() == null ? null : store.readManifest(request.app(), request.against());
        Diff diff = against == null ? null : diff(store, against, manifest);
        return assemble(manifest, bytes, previous, signatureState(store, request), freezeState(store, request),
                latestDrill(store, request), diff);
    }

    /** The report from parts already read: used by {@link #build} and by tests that make hostile manifests. */
    public static ReleaseReport assemble(Manifest m, byte[] manifestBytes, Manifest previous, String signature,
                                         String freeze, Drill drill, Diff diff) {
        Header header = header(m, Digest.of(manifestBytes).toString(), signature, freeze,
                previous == null ? null : previous.release(), drill);
        return new ReleaseReport(header, cake(m, previous), sources(m), kubernetes(m), coverage(m, manifestBytes), diff,
                m.incomplete().stream().map(e -> new ReleaseReport.Missing(e.what(), e.why())).toList(), pipeline(m));
    }

    private static Manifest readQuietly(ReleaseStore store, String app, String release) {
        try {
            return store.readManifest(app, release);
        } catch (LayercakeException | IllegalArgumentException e) {
            return null; // an unreadable previous release only means nothing is counted as reused
        }
    }

    private static Header header(Manifest m, String manifestDigest, String signature, String freeze, String previous, Drill drill) {
        var b = m.build();
        var s = m.source();
        String url = b == null ? null : b.url();
        boolean link = url != null && (url.startsWith("https://") || url.startsWith("http://"));
        return new Header(m.app(), m.release(), m.createdAt(),
                b == null ? null : b.system(), b == null ? null : b.job(), b == null ? null : b.number(), url, link,
                b == null ? null : b.triggeredBy(),
                s != null && s.commit() != null ? s.commit() : b == null ? null : b.commit(),
                s == null ? null : s.ref(), s != null && s.dirty(), s == null ? null : s.repo(),
                manifestDigest, signature, freeze, previous, drill);
    }

    static String signatureState(ReleaseStore store, ReportRequest r) {
        return store.signatures().exists(r.app(), r.release())
                ? "signed (check it with verify --public-key)" : "not signed";
    }

    static String freezeState(ReleaseStore store, ReportRequest r) {
        String key = store.frozenReleases().markerKey(r.app(), r.release());
        if (!store.frozenReleases().isFrozen(r.app(), r.release())) {
            return "not frozen";
        }
        try {
            byte[] marker = store.frozenReleases().readMarker(r.app(), r.release(), (int) MAX_SIDE_RECORD_BYTES).orElseThrow();
            FrozenMarker f = Json.read(marker, FrozenMarker.class, key);
            return "frozen " + (f.frozenAt() == null ? "" : f.frozenAt() + " ") + "(" + f.method()
                    + (f.retainUntil() == null ? "" : ", retained until " + f.retainUntil())
                    + (f.legalHold() ? ", legal hold" : "") + ")";
        } catch (Exception e) {
            return "frozen (marker unreadable)";
        }
    }

    /** The newest drill record (by key) of the release; any JSON shape, fields looked for by their likely names. */
    static Drill latestDrill(ReleaseStore store, ReportRequest r) {
        List<ObjectInfo> records;
        try {
            records = store.drillRecords().entries(r.app(), r.release()).stream()
                    .filter(o -> o.key().endsWith(".json") && o.size() <= MAX_SIDE_RECORD_BYTES).toList();
        } catch (RuntimeException e) {
            return null;
        }
        for (int i = records.size() - 1; i >= 0; i--) {
            ObjectInfo o = records.get(i);
            try {
                JsonNode d = Json.mapper().readTree(store.drillRecords().read(o.key(), (int) MAX_SIDE_RECORD_BYTES));
                if (d == null || !d.isObject()) {
                    continue;
                }
                String outcome = firstText(d, "outcome", "status", "result", "verdict");
                if (outcome == null && d.has("passed")) {
                    outcome = d.get("passed").asBoolean() ? "passed" : "failed";
                }
                String when = firstText(d, "finishedAt", "endedAt", "completedAt", "at", "startedAt", "createdAt");
                String name = store.drillRecords().name(r.app(), r.release(), o.key());
                boolean passed = outcome != null && Set.of("passed", "pass", "ok", "success", "succeeded")
                        .contains(outcome.toLowerCase(Locale.ROOT));
                List<String> notPassed = new ArrayList<>();
                for (JsonNode c : d.path("checks")) {
                    String status = c.path("status").asText("");
                    if (!status.isEmpty() && !status.equals("passed") && notPassed.size() < 50) {
                        notPassed.add(c.path("name").asText("?") + " " + status);
                    }
                }
                // DrillRecord: passed-with-unobserved is nothing failed, some check not observed (a warn badge, not ok)
                return new Drill(outcome == null ? "unknown" : outcome, when, name, passed,
                        "passed-with-unobserved".equals(outcome), notPassed);
            } catch (Exception e) {
                // a record that is not JSON is skipped; an older one may still say something
            }
        }
        return null;
    }

    private static String firstText(JsonNode d, String... names) {
        for (String n : names) {
            JsonNode v = d.get(n);
            if (v != null && v.isValueNode() && !v.isNull()) {
                return v.asText();
            }
        }
        return null;
    }

    // ---- the layer cake

    static boolean isLayer(BlobRef b) {
        String t = b.mediaType();
        return t == null || t.contains("layer") || t.contains("tar");
    }

    private static Cake cake(Manifest m, Manifest previous) {
        Set<Digest> previousBlobs = new HashSet<>();
        if (previous != null) {
            for (ImageEntry i : previous.images()) {
                collectBlobs(i, previousBlobs);
            }
        }
        Map<Digest, Integer> imagesPerLayer = new HashMap<>();
        for (ImageEntry i : m.images()) {
            for (Digest d : new LinkedHashSet<>(i.blobs().stream().filter(ReleaseReports::isLayer).map(BlobRef::digest).toList())) {
                imagesPerLayer.merge(d, 1, Integer::sum);
            }
        }
        List<ImageStack> stacks = new ArrayList<>();
        for (ImageEntry i : m.images()) {
            List<Layer> layers = new ArrayList<>();
            for (BlobRef b : i.blobs()) {
                if (isLayer(b)) {
                    layers.add(new Layer(b.digest().toString(), b.digest().shortHex(), b.size(), b.mediaType(),
                            imagesPerLayer.getOrDefault(b.digest(), 0) > 1, previousBlobs.contains(b.digest())));
                }
            }
            String storedAs = i.blobs().isEmpty()
                    ? (i.copies().isEmpty() ? "digest only" : "copied to " + String.join(", ", i.copies().stream().map(c -> c.location()).toList()))
                    : "in the store";
            stacks.add(new ImageStack(i.ref(), i.digest() == null ? null : i.digest().toString(),
                    String.join(", ", i.platforms()), i.size(), storedAs, i.foundIn(), layers));
        }
        // Bytes, each blob counted once for the whole release: new (not in the previous release) vs reused.
        Map<Digest, Long> unique = new LinkedHashMap<>();
        for (ImageEntry i : m.images()) {
            collectSizes(i, unique);
        }
        long newBytes = 0, reused = 0;
        for (var e : unique.entrySet()) {
            if (previousBlobs.contains(e.getKey())) {
                reused += e.getValue();
            } else {
                newBytes += e.getValue();
            }
        }
        long shared = 0;
        Set<Digest> counted = new HashSet<>();
        for (ImageEntry i : m.images()) {
            for (BlobRef b : i.blobs()) {
                if (isLayer(b) && imagesPerLayer.getOrDefault(b.digest(), 0) > 1 && counted.add(b.digest())) {
                    shared += b.size() * (imagesPerLayer.get(b.digest()) - 1L);
                }
            }
        }
        return draw(stacks, newBytes, reused, shared, imagesPerLayer.size());
    }

    /** Geometry for the SVG: a box per layer, heights on a log scale so a 1 KiB layer stays visible beside 100 MiB. */
    private static Cake draw(List<ImageStack> stacks, long newBytes, long reused, long shared, int uniqueLayers) {
        List<Column> columns = new ArrayList<>();
        int tallest = 20;
        List<List<Integer>> heights = new ArrayList<>();
        for (ImageStack s : stacks) {
            List<Integer> h = new ArrayList<>();
            for (Layer l : s.layers()) {
                h.add(10 + (int) Math.round(7 * Math.log10(Math.max(1, l.size()))));
            }
            int total = h.stream().mapToInt(Integer::intValue).sum();
            if (total > MAX_STACK_HEIGHT) { // many layers: scale the stack down, keep every box at least 2 px
                double f = (double) MAX_STACK_HEIGHT / total;
                h.replaceAll(x -> Math.max(2, (int) Math.floor(x * f)));
                total = h.stream().mapToInt(Integer::intValue).sum();
            }
            tallest = Math.max(tallest, total);
            heights.add(h);
        }
        int base = tallest + 10;
        for (int c = 0; c < stacks.size(); c++) {
            ImageStack s = stacks.get(c);
            int x = 10 + c * (COLUMN_WIDTH + COLUMN_GAP);
            List<Box> boxes = new ArrayList<>();
            int y = base;
            for (int l = 0; l < s.layers().size(); l++) {
                Layer layer = s.layers().get(l);
                int h = heights.get(c).get(l);
                y -= h;
                // A reused layer that another image of the release also has keeps the shared mark as an outline.
                boxes.add(new Box(y, Math.max(1, h - 1), layer.state() + (layer.inPrevious() && layer.sharedInRelease() ? " also-shared" : ""),
                        layer.shortDigest() + " " + human(layer.size()) + " " + layer.state()
                                + (layer.inPrevious() && layer.sharedInRelease() ? ", shared with another image" : "")));
            }
            if (boxes.isEmpty()) {
                boxes.add(new Box(base - 8, 8, "none", "no layers in the store (" + s.storedAs() + ")"));
            }
            columns.add(new Column(x, base + 16, shortLabel(s.ref()), s.ref() + (s.digest() == null ? "" : "@" + s.digest()), boxes));
        }
        int width = Math.max(200, 20 + stacks.size() * (COLUMN_WIDTH + COLUMN_GAP));
        return new Cake(stacks, newBytes, reused, shared, uniqueLayers, width, base + LABEL_SPACE, columns);
    }

    /** The last path segment of a reference, at most 12 characters (the full reference is the box's title). */
    static String shortLabel(String ref) {
        if (ref == null) {
            return "?";
        }
        String s = ref.substring(ref.lastIndexOf('/') + 1);
        return s.codePointCount(0, s.length()) <= 12 ? s : s.substring(0, s.offsetByCodePoints(0, 11)) + "…";
    }

    private static void collectBlobs(ImageEntry i, Set<Digest> into) {
        i.blobs().forEach(b -> into.add(b.digest()));
        i.referrers().forEach(r -> collectBlobs(r, into));
    }

    private static void collectSizes(ImageEntry i, Map<Digest, Long> into) {
        i.blobs().forEach(b -> into.putIfAbsent(b.digest(), b.size()));
        i.referrers().forEach(r -> collectSizes(r, into));
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    // ---- sources, Kubernetes, coverage

    private static Sources sources(Manifest m) {
        if (m.source() == null) {
            return new Sources(0, 0, List.of(), List.of());
        }
        Map<String, List<ReleaseReport.File>> byKind = new TreeMap<>();
        long bytes = 0;
        for (SourceFile f : m.source().files()) {
            byKind.computeIfAbsent(f.kind() == null ? "other" : f.kind(), k -> new ArrayList<>())
                    .add(new ReleaseReport.File(f.path(), f.size(), f.digest().shortHex(), f.symlink()));
            bytes += f.size();
        }
        List<KindGroup> kinds = byKind.entrySet().stream().map(e -> new KindGroup(e.getKey(), e.getValue())).toList();
        List<Reference> refs = new ArrayList<>();
        for (ImageReference r : m.source().referencedImages()) {
            refs.add(new Reference(r.ref(), r.file(), r.line(), r.foundAs(), r.platform()));
        }
        return new Sources(m.source().files().size(), bytes, kinds, refs);
    }

    private static boolean isSecret(String kind) {
        return "Secret".equals(kind);
    }

    private static Kubernetes kubernetes(Manifest m) {
        Map<String, List<String>> groups = new TreeMap<>();
        for (KubernetesResource r : m.kubernetes().resources()) {
            groups.computeIfAbsent((r.namespace() == null ? "" : r.namespace()) + "\u0000" + r.kind(), k -> new ArrayList<>()).add(r.name());
        }
        List<ObjectGroup> out = new ArrayList<>();
        for (var e : groups.entrySet()) {
            String[] key = e.getKey().split("\u0000", 2);
            List<String> names = new ArrayList<>(e.getValue());
            names.sort(null);
            out.add(new ObjectGroup(key[0], key[1], names, isSecret(key[1])));
        }
        List<DriftRow> drift = new ArrayList<>();
        for (DriftEntry d : m.kubernetes().drift()) {
            boolean secret = isSecret(d.kind());
            List<FieldChange> fields = new ArrayList<>();
            if (!d.details().isEmpty()) {
                for (DriftEntry.Field f : d.details()) {
                    fields.add(new FieldChange(f.pointer(), f.change(), secret ? null : f.declared(), secret ? null : f.live()));
                }
            } else {
                d.fields().forEach(p -> fields.add(new FieldChange(p, DriftEntry.CHANGED, null, null)));
            }
            drift.add(new DriftRow(d.kind() + " " + (d.namespace() == null ? "" : d.namespace() + "/") + d.name(),
                    d.change(), d.declaredIn(), fields));
        }
        return new Kubernetes(m.kubernetes().resources().size(), m.kubernetes().context(), m.kubernetes().namespaces(),
                m.kubernetes().selectors(), out, drift,
                m.kubernetes().rendered().stream().limit(MAX_COVERAGE_ITEMS).map(dev.layercake.model.RenderEntry::describe).toList());
    }

    /** The manifest's {@code coverage} section, whatever its shape (another part of layercake writes it), as text rows. */
    private static Coverage coverage(Manifest m, byte[] manifestBytes) {
        List<String> pvcs = m.kubernetes().resources().stream().filter(r -> "PersistentVolumeClaim".equals(r.kind()))
                .map(r -> (r.namespace() == null ? "" : r.namespace() + "/") + r.name()).sorted().toList();
        List<CoverageItem> items = new ArrayList<>();
        boolean present = false;
        try {
            JsonNode c = Json.mapper().readTree(manifestBytes).get("coverage");
            if (c != null && !c.isNull()) {
                present = true;
                flatten("coverage", c, items);
            }
        } catch (Exception e) {
            // the manifest parsed as a Manifest already; a coverage section we cannot walk is left out
        }
        return new Coverage(present, items, pvcs, coverageGroups(m.coverage()));
    }

    /** The typed coverage section, grouped: volumes; storage services; credentials present; notes. */
    static List<ReleaseReport.CoverageGroup> coverageGroups(CoverageSection c) {
        if (c == null) {
            return List.of();
        }
        List<ReleaseReport.CoverageRow> volumes = new ArrayList<>();
        for (CoverageSection.Volume v : c.volumes()) {
            if (volumes.size() >= MAX_COVERAGE_ITEMS) {
                break;
            }
            List<String> detail = new ArrayList<>();
            if (v.size() != null) {
                detail.add(v.size());
            }
            if (v.storageClass() != null) {
                detail.add("class " + v.storageClass());
            }
            if (!v.accessModes().isEmpty()) {
                detail.add(String.join("/", v.accessModes()));
            }
            if (v.boundVolume() != null) {
                detail.add("bound to " + v.boundVolume());
            }
            if (v.csiDriver() != null) {
                detail.add("CSI " + v.csiDriver() + (v.snapshotClass() == null ? "" : v.snapshotClass()
                        ? " (a VolumeSnapshotClass exists)" : " (no VolumeSnapshotClass)"));
            }
            if (!v.usedBy().isEmpty()) {
                detail.add("used by " + String.join(", ", v.usedBy()));
            }
            volumes.add(new ReleaseReport.CoverageRow(v.kind(), (v.namespace() == null ? "" : v.namespace() + "/") + (v.name() == null ? "" : v.name()),
                    String.join("; ", detail), v.foundIn(), v.coverage()));
        }
        List<ReleaseReport.CoverageRow> services = new ArrayList<>();
        List<ReleaseReport.CoverageRow> credentials = new ArrayList<>();
        for (CoverageSection.Service s : c.services()) {
            List<ReleaseReport.CoverageRow> into = s.credentials() ? credentials : services;
            if (into.size() >= MAX_COVERAGE_ITEMS) {
                continue;
            }
            String kind = s.kind() + (s.service() == null ? "" : " (" + s.service() + ")");
            into.add(new ReleaseReport.CoverageRow(s.credentials() ? "credentials present for " + kind : kind, s.name(),
                    s.rule() == null ? null : "rule " + s.rule(), s.foundIn(), s.coverage()));
        }
        List<ReleaseReport.CoverageRow> notes = c.notes().stream().limit(MAX_COVERAGE_ITEMS)
                .map(n -> new ReleaseReport.CoverageRow("note", null, n, null, null)).toList();
        List<ReleaseReport.CoverageGroup> groups = new ArrayList<>();
        if (!volumes.isEmpty()) {
            groups.add(new ReleaseReport.CoverageGroup("volumes", "Volumes the workloads mount: their data is not in the release", volumes));
        }
        if (!services.isEmpty()) {
            groups.add(new ReleaseReport.CoverageGroup("services", "Storage services the app points at", services));
        }
        if (!credentials.isEmpty()) {
            groups.add(new ReleaseReport.CoverageGroup("credentials", "Credentials present (Secret keys only, never values)", credentials));
        }
        if (!notes.isEmpty()) {
            groups.add(new ReleaseReport.CoverageGroup("notes", "Notes of the scan", notes));
        }
        return groups;
    }

    /** The manifest's pipeline section: names, kinds, origins and sizes of what was stored (never the contents). */
    static ReleaseReport.Pipeline pipeline(Manifest m) {
        PipelineSection p = m.pipeline();
        if (p == null) {
            return new ReleaseReport.Pipeline(null, List.of(), List.of());
        }
        List<ReleaseReport.PipelineRow> rows = new ArrayList<>();
        for (PipelineSection.PipelineFile f : p.files()) {
            rows.add(new ReleaseReport.PipelineRow(f.name(), f.kind(), f.origin(), f.size(),
                    f.digest() == null ? null : f.digest().toString(), f.mediaType()));
        }
        return new ReleaseReport.Pipeline(p.system(), rows, p.warnings());
    }

    private static void flatten(String section, JsonNode node, List<CoverageItem> into) {
        if (into.size() >= MAX_COVERAGE_ITEMS) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode e : node) {
                if (e.isObject() && hasOnlyScalars(e)) {
                    into.add(new CoverageItem(section, scalarFields(e)));
                } else if (e.isValueNode()) {
                    into.add(new CoverageItem(section, e.asText()));
                } else {
                    flatten(section, e, into);
                }
            }
        } else if (node.isObject()) {
            if (hasOnlyScalars(node)) {
                into.add(new CoverageItem(section, scalarFields(node)));
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getValue().isValueNode()) {
                    into.add(new CoverageItem(section, e.getKey() + ": " + e.getValue().asText()));
                } else {
                    flatten(section.equals("coverage") ? e.getKey() : section + "." + e.getKey(), e.getValue(), into);
                }
            }
        } else {
            into.add(new CoverageItem(section, node.asText()));
        }
    }

    private static boolean hasOnlyScalars(JsonNode o) {
        for (JsonNode v : o) {
            if (!v.isValueNode()) {
                return false;
            }
        }
        return true;
    }

    private static String scalarFields(JsonNode o) {
        List<String> parts = new ArrayList<>();
        o.fields().forEachRemaining(e -> parts.add(e.getKey() + ": " + e.getValue().asText()));
        return String.join(", ", parts);
    }

    // ---- diff

    /** What changed from {@code from} to {@code to}: files, images (which layers) and objects (which fields). */
    public static Diff diff(ReleaseStore store, Manifest from, Manifest to) {
        Diff files = diffFilesAndImages(from, to);
        dev.layercake.api.result.DiffReport objects = ReleaseDiff.between(store, from, to, null);
        List<ObjectChange> changes = new ArrayList<>();
        for (dev.layercake.api.result.DiffChange c : objects.changes()) {
            boolean secret = isSecret(c.kind());
            changes.add(new ObjectChange(c.object(), c.change(), c.fields().stream()
                    .map(f -> new FieldChange(f.pointer(), f.change(), secret ? null : f.declared(), secret ? null : f.live())).toList()));
        }
        return new Diff(files.from(), files.to(), files.filesAdded(), files.filesRemoved(), files.filesChanged(),
                files.images(), changes, objects.compared(), objects.notes());
    }

    /** The file and image part of a diff (no store needed). */
    static Diff diffFilesAndImages(Manifest from, Manifest to) {
        Map<String, Digest> a = files(from);
        Map<String, Digest> b = files(to);
        List<String> added = b.keySet().stream().filter(p -> !a.containsKey(p)).sorted().toList();
        List<String> removed = a.keySet().stream().filter(p -> !b.containsKey(p)).sorted().toList();
        List<String> changed = b.keySet().stream().filter(p -> a.containsKey(p) && !Objects.equals(a.get(p), b.get(p))).sorted().toList();
        Map<String, ImageEntry> ia = images(from);
        Map<String, ImageEntry> ib = images(to);
        List<ImageChange> images = new ArrayList<>();
        for (var e : ib.entrySet()) {
            ImageEntry old = ia.get(e.getKey());
            ImageEntry now = e.getValue();
            if (old == null) {
                images.add(new ImageChange(e.getKey(), DriftEntry.ADDED, null, str(now.digest()), layers(now), List.of()));
            } else if (!Objects.equals(old.digest(), now.digest())) {
                List<String> la = layers(old);
                List<String> lb = layers(now);
                images.add(new ImageChange(e.getKey(), DriftEntry.CHANGED, str(old.digest()), str(now.digest()),
                        lb.stream().filter(l -> !la.contains(l)).toList(), la.stream().filter(l -> !lb.contains(l)).toList()));
            }
        }
        for (var e : ia.entrySet()) {
            if (!ib.containsKey(e.getKey())) {
                images.add(new ImageChange(e.getKey(), DriftEntry.REMOVED, str(e.getValue().digest()), null, List.of(), layers(e.getValue())));
            }
        }
        return new Diff(from.release(), to.release(), added, removed, changed, images, List.of(), 0, List.of());
    }

    private static String str(Digest d) {
        return d == null ? null : d.toString();
    }

    private static List<String> layers(ImageEntry i) {
        return i.blobs().stream().filter(ReleaseReports::isLayer).map(b -> b.digest().toString()).distinct().toList();
    }

    private static Map<String, Digest> files(Manifest m) {
        Map<String, Digest> out = new LinkedHashMap<>();
        if (m.source() != null) {
            m.source().files().forEach(f -> out.put(f.path(), f.digest()));
        }
        return out;
    }

    /** Images by reference without tag or digest (so shop/api:1.0 and shop/api:1.1 are one image whose digest changed). */
    private static Map<String, ImageEntry> images(Manifest m) {
        Map<String, ImageEntry> out = new LinkedHashMap<>();
        for (ImageEntry i : m.images()) {
            out.putIfAbsent(repository(i.ref()), i);
        }
        return out;
    }

    static String repository(String ref) {
        if (ref == null) {
            return "?";
        }
        String r = ref;
        int at = r.indexOf('@');
        if (at >= 0) {
            r = r.substring(0, at);
        }
        int colon = r.lastIndexOf(':');
        if (colon > r.lastIndexOf('/')) {
            r = r.substring(0, colon);
        }
        return r;
    }
}
