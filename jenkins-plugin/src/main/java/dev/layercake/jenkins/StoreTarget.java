package dev.layercake.jenkins;

import dev.layercake.api.request.StoreLocation;

import java.io.File;
import java.io.Serializable;

/**
 * A release store as resolved on the controller (named store or location, with S3 options and the id of its
 * credentials), sent to the agent as plain data. Holds no secret.
 */
final class StoreTarget implements Serializable {

    private static final long serialVersionUID = 1L;

    final String name;
    final String location;
    final String s3Endpoint;
    final String s3Region;
    final boolean s3PathStyle;
    final String credentialsId;

    StoreTarget(String name, String location, String s3Endpoint, String s3Region, boolean s3PathStyle, String credentialsId) {
        this.name = name;
        this.location = location;
        this.s3Endpoint = s3Endpoint;
        this.s3Region = s3Region;
        this.s3PathStyle = s3PathStyle;
        this.credentialsId = credentialsId;
    }

    /**
     * The engine's location, on the agent: {@code StoreLocation.parse}'s rules (schemes, bucket and repository
     * names). A relative folder is taken from the workspace, not from the agent process's working directory.
     */
    StoreLocation toLocation(File workspace) {
        StoreLocation parsed = StoreLocation.parse(location, s3Endpoint, s3Region, s3PathStyle);
        if (StoreLocation.FILE.equals(parsed.scheme()) && !parsed.directory().isAbsolute()) {
            return new StoreLocation(StoreLocation.FILE, workspace.toPath().resolve(parsed.directory()).toAbsolutePath(),
                    null, null, null, null, false);
        }
        return parsed;
    }

    /** What the build log and the build page show: the store's name, else its location. */
    String describe() {
        return name != null ? name + " (" + location + ")" : location;
    }
}
