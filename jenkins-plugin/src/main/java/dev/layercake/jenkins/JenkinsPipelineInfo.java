package dev.layercake.jenkins;

import hudson.PluginWrapper;
import hudson.model.Job;
import hudson.model.Run;
import jenkins.model.Jenkins;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What only Jenkins knows of the pipeline, read on the controller and handed to the engine as pipeline files
 * (the manifest's pipeline section): the job's config.xml exactly as Jenkins stores it (its secrets are encrypted
 * by Jenkins and stay so: never decrypted here), and jenkins.json with the Jenkins version, the job's folder path
 * and the installed plugins with their versions. A part that cannot be read is left out with a log line.
 */
final class JenkinsPipelineInfo implements Serializable {

    private static final long serialVersionUID = 1L;
    /** config.xml files larger than this are not stored (the engine's --pipeline-file limit). */
    static final long MAX_CONFIG_BYTES = 16L * 1024 * 1024;

    final String configXml;
    final String jenkinsVersion;
    final String job;
    final String folder;
    final List<String> plugins;
    final List<String> problems;

    private JenkinsPipelineInfo(String configXml, String jenkinsVersion, String job, String folder, List<String> plugins,
                                List<String> problems) {
        this.configXml = configXml;
        this.jenkinsVersion = jenkinsVersion;
        this.job = job;
        this.folder = folder;
        this.plugins = plugins;
        this.problems = problems;
    }

    static JenkinsPipelineInfo of(Run<?, ?> run) {
        List<String> problems = new ArrayList<>();
        Job<?, ?> job = run.getParent();
        String config = null;
        try {
            File file = job.getConfigFile().getFile();
            if (file.length() > MAX_CONFIG_BYTES) {
                problems.add("config.xml of " + job.getFullName() + " is over " + MAX_CONFIG_BYTES + " bytes: not stored");
            } else {
                config = job.getConfigFile().asString();
            }
        } catch (IOException e) {
            problems.add("config.xml of " + job.getFullName() + " could not be read: " + e.getMessage());
        }
        String folder = job.getParent() instanceof hudson.model.Item item ? item.getFullName() : "";
        List<String> plugins = new ArrayList<>();
        for (PluginWrapper p : Jenkins.get().getPluginManager().getPlugins()) {
            plugins.add(p.getShortName() + ":" + p.getVersion() + (p.isActive() ? "" : " (inactive)"));
        }
        plugins.sort(String::compareTo);
        return new JenkinsPipelineInfo(config, Jenkins.VERSION, job.getFullName(), folder, plugins, problems);
    }

    /** Writes the files into {@code dir} (on the agent) and returns their paths for the engine. */
    List<String> writeTo(File dir) throws IOException {
        Files.createDirectories(dir.toPath());
        List<String> paths = new ArrayList<>();
        if (configXml != null) {
            File f = new File(dir, "config.xml");
            Files.writeString(f.toPath(), configXml, StandardCharsets.UTF_8);
            paths.add(f.getPath());
        }
        StringBuilder json = new StringBuilder("{\n  \"jenkinsVersion\": ").append(quote(jenkinsVersion))
                .append(",\n  \"job\": ").append(quote(job))
                .append(",\n  \"folder\": ").append(quote(folder))
                .append(",\n  \"plugins\": [");
        for (int i = 0; i < plugins.size(); i++) {
            json.append(i == 0 ? "\n    " : ",\n    ").append(quote(plugins.get(i)));
        }
        json.append(plugins.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        File f = new File(dir, "jenkins.json");
        Files.writeString(f.toPath(), json.toString(), StandardCharsets.UTF_8);
        paths.add(f.getPath());
        return paths;
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
