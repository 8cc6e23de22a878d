package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What this release does NOT hold: the volumes the app's workloads mount and the storage services (buckets,
 * databases, queues, caches) its IaC and configuration name. Recorded so nobody mistakes the release for a
 * backup of that data. Names and endpoints only (passwords in URLs removed); of Secrets, only their keys.
 */
public record CoverageSection(List<Volume> volumes, List<Service> services,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notes) {

    /** What every entry says: the data behind it is not in the release. */
    public static final String NOT_COVERED = "not covered by this release";

    public CoverageSection {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        services = services == null ? List.of() : List.copyOf(services);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public static CoverageSection empty() {
        return new CoverageSection(List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return volumes.isEmpty() && services.isEmpty() && notes.isEmpty();
    }

    /**
     * A volume a workload mounts. {@code kind}: persistentVolumeClaim, hostPath or emptyDir. For a claim: its
     * size, storage class, access modes, bound PersistentVolume, CSI driver and whether a VolumeSnapshotClass
     * exists for that driver (null: could not be read). {@code usedBy}: the workloads that mount it.
     */
    public record Volume(String kind, String namespace, String name, String size, String storageClass,
                         List<String> accessModes, String boundVolume, String csiDriver, Boolean snapshotClass,
                         List<String> usedBy, String foundIn, String coverage) {

        public Volume {
            accessModes = accessModes == null ? List.of() : List.copyOf(accessModes);
            usedBy = usedBy == null ? List.of() : List.copyOf(usedBy);
            coverage = coverage == null ? NOT_COVERED : coverage;
        }
    }

    /**
     * A storage service the app points at. {@code kind}: bucket, database, cache, queue, table, file-system,
     * storage-account. {@code service}: what it is (aws-s3, aws-rds, postgresql, redis...). {@code name}: its
     * name or endpoint, never a password. {@code foundIn}: file:line, or object/field. {@code rule}: the rule
     * of the storage rules table that matched. {@code credentials}: found as a Secret key (the value is never
     * read into the release).
     */
    public record Service(String kind, String service, String name, String foundIn, String rule,
                          boolean credentials, String coverage) {

        public Service {
            coverage = coverage == null ? NOT_COVERED : coverage;
        }

        /** The line show and the report print. */
        public String describe() {
            return (credentials ? "credentials present for " + kind + " (" + service + ")" : kind + " (" + service + ")")
                    + ": " + name;
        }
    }
}
