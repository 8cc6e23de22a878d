package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.layercake.LayercakeException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code sha256:<64 hex>}. Only sha256 is accepted: it is what OCI and the store use. */
public record Digest(String hex) implements Comparable<Digest> {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    public static final String ALGORITHM = "sha256";

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw LayercakeException.usage("not a sha256 digest: '" + hex + "' (expected 64 lowercase hex characters)");
        }
    }

    @JsonCreator
    public static Digest parse(String value) {
        if (value == null || !value.startsWith(ALGORITHM + ":")) {
            throw LayercakeException.usage("not a sha256 digest: '" + value + "' (expected sha256:<64 hex>)");
        }
        return new Digest(value.substring(ALGORITHM.length() + 1));
    }

    public static Digest of(byte[] bytes) {
        return new Digest(HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    public static Digest fromRaw(byte[] sha256) {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The first 12 hex characters, for humans. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return hex.compareTo(o.hex);
    }
}
