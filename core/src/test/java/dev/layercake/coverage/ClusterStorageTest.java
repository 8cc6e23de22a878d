package dev.layercake.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.CoverageSection;
import dev.layercake.model.Json;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterStorageTest {

    private static JsonNode json(String s) {
        return Json.read(s.getBytes(StandardCharsets.UTF_8), JsonNode.class, "test object");
    }

    @Test
    void claimsTheirVolumesDriversSnapshotClassesAndNodeLocalVolumesWithTheirWorkloads() {
        try (KubernetesMockServerFixture server = KubernetesMockServerFixture.start()) {
            KubernetesClient client = server.client();
            client.persistentVolumeClaims().inNamespace("shop").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                    .withName("uploads").withNamespace("shop").endMetadata().withNewSpec().withStorageClassName("fast")
                    .withAccessModes("ReadWriteOnce").withVolumeName("pv-uploads").withNewResources()
                    .withRequests(Map.of("storage", new Quantity("10Gi"))).endResources().endSpec().build()).create();
            client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv-uploads").endMetadata()
                    .withNewSpec().withNewCsi().withDriver("ebs.csi.aws.com").withVolumeHandle("vol-1").endCsi().endSpec().build()).create();
            client.persistentVolumeClaims().inNamespace("shop").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                    .withName("data-db-0").withNamespace("shop").endMetadata().withNewSpec().withStorageClassName("standard")
                    .withAccessModes("ReadWriteOnce").withNewResources().withRequests(Map.of("storage", new Quantity("5Gi")))
                    .endResources().endSpec().build()).create();
            client.storage().v1().storageClasses().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                    .withNewMetadata().withName("standard").endMetadata().withProvisioner("kubernetes.io/no-snapshots").build()).create();
            client.apiextensions().v1().customResourceDefinitions().resource(new io.fabric8.kubernetes.api.model.apiextensions.v1
                    .CustomResourceDefinitionBuilder().withNewMetadata().withName("volumesnapshotclasses.snapshot.storage.k8s.io").endMetadata()
                    .withNewSpec().withGroup("snapshot.storage.k8s.io").withScope("Cluster")
                    .withNewNames().withKind("VolumeSnapshotClass").withPlural("volumesnapshotclasses").endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
                    .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion()
                    .endSpec().build()).create();
            GenericKubernetesResource vsc = Json.read(("{\"apiVersion\":\"snapshot.storage.k8s.io/v1\",\"kind\":\"VolumeSnapshotClass\","
                    + "\"metadata\":{\"name\":\"ebs\"},\"driver\":\"ebs.csi.aws.com\",\"deletionPolicy\":\"Delete\"}")
                    .getBytes(StandardCharsets.UTF_8), GenericKubernetesResource.class, "vsc");
            client.genericKubernetesResources(ClusterStorage.SNAPSHOT_CLASSES).resource(vsc).create();

            List<JsonNode> live = List.of(
                    json("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"api\"},"
                            + "\"spec\":{\"template\":{\"spec\":{\"volumes\":[{\"name\":\"u\",\"persistentVolumeClaim\":{\"claimName\":\"uploads\"}},"
                            + "{\"name\":\"tmp\",\"emptyDir\":{}},{\"name\":\"logs\",\"hostPath\":{\"path\":\"/var/log/shop\"}}],"
                            + "\"containers\":[{\"name\":\"api\"}]}}}}"),
                    json("{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"report\"},"
                            + "\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"volumes\":[{\"name\":\"u\","
                            + "\"persistentVolumeClaim\":{\"claimName\":\"uploads\"}}],\"containers\":[{\"name\":\"r\"}]}}}}}}"),
                    json("{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"db\"},"
                            + "\"spec\":{\"volumeClaimTemplates\":[{\"metadata\":{\"name\":\"data\"}}],\"template\":{\"spec\":{\"containers\":[{\"name\":\"db\"}]}}}}"),
                    json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"namespace\":\"shop\",\"name\":\"api-1\",\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"x\"}]},"
                            + "\"spec\":{\"volumes\":[{\"name\":\"u\",\"persistentVolumeClaim\":{\"claimName\":\"uploads\"}}],\"containers\":[{\"name\":\"api\"}]}}"));
            List<String> notes = new ArrayList<>();
            List<CoverageSection.Volume> volumes = ClusterStorage.volumes(live, client, notes);

            assertThat(volumes).extracting(CoverageSection.Volume::kind, CoverageSection.Volume::name).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("persistentVolumeClaim", "uploads"),
                    org.assertj.core.groups.Tuple.tuple("emptyDir", "Deployment shop/api volume tmp"),
                    org.assertj.core.groups.Tuple.tuple("hostPath", "/var/log/shop"),
                    org.assertj.core.groups.Tuple.tuple("persistentVolumeClaim", "data-db-0"));
            CoverageSection.Volume uploads = volumes.get(0);
            assertThat(uploads.size()).isEqualTo("10Gi");
            assertThat(uploads.storageClass()).isEqualTo("fast");
            assertThat(uploads.accessModes()).containsExactly("ReadWriteOnce");
            assertThat(uploads.boundVolume()).isEqualTo("pv-uploads");
            assertThat(uploads.csiDriver()).isEqualTo("ebs.csi.aws.com");
            assertThat(uploads.snapshotClass()).isTrue();
            assertThat(uploads.usedBy()).containsExactly("Deployment shop/api", "CronJob shop/report");
            assertThat(uploads.coverage()).isEqualTo("not covered by this release");
            CoverageSection.Volume db = volumes.get(3);
            assertThat(db.usedBy()).containsExactly("StatefulSet shop/db");
            assertThat(db.csiDriver()).isEqualTo("kubernetes.io/no-snapshots");
            assertThat(db.snapshotClass()).isFalse();
            assertThat(notes).isEmpty();

            // A read RBAC refuses leaves the field unknown and says which rule is missing; nothing throws.
            server.forbid("GET", "/api/v1/persistentvolumes");
            List<String> denied = new ArrayList<>();
            List<CoverageSection.Volume> again = ClusterStorage.volumes(live.subList(0, 1), client, denied);
            assertThat(again.get(0).csiDriver()).isNull();
            assertThat(again.get(0).snapshotClass()).isNull();
            assertThat(denied).anyMatch(n -> n.startsWith("not permitted: get persistentvolumes"));
        }
    }
}
