package dev.layercake.cli;

import dev.layercake.model.Digest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Pushes small single-platform OCI images (given layer bytes) to a plain-HTTP registry: images without a daemon. */
final class OciPush {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OciPush() {
    }

    /** Pushes the image and returns its manifest digest ("sha256:..."). */
    static String push(String host, String repository, String tag, List<byte[]> layers) throws IOException, InterruptedException {
        StringBuilder layerJson = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (byte[] layer : layers) {
            String d = blob(host, repository, layer);
            layerJson.append(layerJson.isEmpty() ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                    .append(d).append("\",\"size\":").append(layer.length).append('}');
            diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(d).append('"');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(host, repository, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[" + layerJson + "]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IOException("manifest PUT " + put.statusCode() + ": " + put.body());
        }
        return Digest.of(manifest).toString();
    }

    private static String blob(String host, String repository, byte[] bytes) throws IOException, InterruptedException {
        String digest = Digest.of(bytes).toString();
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String location = start.headers().firstValue("Location").orElseThrow(() -> new IOException("no upload location: " + start.statusCode()));
        URI upload = URI.create("http://" + host + "/").resolve(location);
        String sep = upload.toString().contains("?") ? "&" : "?";
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IOException("blob PUT " + put.statusCode() + ": " + put.body());
        }
        return digest;
    }
}
