package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A response whose body is a stream: closed after use so the connection goes back to the pool. */
final class Response implements AutoCloseable {

    static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int status;
    private final Function<String, String> headers;
    private final InputStream body;

    Response(int status, Function<String, String> headers, InputStream body) {
        this.status = status;
        this.headers = headers;
        this.body = body == null ? InputStream.nullInputStream() : body;
    }

    static Response of(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        return new Response(status, c::getHeaderField, status >= 400 ? c.getErrorStream() : c.getInputStream());
    }

    int status() {
        return status;
    }

    String header(String name) {
        return headers.apply(name);
    }

    long headerLong(String name) {
        String v = header(name);
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    InputStream body() {
        return body;
    }

    boolean isRedirect() {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    byte[] readAtMost(int limit, String what) {
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, what + " is larger than " + limit + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "reading " + what + " failed: "
                    + RegistryException.describe(e), e);
        }
    }

    /** A JSON document of at most 4 MiB. */
    JsonNode json(String what) {
        byte[] bytes = readAtMost(MAX_DOCUMENT_BYTES, what);
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, what + " is not valid JSON");
        }
    }

    /** The registry's error codes and messages, for our messages. */
    String errorText() {
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes(16 * 1024);
            JsonNode json = MAPPER.readTree(bytes);
            List<String> parts = new ArrayList<>();
            if (json != null) {
                for (JsonNode e : json.path("errors")) {
                    parts.add(e.path("code").asText("") + (e.hasNonNull("message") ? " " + e.path("message").asText() : ""));
                }
            }
            return String.join("; ", parts);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Fails unless the status is one of {@code ok}: NOT_FOUND, UNAVAILABLE (5xx, 408, 429) or INVALID. */
    void expect(Request request, int... ok) {
        for (int s : ok) {
            if (status == s) {
                return;
            }
        }
        String text = errorText();
        RegistryException.Kind kind = status == 404 ? RegistryException.Kind.NOT_FOUND
                : status >= 500 || RetryTransport.isRetryable(status) ? RegistryException.Kind.UNAVAILABLE
                : RegistryException.Kind.INVALID;
        throw new RegistryException(kind, request.registry + " answered HTTP " + status + " to " + request.method + " "
                + request.what + (text.isEmpty() ? "" : ": " + text));
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing a finished stream
        }
    }
}
