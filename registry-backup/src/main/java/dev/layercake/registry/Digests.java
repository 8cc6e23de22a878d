package dev.layercake.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests of bytes and streams, as {@code sha256:<hex>}. */
public final class Digests {

    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    public static boolean isSha256(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Passes a stream through and, at its end, checks it hashed to {@code expected} with {@code size}
     * bytes; a mismatch fails the read that reached the end, so no consumer accepts wrong content.
     */
    public static InputStream verifying(InputStream in, String expected, long size, String what) {
        return new FilterInputStream(in) {
            private final MessageDigest sha = newSha256();
            private long count;
            private boolean checked;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    check();
                } else {
                    sha.update((byte) b);
                    count++;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n < 0) {
                    check();
                } else {
                    sha.update(buf, off, n);
                    count += n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                throw new IOException("skip is not supported on a verifying stream");
            }

            private void check() throws IOException {
                if (checked) {
                    return;
                }
                checked = true;
                String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
                if (size >= 0 && count != size) {
                    throw new ContentMismatchException(what + " is " + count + " bytes, expected " + size);
                }
                if (!actual.equals(expected)) {
                    throw new ContentMismatchException(what + " hashes to " + actual + ", expected " + expected);
                }
            }
        };
    }

    /** Thrown from a verifying stream's read when content does not match its digest or size. */
    public static final class ContentMismatchException extends IOException {
        public ContentMismatchException(String message) {
            super(message);
        }
    }
}
