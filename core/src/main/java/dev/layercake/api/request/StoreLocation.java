package dev.layercake.api.request;

import dev.layercake.LayercakeException;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a release store is: a local folder ({@code DIR} or {@code file:///DIR}) or S3
 * ({@code s3://bucket/prefix}) with optional endpoint, region and path-style access for
 * S3-compatible stores. Credentials are never part of a location: S3 uses the standard AWS chain.
 */
public record StoreLocation(String scheme, Path directory, String bucket, String prefix,
                            String endpoint, String region, boolean pathStyle) {

    public static final String FILE = "file";
    public static final String S3 = "s3";
    /** An OCI registry repository: {@code oci://REGISTRY/REPOSITORY}; registry in {@code endpoint}, repository in {@code prefix}. */
    public static final String OCI = "oci";

    public static StoreLocation parse(String value) {
        return parse(value, null, null, false);
    }

    public static StoreLocation parse(String value, String endpoint, String region, boolean pathStyle) {
        if (value == null || value.isBlank()) {
            throw LayercakeException.usage("--store is required: a folder, file:///folder, s3://bucket/prefix or oci://registry/repository");
        }
        if (value.startsWith("s3://")) {
            String rest = value.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw LayercakeException.usage("store '" + value + "': '" + bucket + "' is not a valid S3 bucket name");
            }
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!prefix.isEmpty()) {
                checkKey(prefix);
            }
            if (endpoint != null && !endpoint.isBlank()) {
                URI e = URI.create(endpoint);
                if (e.getUserInfo() != null) {
                    throw LayercakeException.usage("--s3-endpoint must not carry credentials; use the AWS credential chain");
                }
            }
            return new StoreLocation(S3, null, bucket, prefix, blankToNull(endpoint), blankToNull(region), pathStyle);
        }
        if (value.startsWith("oci://")) {
            return parseOci(value);
        }
        if (value.startsWith("file:")) {
            return new StoreLocation(FILE, Path.of(URI.create(value)), null, null, null, null, false);
        }
        if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw LayercakeException.usage("store '" + value + "': unknown scheme; use a folder, file:///folder, s3://bucket/prefix or oci://registry/repository");
        }
        return new StoreLocation(FILE, Path.of(value), null, null, null, null, false);
    }

    /** The location as a user would write it; no credentials. */
    public String uri() {
        if (OCI.equals(scheme)) {
            return "oci://" + endpoint + "/" + prefix;
        }
        if (S3.equals(scheme)) {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
        return directory.toAbsolutePath().normalize().toUri().toString();
    }

    private static StoreLocation parseOci(String value) {
        String rest = value.substring("oci://".length());
        int slash = rest.indexOf('/');
        String registry = slash < 0 ? rest : rest.substring(0, slash);
        String repository = slash < 0 ? "" : rest.substring(slash + 1);
        while (repository.endsWith("/")) {
            repository = repository.substring(0, repository.length() - 1);
        }
        if (registry.contains("@")) {
            throw LayercakeException.usage("store '" + value + "' must not carry credentials; log in with docker/podman login");
        }
        if (!registry.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
            throw LayercakeException.usage("store '" + value + "': '" + registry + "' is not a registry host[:port]");
        }
        if (!repository.matches("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*")) {
            throw LayercakeException.usage("store '" + value + "': the repository '" + repository
                    + "' is missing or not a valid OCI repository name (lower-case, e.g. oci://registry.example/backups/layercake)");
        }
        return new StoreLocation(OCI, null, null, repository, registry, null, false);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Rejects keys that could leave the store's root: absolute, empty segments, '.' or '..'. */
    public static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw LayercakeException.usage("invalid store key '" + key + "'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw LayercakeException.usage("invalid store key '" + key + "': empty, '.' or '..' segment");
            }
        }
        return key;
    }
}
