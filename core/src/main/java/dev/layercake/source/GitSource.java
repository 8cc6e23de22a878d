package dev.layercake.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.LayercakeException;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.BlobRef;
import dev.layercake.model.ImageReference;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.model.UnresolvedImage;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.BundleWriter;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A git repository at one commit: a local checkout (any folder inside it; only that folder is captured)
 * or a remote URL cloned bare into a temporary folder. Files are read from the commit's tree, never from
 * the working tree, so what is stored is exactly what was committed.
 */
public final class GitSource implements AutoCloseable {

    /** YAML and other files are read into memory for classification only up to this size. */
    private static final long MAX_CLASSIFY_BYTES = 1 << 20;

    private final Repository repository;
    private final String repoDescription;
    private final String ref;
    private final RevCommit commit;
    private final String subPath;
    private final boolean dirty;
    private final Path tempClone;
    private final ProgressListener listener;

    /** GitLab CI: at most this many included files, followed this deep (GitLab's own limits are 150 and 100). */
    static final int MAX_CI_INCLUDES = 150;
    static final int MAX_CI_INCLUDE_DEPTH = 10;
    /** A symlink chain longer than this is not followed. */
    static final int MAX_LINK_HOPS = 8;
    /** At most this many include: entries are read from one CI file. */
    static final int MAX_CI_INCLUDE_SPECS = 100;
    /** Glob matching of includes stops after this many steps in all (a set-of-states walk, see {@link IncludeGlob}). */
    static final long MAX_CI_GLOB_STEPS = 50_000_000L;

    /** Filled by classification, for the capture's record and output. */
    private final List<dev.layercake.model.UnparsedFile> unparsed = new ArrayList<>();
    private final List<String> includes = new ArrayList<>();
    private final java.util.Set<String> gitlabFiles = new java.util.HashSet<>();
    /** Symlinks that point out of the repository: never captured, not even with --include. */
    private final java.util.Set<String> refusedLinks = new java.util.HashSet<>();

    private GitSource(Repository repository, String repoDescription, String ref, RevCommit commit, String subPath,
                      boolean dirty, Path tempClone, ProgressListener listener) {
        this.repository = repository;
        this.repoDescription = repoDescription;
        this.ref = ref;
        this.commit = commit;
        this.subPath = subPath;
        this.dirty = dirty;
        this.tempClone = tempClone;
        this.listener = listener;
    }

