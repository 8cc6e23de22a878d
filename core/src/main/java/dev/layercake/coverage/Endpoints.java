package dev.layercake.coverage;

import java.util.regex.Pattern;

/** Endpoint values made safe to record: passwords and signed tokens out of URLs, length bounded. */
public final class Endpoints {

    /** scheme://user:password@host: the password goes, the user stays. */
    private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.:-]*://)([^/@:?#\\s]*):[^/@\\s]*@");
    /** jdbc:oracle:thin:user/password@host */
    private static final Pattern ORACLE = Pattern.compile("^(jdbc:oracle:thin:)([^/@\\s]*)/[^@\\s]*@");
    /** ?password=, &pwd=, ;password= and signed-URL parameters: removed with their value. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&;])(?i:password|passwd|pwd|pass|secret|token|access_token|auth|authtoken|sig|signature|accountkey|sharedaccesskey"
                    + "|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=[^&;#\\s]*");
    private static final int MAX = 300;

    private Endpoints() {
    }

    /** The value without any password or token, at most 300 characters. */
    public static String redact(String value) {
        if (value == null) {
            return null;
        }
        String v = value.length() > 4 * MAX ? value.substring(0, 4 * MAX) : value;
        v = USERINFO.matcher(v).replaceFirst("$1$2@");
        v = ORACLE.matcher(v).replaceFirst("$1$2@");
        String before;
        do {
            before = v;
            v = SECRET_PARAM.matcher(v).replaceFirst("$1");
        } while (!v.equals(before));
        v = v.replace("?&", "?").replace("&&", "&").replace(";;", ";");
        if (v.endsWith("?") || v.endsWith("&") || v.endsWith(";")) {
            v = v.substring(0, v.length() - 1);
        }
        return v.length() > MAX ? v.substring(0, MAX) + "..." : v;
    }
}
