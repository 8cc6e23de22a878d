package dev.layercake.coverage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of storage rules ({@code /coverage/storage-rules.tsv}): Terraform resource types and backends,
 * endpoint/URL patterns in values, key shapes of configuration and of Secrets, each to a kind of service. Adding a
 * rule is adding a line. False positives are worse than misses: a key rule takes a value only when it looks like
 * a name (not a number, a flag or a sentence), and key shapes that only look like storage are refused.
 */
public final class StorageRules {

    public enum Match { TERRAFORM, BACKEND, VALUE, KEY, SECRET, PARAM }

    /** One line of the table. {@code name}: attribute list (terraform, backend) or regex group (value). */
    public record Rule(Match match, String id, String pattern, String kind, String service, String name, Pattern regex) {
    }

    /** A value rule's hit: the matched text's name part, before passwords are removed. */
    public record Hit(Rule rule, String name) {
    }

    /** Keys that end like a bucket but are not storage (rate limiters, histograms). */
    private static final Pattern NOT_STORAGE_KEY = Pattern.compile("(^|_)(TOKEN|LEAKY|RATE|RATE_LIMIT|HISTOGRAM|METRICS?|LATENCY)_BUCKET(_NAME)?$");
    /** A plausible service name or host: letters first, no spaces, not a flag or a number. */
    private static final Pattern NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9._:/@-]{2,253}$");
    private static final java.util.Set<String> NOT_NAMES = java.util.Set.of("true", "false", "yes", "no", "on", "off",
            "enabled", "disabled", "none", "null", "nil", "default", "changeme", "todo", "localhost", "example");

    private static final StorageRules DEFAULT = load();

    private final List<Rule> rules;
    private final Map<String, Rule> terraform = new LinkedHashMap<>();
    private final Map<String, Rule> backends = new LinkedHashMap<>();

    StorageRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        for (Rule r : rules) {
            if (r.match() == Match.TERRAFORM) {
                terraform.put(r.pattern(), r);
            } else if (r.match() == Match.BACKEND) {
                backends.put(r.pattern(), r);
            }
        }
    }

    public static StorageRules defaults() {
        return DEFAULT;
    }

    public List<Rule> rules() {
        return rules;
    }

    public Optional<Rule> terraformType(String type) {
        return Optional.ofNullable(terraform.get(type));
    }

    public Optional<Rule> backend(String type) {
        return Optional.ofNullable(backends.get(type));
    }

    /** At most this many endpoints are taken from one value; further matches are not looked at. */
    public static final int MAX_HITS = 200;
    /** At most this many matches of all value rules are looked at in one value (duplicates included). */
    static final int MAX_MATCHES = 5000;

    /**
     * Every endpoint a value (one line of text, already bounded) names, each once, at most {@link #MAX_HITS}.
     * A match inside another one (the host inside a whole URL) gives no endpoint of its own. Linear in the number
     * of matches: duplicates by a hash set, nesting by the matches' spans.
     */
    public List<Hit> values(String text) {
        List<Hit> hits = new ArrayList<>();
        if (text == null || text.isEmpty() || text.contains("{{")) {
            return hits;
        }
        List<int[]> spans = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int matches = 0;
        for (Rule r : rules) {
            if (r.match() != Match.VALUE) {
                continue;
            }
            Matcher m = r.regex().matcher(text);
            int group = Integer.parseInt(r.name());
            while (m.find()) {
                if (++matches > MAX_MATCHES) {
                    return hits;
                }
                String name = m.group(group);
                int start = m.start(group);
                int end = m.end(group);
                if (seen.contains(name) || spans.stream().anyMatch(sp -> sp[0] <= start && end <= sp[1])) {
                    continue;
                }
                for (int i = spans.size() - 1; i >= 0; i--) {
                    if (start <= spans.get(i)[0] && spans.get(i)[1] <= end) {
                        spans.remove(i);
                        seen.remove(hits.remove(i).name()); // found again elsewhere on its own, it counts
                    }
                }
                seen.add(name);
                spans.add(new int[] {start, end});
                hits.add(new Hit(r, name));
                if (hits.size() >= MAX_HITS) {
                    return hits;
                }
            }
        }
        return hits;
    }

    /**
     * Whether a URL parameter's value is a secret to remove ({@code param} rules of the table, found anywhere in the
     * name: {@code sslpassword}, {@code aws_secret_access_key}, {@code X-Amz-Signature}, ...).
     */
    public boolean secretParameter(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (Rule r : rules) {
            if (r.match() == Match.PARAM && r.regex().matcher(name).find()) {
                return true;
            }
        }
        return false;
    }

    /** The key rule a configuration key matches, if any. */
    public Optional<Rule> key(String key) {
        return keyRule(Match.KEY, key);
    }

    /** The Secret-key rule a Secret's key matches, if any. */
    public Optional<Rule> secretKey(String key) {
        return keyRule(Match.SECRET, key);
    }

    private Optional<Rule> keyRule(Match match, String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return Optional.empty();
        }
        String k = normalise(key);
        if (NOT_STORAGE_KEY.matcher(k).find()) {
            return Optional.empty();
        }
        return rules.stream().filter(r -> r.match() == match && r.regex().matcher(k).matches()).findFirst();
    }

    /** assetsBucket, assets-bucket, assets.bucket: ASSETS_BUCKET. */
    static String normalise(String key) {
        String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
        return snake.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "").toUpperCase(Locale.ROOT);
    }

    /** Whether a key rule's value is a name worth reporting (not empty, a number, a flag, a sentence, a template). */
    public static boolean plausibleName(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim();
        return NAME.matcher(v).matches() && !NOT_NAMES.contains(v.toLowerCase(Locale.ROOT)) && !v.contains("{{")
                && !v.startsWith("$");
    }

    private static StorageRules load() {
        try (InputStream in = StorageRules.class.getResourceAsStream("/coverage/storage-rules.tsv")) {
            if (in == null) {
                throw new IllegalStateException("/coverage/storage-rules.tsv is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the table's text (tab-separated; # comments). A malformed line fails, naming the line. */
    static StorageRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t");
            if (c.length != 6) {
                throw new IllegalStateException("storage rules line " + n + ": " + c.length + " columns, not 6");
            }
            Match match = Match.valueOf(c[0].toUpperCase(Locale.ROOT));
            Pattern regex = switch (match) {
                case VALUE, KEY, SECRET, PARAM -> Pattern.compile(c[2]);
                default -> null;
            };
            rules.add(new Rule(match, c[1], c[2], c[3], c[4], c[5], regex));
        }
        return new StorageRules(rules);
    }
}
