package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.capture.BackupContext;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.backup.BackupSteps;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeRulesTest {

    @TempDir
    Path tmp;

    @Test
    void selectorsParseAndMatchLikeKubectl() {
        LabelSelector s = LabelSelector.parse("app.kubernetes.io/part-of=shop,tier in (web, db),!legacy,env!=dev");
        assertThat(s.matches(Map.of("app.kubernetes.io/part-of", "shop", "tier", "web"))).isTrue();
        assertThat(s.matches(Map.of("app.kubernetes.io/part-of", "shop", "tier", "cache"))).isFalse();
        assertThat(s.matches(Map.of("app.kubernetes.io/part-of", "shop", "tier", "db", "legacy", "yes"))).isFalse();
        assertThat(s.matches(Map.of("app.kubernetes.io/part-of", "shop", "tier", "db", "env", "dev"))).isFalse();
        assertThat(LabelSelector.parse("team").matches(Map.of("team", "x"))).isTrue();
        assertThat(LabelSelector.parse("a==b").matches(Map.of("a", "b"))).isTrue();
        for (String bad : List.of("a=b,,c=d", "tier in (web", "-bad=x", "a=b c", "a=b,")) {
            assertThatThrownBy(() -> LabelSelector.parse(bad)).as(bad).isInstanceOf(LayercakeException.class)
                    .hasMessageContaining("malformed");
        }
    }

    @Test
    void sanitizingFollowsTheTable() throws Exception {
        ObjectNode svc = (ObjectNode) Json.mapper().readTree("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n","uid":"u","resourceVersion":"9",
                 "creationTimestamp":"t","managedFields":[{}],"ownerReferences":[{}],"finalizers":["x"],"generation":2,"selfLink":"/x"},
                 "spec":{"clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],"ports":[{"port":80,"nodePort":30001}],"healthCheckNodePort":31000},
                 "status":{"loadBalancer":{}}}""");
        JsonNode clean = Sanitizer.sanitize(svc);
        assertThat(clean.path("metadata").fieldNames()).toIterable().containsExactlyInAnyOrder("name", "namespace");
        assertThat(clean.has("status")).isFalse();
        assertThat(clean.path("spec").has("clusterIP")).isFalse();
        assertThat(clean.path("spec").has("clusterIPs")).isFalse();
        assertThat(clean.path("spec").path("ports").get(0).has("nodePort")).isFalse();
        assertThat(clean.path("spec").has("healthCheckNodePort")).isFalse();

        // A node port written in kubectl's last-applied configuration was pinned by a person: kept, the others not.
        ObjectNode pinned = svc.deepCopy();
        ((ObjectNode) pinned.path("spec")).putArray("ports").add(Json.mapper().readTree("{\"port\":80,\"nodePort\":30001}"))
                .add(Json.mapper().readTree("{\"port\":443,\"nodePort\":31443}"));
        ((ObjectNode) pinned.path("metadata")).putObject("annotations").put(Sanitizer.LAST_APPLIED,
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30001},{\"port\":443}]}}");
        JsonNode pinnedClean = Sanitizer.sanitize(pinned);
        assertThat(pinnedClean.path("spec").path("ports").get(0).path("nodePort").asInt()).isEqualTo(30001);
        assertThat(pinnedClean.path("spec").path("ports").get(1).has("nodePort")).as("allocated, not pinned").isFalse();
        assertThat(pinnedClean.path("spec").has("healthCheckNodePort")).isFalse();
        ((ObjectNode) pinned.path("metadata").path("annotations")).put(Sanitizer.LAST_APPLIED, "{not json");
        assertThat(Sanitizer.sanitize(pinned).path("spec").path("ports").get(0).has("nodePort")).as("unreadable pins nothing").isFalse();

        ((ObjectNode) svc.path("metadata")).putObject("annotations").put(Sanitizer.KEEP_NODE_PORTS, "true");
        ((ObjectNode) svc.path("spec")).put("clusterIP", "None").putArray("clusterIPs").add("None");
        JsonNode kept = Sanitizer.sanitize(svc);
        assertThat(kept.path("spec").path("ports").get(0).path("nodePort").asInt()).isEqualTo(30001);
        assertThat(kept.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(kept.path("spec").path("clusterIPs").get(0).asText()).isEqualTo("None");

        JsonNode pod = Sanitizer.sanitize(Json.mapper().readTree("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"nodeName":"n1","priority":0,
                 "volumes":[{"name":"data"},{"name":"kube-api-access-x7k2p"}],
                 "containers":[{"name":"c","volumeMounts":[{"name":"data"},{"name":"kube-api-access-x7k2p"}]}]}}"""));
        assertThat(pod.path("spec").has("nodeName")).isFalse();
        assertThat(pod.path("spec").has("priority")).isFalse();
        assertThat(pod.path("spec").path("volumes")).hasSize(1);
        assertThat(pod.path("spec").path("containers").get(0).path("volumeMounts")).hasSize(1);
        assertThat(pod.path("spec").path("containers").get(0).path("volumeMounts").get(0).path("name").asText()).isEqualTo("data");
        JsonNode pv = Sanitizer.sanitize(Json.mapper().readTree("{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolume\",\"metadata\":{\"name\":\"pv\"},\"spec\":{\"claimRef\":{\"name\":\"c\",\"uid\":\"u\"}}}"));
        assertThat(pv.path("spec").path("claimRef").has("uid")).isFalse();
        assertThat(pv.path("spec").path("claimRef").path("name").asText()).isEqualTo("c");
        JsonNode sa = Sanitizer.sanitize(Json.mapper().readTree("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"web\"},\"secrets\":[{\"name\":\"web-token-x1\"},{\"name\":\"web-extra\"}]}"));
        assertThat(sa.path("secrets")).hasSize(1);
        assertThat(sa.path("secrets").get(0).path("name").asText()).isEqualTo("web-extra");
    }

    @Test
    void restoreOrderIsTheTable() {
        List<String> kinds = List.of("/Service", "apps/Deployment", "/ConfigMap", "/Secret", "rbac.authorization.k8s.io/RoleBinding",
                "rbac.authorization.k8s.io/Role", "/ServiceAccount", "/Namespace", "apiextensions.k8s.io/CustomResourceDefinition",
                "/PersistentVolumeClaim", "networking.k8s.io/Ingress", "example.com/Widget");
        List<String> sorted = kinds.stream().sorted(java.util.Comparator.comparingInt(k -> KubeRules.restoreRank(k.substring(0, k.indexOf('/')),
                k.substring(k.indexOf('/') + 1)))).toList();
        assertThat(sorted).containsExactly("apiextensions.k8s.io/CustomResourceDefinition", "/Namespace", "/ServiceAccount",
                "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/RoleBinding", "/Secret", "/ConfigMap",
                "/PersistentVolumeClaim", "apps/Deployment", "/Service", "networking.k8s.io/Ingress", "example.com/Widget");
    }

    @Test
    void theCaptureStepIsWiredFirstAndDoesNothingWhenDisabled() {
        assertThat(BackupSteps.defaults().get(0)).isInstanceOf(KubernetesCaptureStep.class);
        BackupRequest request = new BackupRequest(StoreLocation.parse(tmp.toString()), "shop", "r1", null, null, null,
                KubernetesOptions.disabled(), null);
        BackupContext ctx = new BackupContext(request, null, ProgressListener.NONE, Access.fromEnvironment(Map.of()));
        new KubernetesCaptureStep().run(ctx);
        assertThat(ctx.kubernetes()).isEqualTo(KubernetesSection.empty());
        assertThat(ctx.imageCandidates()).isEmpty();
    }

    @Test
    void secretEnvelopesAreBoundToTheirSecret() throws Exception {
        byte[] key = new byte[32];
        key[0] = 1;
        SecretCipher cipher = SecretCipher.ofKey(key);
        ObjectNode secret = (ObjectNode) Json.mapper().readTree("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"},\"data\":{\"k\":\"dmFsdWU=\"}}");
        ObjectNode sealed = cipher.encrypt(secret);
        assertThat(sealed.has("data")).isFalse();
        assertThat(sealed.toString()).doesNotContain("dmFsdWU=");
        assertThat(cipher.decrypt(sealed)).isEqualTo(secret);
        ObjectNode moved = sealed.deepCopy();
        ((ObjectNode) moved.path("metadata")).put("name", "b");
        assertThatThrownBy(() -> cipher.decrypt(moved)).isInstanceOf(LayercakeException.class).hasMessageContaining("does not decrypt");
        assertThat(cipher.keyId()).startsWith("sha256:").doesNotContain(java.util.HexFormat.of().formatHex(key));
    }
}
