package dev.layercake.coverage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Endpoint values made safe to record: credentials out of URLs, control characters out, length bounded.
 * <ul>
 *   <li>{@code scheme://userinfo@host}: the whole userinfo goes, up to the LAST '@' (a password may hold '/', '?', ':').
 *       When what is before that '@' holds no ':' but a '/', '?' or '#', the '@' is in the path and only an '@' before
 *       the first of those ends a userinfo.</li>
 *   <li>No scheme but an '@' ({@code app:s3cret@db.internal}): only what follows the last '@' stays
 *       ({@code jdbc:oracle:thin:} keeps its prefix: {@code jdbc:oracle:thin:scott/tiger@db} gives {@code jdbc:oracle:thin:@db}).</li>
 *   <li>A host whose "port" is not a number ({@code postgres://app:xxxx} cut before its '@'): cut at the ':'.</li>
 *   <li>Parameters after {@code ? & ; :} whose name is a secret name ({@link StorageRules#secretParameter}, rules
 *       {@code param} of the table: pass, pwd, secret, token, key, sig, credential, ...) go with their value; a value
 *       in braces ({@code {pa;ss}}, SQL Server) goes to its closing brace, any other value to the next parameter.</li>
 * </ul>
 * Redaction works on the whole value (linear time) and only then is the result cut to {@value #MAX} characters.
 */
public final class Endpoints {

    /** scheme:// or jdbc:sub:// (up to five colon-separated scheme names). */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,40}(?::[A-Za-z][A-Za-z0-9+.-]{0,40}){0,4}://");
    private static final Pattern ORACLE = Pattern.compile("(?i)jdbc:oracle:[a-z0-9]{1,20}:");
    /** What a terminal or a bidi-aware viewer would act on. */
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009F\\u202A-\\u202E\\u2066-\\u2069]");
    private static final int MAX = 300;
    private static final int MAX_PARAM_NAME = 100;

    private Endpoints() {
    }

    /** The value without any password or token, printable, at most 300 characters. */
    public static String redact(String value) {
        return redact(value, StorageRules.defaults());
    }

    static String redact(String value, StorageRules rules) {
        if (value == null) {
            return null;
        }
        String v = withoutUserinfo(value);
        v = withoutSecretParameters(v, rules);
        v = printable(v);
        return v.length() > MAX ? v.substring(0, MAX) + "..." : v;
    }

    /** Control, C1 and bidi-override characters replaced by '?'. */
    public static String printable(String s) {
        if (s == null) {
            return null;
        }
        return UNPRINTABLE.matcher(s).replaceAll("?");
    }

    private static String withoutUserinfo(String v) {
        Matcher scheme = SCHEME.matcher(v);
        if (scheme.lookingAt()) {
            String head = v.substring(0, scheme.end());
            String rest = v.substring(scheme.end());
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                String userinfo = rest.substring(0, at);
                if (userinfo.indexOf(':') < 0 && firstOf(userinfo, "/?#") >= 0) {
                    // an '@' in the path or query (a mail address): a userinfo can only end before the path
                    int pathStart = firstOf(rest, "/?#");
                    at = pathStart > 0 ? rest.lastIndexOf('@', pathStart - 1) : -1;
                }
                if (at >= 0) {
                    rest = rest.substring(at + 1);
                }
            }
            return head + withoutBogusPorts(rest);
        }
        int at = v.lastIndexOf('@');
        if (at < 0) {
            return v;
        }
        Matcher oracle = ORACLE.matcher(v);
        return (oracle.lookingAt() ? v.substring(0, oracle.end()) + "@" : "") + v.substring(at + 1);
    }

    /**
     * The authority's hosts ({@code h1:5432,h2:5432}) with any ':' that is not followed by a port number cut off: a
     * userinfo whose '@' was lost (the value cut short) must not stay as a "port".
     */
    private static String withoutBogusPorts(String rest) {
        int end = firstOf(rest, "/?#;");
        if (end < 0) {
            end = rest.length();
        }
        for (int i = 0; i < end; i++) {
            if (Character.isWhitespace(rest.charAt(i))) {
                end = i;
                break;
            }
        }
        String authority = rest.substring(0, end);
        if (authority.indexOf(':') < 0) {
            return rest;
        }
        StringBuilder out = new StringBuilder();
        String[] hosts = authority.split(",", -1);
        for (int h = 0; h < hosts.length; h++) {
            String host = hosts[h];
            int from = host.startsWith("[") && host.indexOf(']') > 0 ? host.indexOf(']') : 0;
            int colon = host.indexOf(':', from);
            if (colon >= 0 && !host.substring(colon + 1).matches("[0-9]{0,5}")) {
                // not a port: what follows may be a password; the rest of the authority is dropped too
                out.append(h == 0 ? "" : ",").append(host, 0, colon);
                return out + rest.substring(end);
            }
            out.append(h == 0 ? "" : ",").append(host);
        }
        return out + rest.substring(end);
    }

    private static String withoutSecretParameters(String v, StorageRules rules) {
        StringBuilder out = new StringBuilder(v.length());
        int n = v.length();
        int i = 0;
        boolean removed = false;
        while (i < n) {
            char c = v.charAt(i);
            if (c == '?' || c == '&' || c == ';' || c == ':') {
                int end = secretParameterEnd(v, i, rules);
                if (end >= 0) {
                    removed = true;
                    if (c == '?' || c == ':') {
                        // a leading separator stays; the parameters after the removed one move up behind it
                        out.append(c);
                        while (end < n && (v.charAt(end) == '&' || v.charAt(end) == ';')) {
                            int next = secretParameterEnd(v, end, rules);
                            if (next < 0) {
                                end++; // the next parameter is kept: its separator goes
                                break;
                            }
                            end = next;
                        }
                    }
                    i = end; // a '&' or ';' goes with its parameter
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        if (removed && out.length() > 0 && "?:&;".indexOf(out.charAt(out.length() - 1)) >= 0) {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    /** Where the secret parameter after the separator at {@code sep} ends, or -1 when none is there. */
    private static int secretParameterEnd(String v, int sep, StorageRules rules) {
        int eq = parameterName(v, sep + 1);
        if (eq < 0 || !rules.secretParameter(v.substring(sep + 1, eq))) {
            return -1;
        }
        return valueEnd(v, eq + 1);
    }

    /** The index of the '=' of a parameter name starting at {@code from}, or -1. */
    private static int parameterName(String v, int from) {
        int n = Math.min(v.length(), from + MAX_PARAM_NAME + 1);
        for (int i = from; i < n; i++) {
            char c = v.charAt(i);
            if (c == '=') {
                return i > from ? i : -1;
            }
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')) {
                return -1;
            }
        }
        return -1;
    }

    /** Where a secret parameter's value ends: after its closing brace, or at the next {@code &name=} / {@code ;name=}. */
    private static int valueEnd(String v, int start) {
        int n = v.length();
        if (start < n && v.charAt(start) == '{') {
            for (int j = start + 1; j < n; j++) {
                if (v.charAt(j) == '}') {
                    if (j + 1 < n && v.charAt(j + 1) == '}') {
                        j++; // '}}' is an escaped brace inside the value
                        continue;
                    }
                    return j + 1;
                }
            }
            return n;
        }
        for (int j = start; j < n; j++) {
            char c = v.charAt(j);
            if (Character.isWhitespace(c)) {
                return j;
            }
            if ((c == '&' || c == ';') && parameterName(v, j + 1) > 0) {
                return j;
            }
        }
        return n;
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
