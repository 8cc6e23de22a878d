package dev.layercake.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.layercake.LayercakeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code list} shows of a release, read from the manifest's bytes with Jackson's streaming parser: its time,
 * commit, build, the counts of files, images and objects, and what it left out. Why not {@link Json#read}: binding
 * the whole {@link Manifest} builds the object mapper and introspects some forty record types, which cost
 * {@code list} more CPU than everything else it does (see benchmarks/RESULTS.md, start-up). The fields read here
 * mean what they mean in {@link Manifest}; verify and show still read the whole manifest.
 */
public record ManifestSummary(String createdAt, String commit, BuildInfo build, int files, int images,
                              int kubernetesObjects, List<IncompleteEntry> incomplete) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    public ManifestSummary {
        incomplete = List.copyOf(incomplete);
    }

    /** As {@link Manifest#complete()}. */
    public boolean complete() {
        return incomplete.isEmpty();
    }

    /**
     * Reads the summary of a stored manifest; {@code what} names it in errors. Not JSON, a field of the wrong type,
     * or a schema version this build does not read is CORRUPT, as {@link Json#read} of the whole manifest is.
     */
    public static ManifestSummary read(byte[] bytes, String what) {
        try (JsonParser p = JSON.createParser(bytes)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, what, "the manifest");
            int schemaVersion = 0;
            String createdAt = null;
            String commit = null;
            BuildInfo build = null;
            int files = 0;
            int images = 0;
            int objects = 0;
            List<IncompleteEntry> incomplete = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "schemaVersion" -> schemaVersion = intValue(p, value, what, field);
                    case "createdAt" -> createdAt = text(p, value, what, field);
                    case "build" -> build = value == JsonToken.VALUE_NULL ? null : build(p, value, what);
                    case "source" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            expect(p, value, JsonToken.START_OBJECT, what, field);
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                JsonToken v = p.nextToken();
                                if (f.equals("commit")) {
                                    commit = text(p, v, what, "source.commit");
                                } else if (f.equals("files")) {
                                    files = count(p, v, what, "source.files");
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    case "images" -> images = count(p, value, what, field);
                    case "kubernetes" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            expect(p, value, JsonToken.START_OBJECT, what, field);
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                JsonToken v = p.nextToken();
                                if (f.equals("resources")) {
                                    objects = count(p, v, what, "kubernetes.resources");
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    case "incomplete" -> incomplete = incomplete(p, value, what);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw LayercakeException.corrupt(what + " is not valid JSON for Manifest: unexpected content after its fields");
            }
            if (schemaVersion < 1 || schemaVersion > Manifest.SCHEMA_VERSION) {
                throw LayercakeException.corrupt(what + " is not valid JSON for Manifest: manifest schema version " + schemaVersion
                        + " is not one this layercake reads (1 to " + Manifest.SCHEMA_VERSION
                        + "); a newer layercake wrote it: upgrade this one before using the store");
            }
            return new ManifestSummary(createdAt, commit, build, files, images, objects, incomplete);
        } catch (JsonProcessingException e) {
            throw LayercakeException.corrupt(what + " is not valid JSON for Manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw LayercakeException.corrupt(what + " cannot be read: " + e.getMessage());
        }
    }

    private static BuildInfo build(JsonParser p, JsonToken start, String what) throws IOException {
        expect(p, start, JsonToken.START_OBJECT, what, "build");
        String system = null;
        String job = null;
        String number = null;
        String url = null;
        String triggeredBy = null;
        String commit = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "system" -> system = text(p, v, what, "build.system");
                case "job" -> job = text(p, v, what, "build.job");
                case "number" -> number = text(p, v, what, "build.number");
                case "url" -> url = text(p, v, what, "build.url");
                case "triggeredBy" -> triggeredBy = text(p, v, what, "build.triggeredBy");
                case "commit" -> commit = text(p, v, what, "build.commit");
                default -> p.skipChildren();
            }
        }
        return new BuildInfo(system, job, number, url, triggeredBy, commit);
    }

    private static List<IncompleteEntry> incomplete(JsonParser p, JsonToken start, String what) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(p, start, JsonToken.START_ARRAY, what, "incomplete");
        List<IncompleteEntry> entries = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, p.currentToken(), JsonToken.START_OBJECT, what, "incomplete[]");
            String part = null;
            String why = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("what")) {
                    part = text(p, v, what, "incomplete[].what");
                } else if (f.equals("why")) {
                    why = text(p, v, what, "incomplete[].why");
                } else {
                    p.skipChildren();
                }
            }
            if (part == null || why == null) {
                throw LayercakeException.corrupt(what + " is not valid JSON for Manifest: an incomplete entry without what or why");
            }
            entries.add(new IncompleteEntry(part, why));
        }
        return entries;
    }

    /** The number of elements of an array (each skipped whole); null counts as none, as the records default it. */
    private static int count(JsonParser p, JsonToken start, String what, String field) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return 0;
        }
        expect(p, start, JsonToken.START_ARRAY, what, field);
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            n++;
        }
        return n;
    }

    private static String text(JsonParser p, JsonToken value, String what, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!value.isScalarValue() || value == JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw wrongType(what, field, value);
        }
        return p.getText();
    }

    private static int intValue(JsonParser p, JsonToken value, String what, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType(what, field, value);
        }
        return p.getIntValue();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what, String field) {
        if (actual != wanted) {
            throw wrongType(what, field, actual);
        }
    }

    private static LayercakeException wrongType(String what, String field, JsonToken actual) {
        return LayercakeException.corrupt(what + " is not valid JSON for Manifest: " + field + " is "
                + (actual == null ? "missing" : actual.asString() == null ? actual.name().toLowerCase() : actual.asString()));
    }
}