    public static GitSource open(SourceOptions options, ProgressListener listener) {
        JGitSettings.apply();
        String source = options.source();
        String ref = options.ref() == null ? Constants.HEAD : options.ref();
        if (isRemote(source)) {
            return openRemote(source, ref, listener);
        }
        Path dir = Path.of(source).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw LayercakeException.usage("--source '" + source + "' is not a folder or a git URL");
        }
        FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment().findGitDir(dir.toFile()).setMustExist(true);
        if (builder.getGitDir() == null) {
            throw LayercakeException.usage("--source '" + source + "' is not inside a git repository (no .git found in it or above it)");
        }
        Repository repo;
        try {
            repo = builder.build();
        } catch (RepositoryNotFoundException e) {
            throw LayercakeException.usage("--source '" + source + "' is not inside a git repository");
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot open the git repository at " + source + ": " + e.getMessage(), e);
        }
        try {
            Path top = repo.isBare() ? dir : repo.getWorkTree().toPath().toAbsolutePath().normalize();
            String sub = top.equals(dir) ? null : top.relativize(dir).toString().replace('\\', '/');
            RevCommit commit = resolve(repo, ref, source);
            boolean dirty = false;
            if (!repo.isBare() && options.ref() == null) {
                // The working tree only matters when capturing what is checked out.
                try (Git git = new Git(repo)) {
                    var status = git.status();
                    if (sub != null) {
                        status.addPath(sub);
                    }
                    dirty = !status.call().isClean();
                }
                if (dirty) {
                    listener.warn("the working tree at " + dir + " has uncommitted changes; they are NOT captured (files come from commit "
                            + commit.getName().substring(0, 12) + "); the manifest records dirty: true");
                }
            }
            String origin = repo.getConfig().getString("remote", "origin", "url");
            String description = origin != null ? redact(origin) : top.toString();
            return new GitSource(repo, description, ref, commit, sub, dirty, null, listener);
        } catch (GitAPIException e) {
            repo.close();
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot read the status of " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    private static GitSource openRemote(String url, String ref, ProgressListener listener) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("layercake-clone-");
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot create a temporary folder: " + e.getMessage(), e);
        }
        listener.info("cloning " + redact(url));
        try {
            Git git = Git.cloneRepository().setURI(url).setBare(true).setDirectory(tmp.toFile())
                    .setCloneAllBranches(true).setProgressMonitor(NullProgressMonitor.INSTANCE).call();
            Repository repo = git.getRepository();
            RevCommit commit = resolve(repo, ref, redact(url));
            return new GitSource(repo, redact(url), ref, commit, null, false, tmp, listener);
        } catch (InvalidRemoteException | TransportException e) {
            deleteTree(tmp);
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot clone " + redact(url) + ": "
                    + redact(String.valueOf(e.getMessage())), e);
        } catch (GitAPIException e) {
            deleteTree(tmp);
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot clone " + redact(url) + ": " + redact(String.valueOf(e.getMessage())), e);
        } catch (RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static RevCommit resolve(Repository repo, String ref, String where) {
        try {
            ObjectId id = repo.resolve(ref + "^{commit}");
            if (id == null && !ref.startsWith("refs/")) {
                id = repo.resolve("refs/remotes/origin/" + ref + "^{commit}");
            }
            if (id == null) {
                throw LayercakeException.notFound("unknown ref '" + ref + "' in " + where
                        + (Constants.HEAD.equals(ref) ? " (the repository has no commits yet)" : ""));
            }
            try (RevWalk walk = new RevWalk(repo)) {
                return walk.parseCommit(id);
            }
        } catch (IOException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
            throw LayercakeException.notFound("unknown ref '" + ref + "' in " + where + ": " + e.getMessage());
        }
    }

    static boolean isRemote(String source) {
        return SourceOptions.isRemote(source);
    }

    /**
     * URLs may carry a user:token; it never reaches a message or the manifest. The userinfo runs to the LAST '@' of
     * the URL (a password may hold '/', ':' or '@').
     */
    public static String redact(String url) {
        return url.replaceAll("(://)\\S*@", "$1***@");
    }

    public String commit() {
        return commit.getName();
    }

    public boolean dirty() {
        return dirty;
    }

    /** One file of the commit's tree, before selection. */
    private record Entry(String path, FileMode mode, ObjectId id) {
    }

    /** Selects, classifies and stores the commit's files, and scans them for image references. */
    public SourceSection capture(ReleaseStore store, SourceOptions options) {
        List<Entry> entries = listTree();
        Map<String, Entry> byPath = new LinkedHashMap<>();
        entries.forEach(e -> byPath.put(e.path(), e));
        Map<String, String> kinds = classify(byPath);

        List<PathMatcher> includeGlobs = globs(options.include());
        List<PathMatcher> excludes = globs(options.exclude());
        List<Entry> selected = new ArrayList<>();
        for (Entry e : entries) {
            if (refusedLinks.contains(e.path())) {
                continue;
            }
            Path p = Path.of(e.path());
            boolean wanted = kinds.containsKey(e.path()) || includeGlobs.stream().anyMatch(m -> m.matches(p));
            if (wanted && excludes.stream().noneMatch(m -> m.matches(p))) {
                selected.add(e);
            }
        }

        List<SourceFile> files = new ArrayList<>();
        List<ImageReference> images = new ArrayList<>();
        List<UnresolvedImage> unresolved = new ArrayList<>();
        long done = 0;
        for (Entry e : selected) {
            String kind = kinds.getOrDefault(e.path(), FileKinds.OTHER);
            try {
                ObjectLoader loader = repository.open(e.id());
                BlobRef blob;
                if (loader.getSize() <= MAX_CLASSIFY_BYTES) {
                    byte[] bytes = loader.getBytes();
                    blob = store.putBytes(bytes, null);
                    if (!e.mode().equals(FileMode.SYMLINK)) {
                        String text = new String(bytes, StandardCharsets.UTF_8);
                        if (FileKinds.DOCKERFILE.equals(kind)) {
                            DockerfileScanner.Scan scan = DockerfileScanner.scanAll(e.path(), text);
                            ImageCandidates.partition(scan.images(), images, unresolved);
                            unresolved.addAll(scan.unresolved());
                        } else {
                            ImageCandidates.partition(scanImages(e.path(), kind, text, byPath), images, unresolved);
                            if (gitlabFiles.contains(e.path())) {
                                ImageCandidates.partition(YamlDocuments.gitlabImages(e.path(), text, YamlDocuments.parse(text)),
                                        images, unresolved);
                            }
                        }
                    }
                } else {
                    blob = store.putStream(loader.openStream(), null);
                }
                files.add(new SourceFile(e.path(), kind, blob.digest(), blob.size(), modeOf(e.mode())));
            } catch (IOException ex) {
                throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot read " + e.path() + " from commit " + commit() + ": " + ex.getMessage(), ex);
            }
            listener.progress("sources", ++done, selected.size(), "files");
        }
        BlobRef bundle = options.gitBundle() ? storeBundle(store) : null;
        listener.info("captured " + files.size() + " file(s) of " + entries.size() + " at " + commit().substring(0, 12)
                + ", " + images.size() + " image reference(s)");
        if (!unresolved.isEmpty()) {
            listener.warn(unresolved.size() + " image reference(s) not resolvable at capture time, not backed up (listed as"
                    + " source.unresolvedImages), e.g. " + unresolved.get(0).raw() + " at " + unresolved.get(0).file() + ":"
                    + unresolved.get(0).line() + ": " + unresolved.get(0).why());
        }
        if (!includes.isEmpty()) {
            listener.info("gitlab-ci: " + includes.size() + " included file(s) followed and captured: "
                    + String.join(", ", includes.subList(0, Math.min(5, includes.size())).stream().map(GitSource::printable).toList()) + (includes.size() > 5 ? ", ..." : ""));
        }
        if (!unparsed.isEmpty()) {
            StringBuilder sb = new StringBuilder(unparsed.size() + " YAML file(s) with apiVersion/kind do not parse, so they are"
                    + " not classified as Kubernetes YAML (templated samples?); --include captures them as they are: ");
            for (int i = 0; i < Math.min(5, unparsed.size()); i++) {
                sb.append(i == 0 ? "" : "; ").append(unparsed.get(i).path()).append(" (").append(unparsed.get(i).error()).append(')');
            }
            listener.warn(sb + (unparsed.size() > 5 ? "; ..." : "") + " (all listed as source.unparsedYaml)");
        }
        return new SourceSection(repoDescription, commit(), ref, subPath, dirty, files, images, bundle, unresolved, unparsed, includes);
    }

    private List<Entry> listTree() {
        List<Entry> out = new ArrayList<>();
        try (TreeWalk walk = new TreeWalk(repository)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            if (subPath != null) {
                walk.setFilter(PathFilter.create(subPath));
            }
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                if (mode.equals(FileMode.GITLINK)) {
                    listener.warn("submodule " + walk.getPathString() + " is not captured (only its commit id is in git)");
                    continue;
                }
                out.add(new Entry(walk.getPathString(), mode, walk.getObjectId(0)));
            }
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot walk the tree of commit " + commit() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** path -> kind for every file captured by default. */
    private Map<String, String> classify(Map<String, Entry> byPath) {
        Map<String, String> kinds = new LinkedHashMap<>();
        // Helm: everything inside a chart folder (a folder with Chart.yaml), templates included.
        List<String> chartRoots = byPath.keySet().stream()
                .filter(p -> p.equals("Chart.yaml") || p.endsWith("/Chart.yaml"))
                .map(p -> p.substring(0, p.length() - "Chart.yaml".length()))
                .toList();
        for (String path : byPath.keySet()) {
            if (chartRoots.stream().anyMatch(path::startsWith)) {
                kinds.put(path, FileKinds.HELM);
            }
        }
        // By name: Dockerfiles, Terraform, kustomizations, pipelines.
        for (String path : byPath.keySet()) {
            if (!kinds.containsKey(path)) {
                FileKinds.byName(path).ifPresent(k -> kinds.put(path, k));
            }
        }
        // Kustomize: what each kustomization references.
        for (String path : List.copyOf(kinds.keySet())) {
            if (!FileKinds.KUSTOMIZE.equals(kinds.get(path))) {
                continue;
            }
            String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
            for (JsonNode doc : YamlDocuments.parse(text(byPath.get(path)))) {
                for (String ref : YamlDocuments.kustomizationReferences(doc)) {
                    String target = normalize(dir + ref);
                    if (target != null && byPath.containsKey(target) && !FileKinds.HELM.equals(kinds.get(target))) {
                        kinds.put(target, FileKinds.KUSTOMIZE);
                    }
                }
            }
        }
        // Kubernetes YAML and Tekton resources, by content.
        for (Entry e : byPath.values()) {
            if (kinds.containsKey(e.path()) || !FileKinds.isYaml(e.path()) || e.mode().equals(FileMode.SYMLINK)) {
                continue;
            }
            String content = text(e);
            List<JsonNode> docs = YamlDocuments.parse(content);
            if (docs.isEmpty()) {
                String error = YamlDocuments.kubernetesParseError(content);
                if (error != null) {
                    unparsed.add(new dev.layercake.model.UnparsedFile(e.path(), error));
                }
                continue;
            }
            if (docs.stream().anyMatch(YamlDocuments::isTekton)) {
                kinds.put(e.path(), FileKinds.PIPELINE);
            } else if (!docs.isEmpty() && docs.stream().anyMatch(YamlDocuments::isKubernetesObject)) {
                kinds.put(e.path(), FileKinds.KUBERNETES);
            }
        }
        followGitlabIncludes(byPath, kinds);
        classifyLinks(byPath, kinds);
        return kinds;
    }

    /**
     * GitLab CI {@code include:} of local files (a string, a list, {@code {local: ...}} maps, globs), followed from
     * {@code .gitlab-ci.yml} through the included files, bounded and only inside the repository. Remote, project,
     * template and component includes are not in this repository: named, not followed.
     */
    private void followGitlabIncludes(Map<String, Entry> byPath, Map<String, String> kinds) {
        String root = ".gitlab-ci.yml";
        if (!byPath.containsKey(root) || byPath.get(root).mode().equals(FileMode.SYMLINK)) {
            return;
        }
        gitlabFiles.add(root);
        java.util.ArrayDeque<Map.Entry<String, Integer>> queue = new java.util.ArrayDeque<>();
        queue.add(Map.entry(root, 0));
        long globSteps = 0;
        List<String> notFollowed = new ArrayList<>();
        while (!queue.isEmpty()) {
            Map.Entry<String, Integer> next = queue.poll();
            List<JsonNode> docs = YamlDocuments.parse(text(byPath.get(next.getKey())));
            if (docs.isEmpty()) {
                continue;
            }
            JsonNode include = docs.get(0).path("include");
            List<JsonNode> specs = new ArrayList<>();
            if (include.isArray()) {
                for (JsonNode spec : include) {
                    if (specs.size() >= MAX_CI_INCLUDE_SPECS) {
                        notFollowed.add((include.size() - MAX_CI_INCLUDE_SPECS) + " more include entries of " + next.getKey()
                                + " (more than " + MAX_CI_INCLUDE_SPECS + " in one file)");
                        break;
                    }
                    specs.add(spec);
                }
            } else if (!include.isMissingNode() && !include.isNull()) {
                specs.add(include);
            }
            for (JsonNode spec : specs) {
                String local = null;
                if (spec.isTextual()) {
                    if (spec.asText().contains("://")) {
                        notFollowed.add("remote " + spec.asText());
                        continue;
                    }
                    local = spec.asText();
                } else if (spec.path("local").isTextual()) {
                    local = spec.path("local").asText();
                } else if (spec.isObject()) {
                    String what = spec.has("project") ? "project " + spec.path("project").asText() + " " + (spec.path("file").isArray() ? spec.path("file").toString() : spec.path("file").asText())
                            : spec.has("template") ? "template " + spec.path("template").asText()
                            : spec.has("component") ? "component " + spec.path("component").asText()
                            : spec.has("remote") ? "remote " + spec.path("remote").asText() : "include " + spec;
                    notFollowed.add(what.length() > 120 ? what.substring(0, 120) + "..." : what);
                    continue;
                }
                if (local == null) {
                    continue;
                }
                String path = local.strip();
                while (path.startsWith("/")) {
                    path = path.substring(1);
                }
                if (path.contains("$")) {
                    notFollowed.add(local + " (uses CI variables, not known at capture time)");
                    continue;
                }
                List<String> targets = new ArrayList<>();
                if (path.chars().anyMatch(c -> "*?[]{}\\".indexOf(c) >= 0)) {
                    String refusal = IncludeGlob.refusal(path);
                    if (refusal != null) {
                        notFollowed.add(local + " (" + refusal + ")");
                        continue;
                    }
                    IncludeGlob glob = IncludeGlob.parse(path);
                    boolean exhausted = false;
                    for (String k : byPath.keySet()) {
                        if (!FileKinds.isYaml(k)) {
                            continue;
                        }
                        globSteps += glob.cost(k);
                        if (globSteps > MAX_CI_GLOB_STEPS) {
                            exhausted = true;
                            break;
                        }
                        if (glob.matches(k)) {
                            targets.add(k);
                        }
                    }
                    java.util.Collections.sort(targets);
                    if (exhausted) {
                        notFollowed.add(local + " (glob matching stopped: too many files or too long a glob)");
                    } else if (targets.isEmpty()) {
                        notFollowed.add(local + " (the glob matches no file)");
                    }
                } else {
                    String normalized = normalize(path);
                    if (normalized == null) {
                        notFollowed.add(local + " (leaves the repository)");
                        continue;
                    }
                    if (!byPath.containsKey(normalized)) {
                        notFollowed.add(local + " (not in the commit)");
                        continue;
                    }
                    targets.add(normalized);
                }
                for (String t : targets) {
                    if (gitlabFiles.contains(t)) {
                        continue;
                    }
                    if (includes.size() >= MAX_CI_INCLUDES || next.getValue() + 1 > MAX_CI_INCLUDE_DEPTH) {
                        notFollowed.add(t + " (more than " + MAX_CI_INCLUDES + " includes or deeper than " + MAX_CI_INCLUDE_DEPTH + ")");
                        continue;
                    }
                    if (byPath.get(t).mode().equals(FileMode.SYMLINK)) {
                        String target = linkTarget(t, byPath);
                        if (target == null) {
                            continue;
                        }
                        kinds.putIfAbsent(t, FileKinds.PIPELINE);
                        t = target;
                    }
                    if (!gitlabFiles.add(t)) {
                        continue; // a link back to a file already followed (.gitlab-ci.yml itself)
                    }
                    includes.add(t);
                    kinds.put(t, FileKinds.PIPELINE);
                    queue.add(Map.entry(t, next.getValue() + 1));
                }
            }
        }
        if (!notFollowed.isEmpty()) {
            listener.warn("gitlab-ci: " + notFollowed.size() + " include(s) not followed (not files of this commit): "
                    + String.join("; ", notFollowed.subList(0, Math.min(5, notFollowed.size())).stream().map(GitSource::printable).toList())
                    + (notFollowed.size() > 5 ? "; ..." : ""));
        }
    }

    /**
     * A symlink is classified by the file it points to inside the repository (following chains of links) and
     * stored as the link it is; a link that leaves the repository, is absolute, or goes round in circles is
     * refused, with a word.
     */
    private void classifyLinks(Map<String, Entry> byPath, Map<String, String> kinds) {
        List<String> refused = new ArrayList<>();
        for (Entry e : byPath.values()) {
            if (!e.mode().equals(FileMode.SYMLINK)) {
                continue;
            }
            String target = linkTarget(e.path(), byPath);
            if (target == null) {
                kinds.remove(e.path());
                if (leavesTree(e.path(), byPath)) {
                    refusedLinks.add(e.path());
                    refused.add(printable(e.path()) + " -> " + printable(rawLink(e)));
                }
                continue;
            }
            String kind = kinds.get(target);
            if (kind == null && byPath.get(target) != null && FileKinds.isYaml(target)) {
                List<JsonNode> docs = YamlDocuments.parse(text(byPath.get(target)));
                if (docs.stream().anyMatch(YamlDocuments::isTekton)) {
                    kind = FileKinds.PIPELINE;
                } else if (docs.stream().anyMatch(YamlDocuments::isKubernetesObject)) {
                    kind = FileKinds.KUBERNETES;
                }
            }
            if (kind == null) {
                // a link named like a Dockerfile or kustomization to a file of no kind of its own: the name decides
                kind = FileKinds.byName(e.path()).orElse(null);
            }
            if (kind != null) {
                kinds.put(e.path(), kind);
                kinds.putIfAbsent(target, kind);
            } else {
                kinds.remove(e.path());
            }
        }
        if (!refused.isEmpty()) {
            listener.warn(refused.size() + " symlink(s) point out of the repository and are not captured (not even with --include): "
                    + String.join(", ", refused.subList(0, Math.min(5, refused.size()))) + (refused.size() > 5 ? ", ..." : ""));
        }
    }

    /** The regular file a link resolves to inside the tree, or null (outside, absolute, a folder, a loop, missing). */
    private String linkTarget(String path, Map<String, Entry> byPath) {
        String current = path;
        for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
            Entry e = byPath.get(current);
            if (e == null) {
                return null;
            }
            if (!e.mode().equals(FileMode.SYMLINK)) {
                return current;
            }
            String link = rawLink(e);
            if (link.startsWith("/") || link.isEmpty()) {
                return null;
            }
            String dir = current.contains("/") ? current.substring(0, current.lastIndexOf('/') + 1) : "";
            current = normalize(dir + link);
            if (current == null) {
                return null;
            }
        }
        return null;
    }

    /** True when the link (or one in its chain) is absolute or climbs out of the repository. */
    private boolean leavesTree(String path, Map<String, Entry> byPath) {
        String current = path;
        for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
            Entry e = byPath.get(current);
            if (e == null || !e.mode().equals(FileMode.SYMLINK)) {
                return false;
            }
            String link = rawLink(e);
            if (link.startsWith("/")) {
                return true;
            }
            String dir = current.contains("/") ? current.substring(0, current.lastIndexOf('/') + 1) : "";
            current = normalize(dir + link);
            if (current == null) {
                return true;
            }
        }
        return false;
    }

    private String rawLink(Entry e) {
        String t = text(e);
        return t.length() > 4096 ? t.substring(0, 4096) : t;
    }

    /** Control, C1 and bidi-override characters as '?', at most about 200 characters: for text from git in messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ? '?' : c);
            if (sb.length() > 200) {
                return sb + "...";
            }
        }
        return sb.toString();
    }

    private List<ImageReference> scanImages(String path, String kind, String text, Map<String, Entry> byPath) {
        return switch (kind) {
            case FileKinds.DOCKERFILE -> DockerfileScanner.scan(path, text);
            case FileKinds.KUBERNETES, FileKinds.KUSTOMIZE, FileKinds.PIPELINE ->
                    FileKinds.isYaml(path) || path.endsWith("Kustomization")
                            ? YamlDocuments.images(path, text, YamlDocuments.parse(text), kind, null) : List.of();
            case FileKinds.HELM -> helmImages(path, text, byPath);
            default -> List.of();
        };
    }

    /**
     * Helm values files name images as repository + tag; an empty tag defaults to the values file's chart's
     * appVersion. Other YAML of a chart folder is scanned for image fields too.
     */
    private List<ImageReference> helmImages(String path, String text, Map<String, Entry> byPath) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!FileKinds.isYaml(name)) {
            return List.of();
        }
        if (!name.startsWith("values")) {
            // Plain YAML of a chart folder (examples, CI values, manifests beside the chart): its image fields.
            // Templates mostly do not parse, and templated values are skipped by the image filter.
            return YamlDocuments.images(path, text, YamlDocuments.parse(text), "helm-yaml", null);
        }
        String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
        String appVersion = null;
        Entry chart = byPath.get(dir + "Chart.yaml");
        if (chart != null) {
            for (JsonNode doc : YamlDocuments.parse(text(chart))) {
                if (doc.path("appVersion").isValueNode()) {
                    appVersion = doc.path("appVersion").asText();
                }
            }
        }
        if (appVersion != null && !appVersion.startsWith("v") && templatesPrefixV(dir, byPath)) {
            appVersion = "v" + appVersion;
        }
        return YamlDocuments.images(path, text, YamlDocuments.parse(text), "helm-values", appVersion);
    }

    /** A chart whose templates default the image tag to {@code printf "v%s" .Chart.AppVersion} (kube-state-metrics, ...). */
    private static final java.util.regex.Pattern V_APP_VERSION =
            java.util.regex.Pattern.compile("printf\\s+\"v%s\"\\s+\\.Chart\\.AppVersion|\"v\"\\s*\\.Chart\\.AppVersion");

    private boolean templatesPrefixV(String chartDir, Map<String, Entry> byPath) {
        String templates = chartDir + "templates/";
        int read = 0;
        for (Entry e : byPath.values()) {
            if (e.path().startsWith(templates) && !e.mode().equals(FileMode.SYMLINK) && read++ < 200
                    && V_APP_VERSION.matcher(text(e)).find()) {
                return true;
            }
        }
        return false;
    }

    private String text(Entry e) {
        try {
            ObjectLoader loader = repository.open(e.id());
            if (loader.getSize() > MAX_CLASSIFY_BYTES) {
                return "";
            }
            return new String(loader.getBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot read " + e.path() + ": " + ex.getMessage(), ex);
        }
    }

    private BlobRef storeBundle(ReleaseStore store) {
        listener.info("writing a git bundle of " + commit().substring(0, 12));
        try (PipedInputStream in = new PipedInputStream(1 << 16); PipedOutputStream out = new PipedOutputStream(in)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream o = out) {
                    BundleWriter bundle = new BundleWriter(repository);
                    bundle.include("refs/heads/layercake-release", commit);
                    bundle.writeBundle(NullProgressMonitor.INSTANCE, o);
                } catch (IOException e) {
                    throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot write the git bundle: " + e.getMessage(), e);
                }
            });
            BlobRef ref = store.putStream(in, "application/x-git-bundle");
            writer.join();
            return ref;
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot write the git bundle: " + e.getMessage(), e);
        }
    }

    private static String modeOf(FileMode mode) {
        if (mode.equals(FileMode.SYMLINK)) {
            return SourceFile.MODE_SYMLINK;
        }
        if (mode.equals(FileMode.EXECUTABLE_FILE)) {
            return SourceFile.MODE_EXECUTABLE;
        }
        return SourceFile.MODE_FILE;
    }

    private static List<PathMatcher> globs(List<String> globs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            if (g.startsWith("**/")) {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
            }
        }
        return out;
    }

    /** Resolves '.' and '..' in a repository path; null when it leaves the repository. */
    static String normalize(String path) {
        Deque parts = new Deque();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (parts.items.isEmpty()) {
                    return null;
                }
                parts.items.remove(parts.items.size() - 1);
            } else {
                parts.items.add(s);
            }
        }
        return String.join("/", parts.items);
    }

    private static final class Deque {
        final List<String> items = new ArrayList<>();
    }

    @Override
    public void close() {
        repository.close();
        if (tempClone != null) {
            deleteTree(tempClone);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary clone clean-up is best effort
        }
    }
}
