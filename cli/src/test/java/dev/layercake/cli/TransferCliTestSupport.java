package dev.layercake.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP probes of a loopback registry, for the transfer and oci:// store tests. */
final class TransferCliTestSupport {

    private TransferCliTestSupport() {
    }

    /** HEAD of a manifest (by tag or digest): its digest; fails unless the registry answers 200. */
    static String headTag(String host, String repository, String reference) throws IOException, InterruptedException {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + host + "/v2/" + repository + "/manifests/" + reference))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json,"
                        + " application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json")
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("HEAD %s/%s:%s", host, repository, reference).isEqualTo(200);
        return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }
}
