package dev.layercake.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.CoverageSection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the storage services an app points at, in text from git (Terraform, YAML, env and properties files)
 * and in live objects (ConfigMap values, container env values, Secret KEYS only), by the rules of
 * {@link StorageRules}. Bounded: a file or value is scanned up to {@link #MAX_SCAN_BYTES}, lines up to
 * {@link #MAX_LINE} characters, binary content (a NUL byte) is skipped, and what was cut is said in a note.
 * Nothing here throws on bad input.
 */
public final class CoverageScanner {

    public static final int MAX_SCAN_BYTES = 1024 * 1024;
    public static final int MAX_LINE = 8192;

    private static final Pattern DOC_KIND = Pattern.compile("^kind:\\s*[\"']?([A-Za-z]+)[\"']?\\s*$");
    private static final Pattern TOP_KEY = Pattern.compile("^([A-Za-z0-9_.-]+):");
    private static final Pattern NESTED_KEY = Pattern.compile("^\\s+[\"']?([A-Za-z0-9_.-]+)[\"']?\\s*:");
    /** DOTALL: a NEL or LS inside a long value must not make {@code (.*)$} backtrack over the whole line. */
    private static final Pattern PAIR = Pattern.compile("^\\s*(-\\s+)?(?:export\\s+)?[\"']?([A-Za-z0-9_.-]+)[\"']?\\s*[:=]\\s*(.*)$", Pattern.DOTALL);

    private final StorageRules rules;
    private final Findings findings = new Findings();

    public CoverageScanner() {
        this(StorageRules.defaults());
    }

    public CoverageScanner(StorageRules rules) {
        this.rules = rules;
    }

    public List<CoverageSection.Service> services() {
        return findings.services();
    }

    public List<String> notes() {
        return findings.notes();
    }

    void note(String note) {
        findings.note(note);
    }

    /** One file from git. {@code terraform}: a .tf file. */
    public void scanFile(String path, byte[] bytes, boolean terraform) {
        String text = text(bytes, path);
        if (text == null) {
            return;
        }
        List<String> lines = lines(text);
        if (terraform) {
            // attributes of the blocks are the Terraform rules' business; only endpoints in values are looked for
            TerraformServices.scan(path, lines, rules, findings);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).stripLeading().startsWith("#")) {
                    values(lines.get(i), null, path + ":" + (i + 1));
                }
            }
            return;
        }
        scanLines(path, text, lines);
    }

    /**
     * YAML, env, properties or tfvars text, line by line; inside a Secret (found by {@link SecretRegions}, or a
     * document whose {@code kind:} line says so) only keys are looked at, never values.
     */
    void scanLines(String where, String text, List<String> lines) {
        SecretRegions secrets = SecretRegions.of(text, lines);
        String kind = null;
        boolean secretData = false;
        String pendingName = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String at = where + ":" + (i + 1);
            if (secrets.secret(i + 1)) {
                for (String key : secrets.keysAt(i + 1)) {
                    secretKey(key, at);
                }
                if (line.startsWith("---")) {
                    kind = null;
                    secretData = false;
                }
                continue; // never a Secret's values
            }
            if (line.startsWith("---")) {
                kind = null;
                secretData = false;
                continue;
            }
            Matcher k = DOC_KIND.matcher(line);
            if (k.matches()) {
                kind = k.group(1);
                continue;
            }
            if ("Secret".equals(kind)) {
                Matcher top = TOP_KEY.matcher(line);
                if (top.find()) {
                    secretData = top.group(1).equals("data") || top.group(1).equals("stringData");
                    continue;
                }
                Matcher nested = NESTED_KEY.matcher(line);
                if (secretData && nested.find()) {
                    secretKey(nested.group(1), at);
                }
                continue; // never a Secret's values
            }
            if (line.stripLeading().startsWith("#") || line.stripLeading().startsWith("//")) {
                continue;
            }
            Matcher p = PAIR.matcher(line);
            if (p.matches() && !p.group(3).startsWith("//")) {
                String key = p.group(2);
                String value = clean(p.group(3));
                if (key.equals("name") && p.group(1) != null) {
                    pendingName = value;
                } else if (key.equals("value") && pendingName != null) {
                    key = pendingName;
                    pendingName = null;
                }
                pair(key, value, at);
            } else {
                values(line, null, at);
            }
        }
    }

    /** A key and its value: the key's rule when the value is a plausible name, and every endpoint in the value. */
    void pair(String key, String value, String at) {
        List<StorageRules.Hit> hits = rules.values(value);
        var keyRule = rules.key(key);
        if (keyRule.isPresent() && (!hits.isEmpty() || StorageRules.plausibleName(value))) {
            StorageRules.Rule r = keyRule.get();
            String service = hits.isEmpty() ? r.service() : hits.get(0).rule().service();
            String name = hits.isEmpty() ? value.trim() : hits.get(0).name();
            findings.add(r.kind(), service, name, at + " (" + key + ")", r.id(), false);
            hits = hits.subList(Math.min(1, hits.size()), hits.size());
        }
        for (StorageRules.Hit h : hits) {
            findings.add(h.rule().kind(), h.rule().service(), h.name(), at + " (" + key + ")", h.rule().id(), false);
        }
    }

    private void values(String text, String key, String at) {
        for (StorageRules.Hit h : rules.values(text)) {
            findings.add(h.rule().kind(), h.rule().service(), h.name(), key == null ? at : at + " (" + key + ")", h.rule().id(), false);
        }
    }

    /** A Secret's key: "credentials present for ...". The value is never looked at. */
    void secretKey(String key, String at) {
        rules.secretKey(key).ifPresent(r -> findings.add(r.kind(), r.service(), key, at, r.id(), true));
    }

    /** The live objects of the app: ConfigMaps, Secrets (keys), workloads' container env. */
    public void scanObjects(List<JsonNode> objects) {
        for (JsonNode o : objects) {
            try {
                scanObject(o);
            } catch (RuntimeException e) {
                findings.note("not scanned: " + describe(o) + " (" + e.getClass().getSimpleName() + ")");
            }
        }
    }

    private void scanObject(JsonNode o) {
        String kind = o.path("kind").asText();
        String id = describe(o);
        if (kind.equals("ConfigMap") && o.path("apiVersion").asText().equals("v1")) {
            long budget = 4L * MAX_SCAN_BYTES;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("data").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String value = e.getValue().asText("");
                if (budget <= 0) {
                    findings.note("not scanned: " + id + " data." + e.getKey() + " and further keys (over "
                            + (4 * MAX_SCAN_BYTES / (1024 * 1024)) + " MB scanned in the object)");
                    break;
                }
                String bounded = bound(value, id + " data." + e.getKey());
                if (bounded == null) {
                    continue;
                }
                budget -= bounded.length();
                String at = id + " data." + e.getKey();
                if (bounded.indexOf('\n') < 0) {
                    pair(e.getKey(), line(bounded, at), at);
                } else {
                    scanLines(at, bounded, lines(bounded));
                }
            }
            // binaryData: binary by definition, not scanned
        } else if (kind.equals("Secret") && o.path("apiVersion").asText().equals("v1")) {
            for (String field : List.of("data", "stringData")) {
                for (Iterator<String> it = o.path(field).fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    secretKey(key, id + " " + field + "." + key);
                }
            }
        } else {
            JsonNode podSpec = ClusterStorage.podSpec(o);
            if (podSpec == null) {
                return;
            }
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : podSpec.path(list)) {
                    for (JsonNode env : c.path("env")) {
                        if (env.has("value") && env.path("value").isTextual()) {
                            String value = bound(env.path("value").asText(), id);
                            if (value != null) {
                                String at = id + " container " + c.path("name").asText() + " env " + env.path("name").asText();
                                pair(env.path("name").asText(), line(value.indexOf('\n') < 0 ? value : value.substring(0, value.indexOf('\n')), at), at);
                            }
                        }
                    }
                }
            }
        }
    }

    static String describe(JsonNode o) {
        JsonNode md = o.path("metadata");
        String ns = md.path("namespace").asText("");
        return o.path("kind").asText("?") + " " + (ns.isEmpty() ? "" : ns + "/") + md.path("name").asText("?");
    }

    /** The value if text and not binary, cut to the scan limit (with a note). */
    private String bound(String value, String what) {
        if (value.indexOf('\0') >= 0) {
            findings.note("not scanned: " + what + " (binary)");
            return null;
        }
        if (value.length() > MAX_SCAN_BYTES) {
            findings.note("scanned the first " + (MAX_SCAN_BYTES / 1024) + " KiB only of " + what + " (" + value.length() + " characters)");
            return value.substring(0, MAX_SCAN_BYTES);
        }
        return value;
    }

    /** A single-line value cut to {@link #MAX_LINE} characters like the lines of a file (with a note). */
    private String line(String value, String what) {
        if (value.length() <= MAX_LINE) {
            return value;
        }
        findings.note("scanned the first " + MAX_LINE + " characters only of the single-line value " + what + " (" + value.length() + " characters)");
        return value.substring(0, MAX_LINE);
    }

    private String text(byte[] bytes, String what) {
        int probe = Math.min(bytes.length, 8192);
        for (int i = 0; i < probe; i++) {
            if (bytes[i] == 0) {
                findings.note("not scanned: " + what + " (binary)");
                return null;
            }
        }
        int n = bytes.length;
        if (n > MAX_SCAN_BYTES) {
            findings.note("scanned the first " + (MAX_SCAN_BYTES / 1024) + " KiB only of " + what + " (" + n + " bytes)");
            n = MAX_SCAN_BYTES;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int len = text.length();
        while (start <= len) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? len : nl;
            String line = text.substring(start, Math.min(end, start + MAX_LINE));
            out.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return out;
    }

    /** A YAML/env value: quotes and a trailing comment off. */
    private static String clean(String raw) {
        String v = raw.trim();
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            int close = v.indexOf(v.charAt(0), 1);
            return close > 0 ? v.substring(1, close) : v.substring(1);
        }
        int hash = v.indexOf(" #");
        return hash >= 0 ? v.substring(0, hash).trim() : v;
    }
}
