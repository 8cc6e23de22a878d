package dev.layercake.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code WWW-Authenticate} header: scheme (basic or bearer) and its parameters (realm, service, scope). */
record Challenge(String scheme, Map<String, String> params) {

    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=(?:\"([^\"]*)\"|([^,\\s]*))");

    static Challenge parse(String header) {
        if (header == null || header.isBlank()) {
            return new Challenge("basic", Map.of());
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        if (space >= 0) {
            Matcher m = PARAM.matcher(h.substring(space + 1));
            while (m.find()) {
                params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
            }
        }
        return new Challenge(scheme, params);
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }
}
