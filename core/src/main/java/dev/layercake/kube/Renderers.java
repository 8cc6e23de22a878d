package dev.layercake.kube;

import dev.layercake.api.access.Access;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The external renderers drift may use, found on PATH (never downloaded): {@code kustomize} or
 * {@code kubectl kustomize}, and {@code helm}. Each run is bounded in time and output and gets no stdin.
 */
public final class Renderers {

    static final long TIMEOUT_SECONDS = 120;
    static final int MAX_OUTPUT = 32 << 20;

    /** A renderer found: the command prefix, a name for the manifest and its version. */
    public record Tool(List<String> command, String name, String version) {
    }

    /** What a run gave: exit code, stdout, the first line of stderr. */
    record Run(int exitCode, String out, String firstError) {
    }

    private final Access access;

    public Renderers(Access access) {
        this.access = access;
    }

    /** {@code kustomize build}, else {@code kubectl kustomize}; empty when neither is on PATH. */
    public Optional<Tool> kustomize() {
        Optional<Path> kustomize = onPath("kustomize");
        if (kustomize.isPresent()) {
            Run v = run(List.of(kustomize.get().toString(), "version"), null);
            return Optional.of(new Tool(List.of(kustomize.get().toString(), "build"), "kustomize build", firstLine(v.out())));
        }
        Optional<Path> kubectl = onPath("kubectl");
        if (kubectl.isPresent()) {
            Run v = run(List.of(kubectl.get().toString(), "version", "--client", "-o", "json"), null);
            String version = jsonField(v.out(), "kustomizeVersion");
            String kubectlVersion = jsonField(v.out(), "gitVersion");
            return Optional.of(new Tool(List.of(kubectl.get().toString(), "kustomize"), "kubectl kustomize",
                    version == null ? kubectlVersion : "kustomize " + version + (kubectlVersion == null ? "" : ", kubectl " + kubectlVersion)));
        }
        return Optional.empty();
    }

    public Optional<Tool> helm() {
        return onPath("helm").map(h -> new Tool(List.of(h.toString(), "template"), "helm template",
                firstLine(run(List.of(h.toString(), "version", "--short"), null).out())));
    }

    Optional<Path> onPath(String name) {
        String path = access.environment().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Runs a renderer in {@code dir}; output beyond {@link #MAX_OUTPUT} or a run beyond the timeout is a failure. */
    Run run(List<String> command, Path dir) {
        Path err = null;
        try {
            err = Files.createTempFile("layercake-render-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(err.toFile());
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().clear();
            for (String keep : List.of("PATH", "HOME", "TMPDIR", "LANG")) {
                if (access.environment().get(keep) != null) {
                    pb.environment().put(keep, access.environment().get(keep));
                }
            }
            pb.environment().put("GIT_TERMINAL_PROMPT", "0");
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        if (out.size() + n > MAX_OUTPUT) {
                            p.destroyForcibly();
                            return;
                        }
                        out.write(buf, 0, n);
                    }
                } catch (IOException ignored) {
                    // the process went away; its exit code tells
                }
            }, "layercake-render-out");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "", "did not finish within " + TIMEOUT_SECONDS + " s");
            }
            reader.join(10_000);
            if (out.size() >= MAX_OUTPUT) {
                return new Run(-1, "", "printed more than " + (MAX_OUTPUT >> 20) + " MB");
            }
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), firstLine(errors));
        } catch (IOException e) {
            return new Run(-1, "", "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "", "interrupted");
        } finally {
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // temporary file
                }
            }
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                String l = line.strip();
                return l.length() > 300 ? l.substring(0, 300) + "..." : l;
            }
        }
        return null;
    }

    private static String jsonField(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]{1,100})\"").matcher(json == null ? "" : json);
        return m.find() ? m.group(1) : null;
    }

    static List<String> with(List<String> prefix, String... args) {
        List<String> out = new ArrayList<>(prefix);
        out.addAll(List.of(args));
        return out;
    }
}
