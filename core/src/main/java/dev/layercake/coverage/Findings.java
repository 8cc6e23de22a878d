package dev.layercake.coverage;

import dev.layercake.model.CoverageSection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Services found so far, each (kind, name, where) once, bounded: past the limit they are counted, not kept. */
final class Findings {

    static final int MAX_SERVICES = 500;

    private final Map<String, CoverageSection.Service> services = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private int dropped;

    void add(String kind, String service, String name, String foundIn, String rule, boolean credentials) {
        String key = kind + "\u0000" + name + "\u0000" + foundIn + "\u0000" + credentials;
        if (services.containsKey(key)) {
            return;
        }
        if (services.size() >= MAX_SERVICES) {
            dropped++;
            return;
        }
        services.put(key, new CoverageSection.Service(kind, service, Endpoints.redact(name), where(foundIn), rule, credentials, null));
    }

    /** Where a finding was made (a path and key from git or the cluster): printable, bounded. */
    static String where(String foundIn) {
        String w = Endpoints.printable(foundIn);
        return w != null && w.length() > 600 ? w.substring(0, 600) + "..." : w;
    }

    void note(String raw) {
        String note = where(raw);
        if (notes.size() < 100 && !notes.contains(note)) {
            notes.add(note);
        }
    }

    List<CoverageSection.Service> services() {
        return List.copyOf(services.values());
    }

    List<String> notes() {
        List<String> out = new ArrayList<>(notes);
        if (dropped > 0) {
            out.add(dropped + " more storage service finding(s) not recorded (limit " + MAX_SERVICES + ")");
        }
        return out;
    }
}
