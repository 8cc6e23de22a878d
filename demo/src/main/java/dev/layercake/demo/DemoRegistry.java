package dev.layercake.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * DEMO ONLY: a small in-memory OCI distribution registry on 127.0.0.1 (plain HTTP, no auth), so that
 * {@code ./demo.sh} has images to back up on a machine with only a JDK and git. It serves what layercake's
 * registry client asks for (the /v2/ ping, manifests and blobs by GET and HEAD, tag lists, blob uploads by
 * POST/PATCH/PUT, manifest PUT, cross-repository mounts) and nothing else: no referrers API (404, as Debian's
 * docker-registry 2.8), no deletes, no garbage collection, no persistence. Not a registry to run anything on.
 */
public final class DemoRegistry implements AutoCloseable {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final long MAX_BLOB = 64L << 20;

    private record Manifest(byte[] bytes, String mediaType) {
    }

    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> tags = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor;

    private DemoRegistry(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static DemoRegistry start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "demo-registry");
            t.setDaemon(true);
            return t;
        });
        DemoRegistry registry = new DemoRegistry(server, executor);
        server.createContext("/", registry::handle);
        server.setExecutor(executor);
        server.start();
        return registry;
    }

    /** "127.0.0.1:PORT". */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores a blob directly (the demo's image builder; no HTTP round trip). Returns its digest. */
    public String putBlob(byte[] bytes) {
        String digest = sha256(bytes);
        blobs.putIfAbsent(digest, bytes);
        return digest;
    }

    /** Stores a manifest under its digest and tags it. Returns its digest. */
    public String putManifest(String repository, String tag, byte[] bytes, String mediaType) {
        String digest = sha256(bytes);
        manifests.put(digest, new Manifest(bytes, mediaType));
        tags.computeIfAbsent(repository, r -> new ConcurrentHashMap<>()).put(tag, digest);
        return digest;
    }

    /** Distinct blobs held (layers and configs; manifests not counted). */
    public int blobCount() {
        return blobs.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String method = x.getRequestMethod();
            x.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
            if (path.equals("/v2/") || path.equals("/v2")) {
                send(x, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!path.startsWith("/v2/")) {
                error(x, 404, "NOT_FOUND", "not a registry path");
                return;
            }
            String rest = path.substring(4);
            int m;
            if ((m = rest.lastIndexOf("/manifests/")) > 0) {
                manifest(x, method, rest.substring(0, m), rest.substring(m + "/manifests/".length()));
            } else if ((m = rest.lastIndexOf("/blobs/uploads")) > 0) {
                upload(x, method, rest.substring(0, m), rest.substring(m + "/blobs/uploads".length()));
            } else if ((m = rest.lastIndexOf("/blobs/")) > 0) {
                blob(x, method, rest.substring(0, m), rest.substring(m + "/blobs/".length()));
            } else if (rest.endsWith("/tags/list") && method.equals("GET")) {
                String repo = rest.substring(0, rest.length() - "/tags/list".length());
                Map<String, String> t = tags.get(repo);
                if (t == null) {
                    error(x, 404, "NAME_UNKNOWN", "repository name not known to registry");
                    return;
                }
                StringBuilder json = new StringBuilder("{\"name\":\"" + repo + "\",\"tags\":[");
                List<String> names = new ArrayList<>(new TreeMap<>(t).keySet());
                for (int i = 0; i < names.size(); i++) {
                    json.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append('"');
                }
                send(x, 200, "application/json", json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            } else {
                // the referrers API and anything else: not served
                error(x, 404, "NOT_FOUND", "not served by the demo registry");
            }
        } catch (RuntimeException e) {
            error(x, 500, "UNKNOWN", "demo registry: " + e.getClass().getSimpleName());
        }
    }

    private void manifest(HttpExchange x, String method, String repo, String reference) throws IOException {
        if (!NAME.matcher(repo).matches() || !(DIGEST.matcher(reference).matches() || TAG.matcher(reference).matches())) {
            error(x, 400, "NAME_INVALID", "invalid repository name or reference");
            return;
        }
        if (method.equals("PUT")) {
            byte[] body = readBody(x, 4 << 20);
            String type = x.getRequestHeaders().getFirst("Content-Type");
            String digest = sha256(body);
            if (DIGEST.matcher(reference).matches() && !reference.equals(digest)) {
                error(x, 400, "DIGEST_INVALID", "manifest digest does not match");
                return;
            }
            manifests.put(digest, new Manifest(body, type == null ? "application/vnd.oci.image.manifest.v1+json" : type));
            Map<String, String> t = tags.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
            if (!DIGEST.matcher(reference).matches()) {
                t.put(reference, digest);
            }
            x.getResponseHeaders().set("Docker-Content-Digest", digest);
            x.getResponseHeaders().set("Location", "/v2/" + repo + "/manifests/" + digest);
            send(x, 201, null, new byte[0]);
            return;
        }
        String digest = DIGEST.matcher(reference).matches() ? reference : tags.getOrDefault(repo, Map.of()).get(reference);
        Manifest found = digest == null ? null : manifests.get(digest);
        if (found == null) {
            error(x, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        x.getResponseHeaders().set("Docker-Content-Digest", digest);
        if (method.equals("HEAD")) {
            head(x, found.mediaType(), found.bytes().length);
        } else if (method.equals("GET")) {
            send(x, 200, found.mediaType(), found.bytes());
        } else {
            error(x, 405, "UNSUPPORTED", "the demo registry does not delete");
        }
    }

    private void blob(HttpExchange x, String method, String repo, String digest) throws IOException {
        byte[] b = DIGEST.matcher(digest).matches() ? blobs.get(digest) : null;
        if (b == null) {
            error(x, 404, "BLOB_UNKNOWN", "blob unknown to registry");
            return;
        }
        x.getResponseHeaders().set("Docker-Content-Digest", digest);
        if (method.equals("HEAD")) {
            head(x, "application/octet-stream", b.length);
        } else if (method.equals("GET")) {
            send(x, 200, "application/octet-stream", b);
        } else {
            error(x, 405, "UNSUPPORTED", "the demo registry does not delete");
        }
    }

    private void upload(HttpExchange x, String method, String repo, String tail) throws IOException {
        Map<String, String> query = query(x.getRequestURI());
        if (method.equals("POST")) {
            String mount = query.get("mount");
            if (mount != null && blobs.containsKey(mount)) {
                x.getResponseHeaders().set("Docker-Content-Digest", mount);
                x.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + mount);
                send(x, 201, null, new byte[0]);
                return;
            }
            String digest = query.get("digest");
            if (digest != null) { // monolithic upload
                finish(x, repo, digest, readBody(x, MAX_BLOB));
                return;
            }
            readBody(x, 0);
            String id = UUID.randomUUID().toString();
            uploads.put(id, new ByteArrayOutputStream());
            x.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/uploads/" + id);
            x.getResponseHeaders().set("Range", "0-0");
            x.getResponseHeaders().set("Docker-Upload-UUID", id);
            send(x, 202, null, new byte[0]);
            return;
        }
        String id = tail.startsWith("/") ? tail.substring(1) : tail;
        ByteArrayOutputStream buffer = uploads.get(id);
        if (buffer == null) {
            error(x, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown");
            return;
        }
        byte[] body = readBody(x, MAX_BLOB - buffer.size());
        synchronized (buffer) {
            buffer.write(body);
        }
        if (method.equals("PATCH")) {
            x.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/uploads/" + id);
            x.getResponseHeaders().set("Range", "0-" + Math.max(0, buffer.size() - 1));
            x.getResponseHeaders().set("Docker-Upload-UUID", id);
            send(x, 202, null, new byte[0]);
        } else if (method.equals("PUT")) {
            uploads.remove(id);
            finish(x, repo, query.get("digest"), buffer.toByteArray());
        } else {
            error(x, 405, "UNSUPPORTED", "method not allowed");
        }
    }

    private void finish(HttpExchange x, String repo, String digest, byte[] bytes) throws IOException {
        if (digest == null || !sha256(bytes).equals(digest)) {
            error(x, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
            return;
        }
        blobs.putIfAbsent(digest, bytes);
        x.getResponseHeaders().set("Docker-Content-Digest", digest);
        x.getResponseHeaders().set("Location", "/v2/" + repo + "/blobs/" + digest);
        send(x, 201, null, new byte[0]);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new TreeMap<>();
        String q = uri.getRawQuery();
        if (q == null) {
            return out;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(java.net.URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static byte[] readBody(HttpExchange x, long max) throws IOException {
        try (InputStream in = x.getRequestBody()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                throw new IllegalArgumentException("body too large");
            }
            return b;
        }
    }

    private static void head(HttpExchange x, String type, long length) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Content-Length", Long.toString(length));
        x.sendResponseHeaders(200, -1);
    }

    private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
        if (type != null) {
            x.getResponseHeaders().set("Content-Type", type);
        }
        if (x.getRequestMethod().equals("HEAD") || body.length == 0) {
            x.sendResponseHeaders(code, -1);
            return;
        }
        x.sendResponseHeaders(code, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private static void error(HttpExchange x, int code, String errorCode, String message) throws IOException {
        byte[] body = ("{\"errors\":[{\"code\":\"" + errorCode + "\",\"message\":\"" + message + "\"}]}").getBytes(StandardCharsets.UTF_8);
        send(x, code, "application/json", body);
    }
}
