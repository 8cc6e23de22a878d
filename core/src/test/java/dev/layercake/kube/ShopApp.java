package dev.layercake.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The test application: "shop" across two namespaces (shop-front, shop-data) with a Deployment, a
 * StatefulSet with its PVC, ClusterIP, headless and NodePort Services, an Ingress, ConfigMaps, a Secret, a
 * ServiceAccount with Role and RoleBinding, an HPA, a CRD and a CR; plus controller-generated objects,
 * objects never captured, an excluded one, and a second app ("other") in the same namespaces.
 */
final class ShopApp {

    static final String SECRET_PASSWORD = "s3cr3t-pa55w0rd";
    static final String SECRET_TOKEN = "api-token-0f9e8d";

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    static final String APP = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop-front, labels: {team: shop}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop-data}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web, namespace: shop-front}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: web-reader, namespace: shop-front}
            rules:
            - apiGroups: [""]
              resources: [configmaps]
              verbs: [get, list]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: web-reader, namespace: shop-front}
            subjects:
            - {kind: ServiceAccount, name: web, namespace: shop-front}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web-reader}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: shop-node-reader}
            rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: shop-web-node-reader}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop-front}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: shop-node-reader}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: shop-web-view}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop-front}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: shop-metrics, labels: {app.kubernetes.io/part-of: shop}}
            rules: [{apiGroups: [metrics.k8s.io], resources: [pods], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: other-metrics, labels: {app.kubernetes.io/part-of: other}}
            rules: [{apiGroups: [metrics.k8s.io], resources: [pods], verbs: [get]}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config, namespace: shop-front}
            data: {greeting: hola, color: blue}
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: db-credentials
              namespace: shop-front
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","data":{"password":"czNjcjN0LXBhNTV3MHJk"},"kind":"Secret","metadata":{"name":"db-credentials"},"stringData":{"token":"api-token-0f9e8d"}}'
            type: Opaque
            data: {password: czNjcjN0LXBhNTV3MHJk}
            stringData: {token: api-token-0f9e8d}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: web-token-abcde, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop}, annotations: {kubernetes.io/service-account.name: web}}
            type: kubernetes.io/service-account-token
            data: {token: c2hvdWxkLW5vdC1iZS1jYXB0dXJlZA==}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop-front, uid: 11111111-aaaa-bbbb-cccc-000000000001, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  serviceAccountName: web
                  containers:
                  - name: web
                    image: registry.example.com/shop/web:1.4.2
                    envFrom: [{configMapRef: {name: web-config}}]
                    env:
                    - name: DB_PASSWORD
                      valueFrom: {secretKeyRef: {name: db-credentials, key: password}}
                    ports: [{containerPort: 8080}]
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: web-5d8f7
              namespace: shop-front
              uid: 11111111-aaaa-bbbb-cccc-000000000002
              labels: {app.kubernetes.io/part-of: shop, app: web}
              ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: 11111111-aaaa-bbbb-cccc-000000000001, controller: true}]
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-5d8f7-x2x9q
              namespace: shop-front
              labels: {app.kubernetes.io/part-of: shop, app: web}
              ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7, uid: 11111111-aaaa-bbbb-cccc-000000000002, controller: true}]
            spec: {nodeName: node-1, containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop-front}
            spec:
              type: ClusterIP
              clusterIP: 10.96.0.15
              clusterIPs: [10.96.0.15]
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-public, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              type: NodePort
              clusterIP: 10.96.0.16
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop-front}
            spec:
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web, namespace: shop-front}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 2
              maxReplicas: 5
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-flags, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop}}
            data: {beta: "true"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: local-notes, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop, layercake.dev/exclude: "true"}}
            data: {note: not for backup}
            ---
            apiVersion: v1
            kind: Event
            metadata: {name: web.17a, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop}}
            reason: Scaled
            message: scaled up
            involvedObject: {kind: Deployment, name: web, namespace: shop-front}
            ---
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {name: web-leader, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop}}
            spec: {holderIdentity: web-5d8f7-x2x9q}
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: shop-widget, namespace: shop-front, labels: {app.kubernetes.io/part-of: shop}}
            spec: {size: 3, color: red}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data-db-0, namespace: shop-data, annotations: {pv.kubernetes.io/bind-completed: "yes"}}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
              volumeName: pvc-0a1b2c
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: shop-data, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              replicas: 1
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  containers:
                  - name: db
                    image: registry.example.com/shop/db:16.2
                    volumeMounts: [{name: data, mountPath: /var/lib/db}]
              volumeClaimTemplates:
              - metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop-data}
            spec:
              clusterIP: None
              clusterIPs: [None]
              selector: {app: db}
              ports: [{name: db, port: 5432}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: db-tuning, namespace: shop-data, labels: {app.kubernetes.io/part-of: shop}}
            data: {max_connections: "200"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: other-web, namespace: shop-front, labels: {app.kubernetes.io/part-of: other}}
            spec:
              selector: {matchLabels: {app: other}}
              template:
                metadata: {labels: {app: other}}
                spec:
                  containers: [{name: other, image: registry.example.com/other/web:9.9, envFrom: [{configMapRef: {name: other-config}}]}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: other-config, namespace: shop-front}
            data: {mode: other}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: other, namespace: shop-front}
            spec: {selector: {app: other}, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: other-data, namespace: shop-data, labels: {app.kubernetes.io/part-of: other}}
            data: {x: "1"}
            """;

    /** What the capture of "shop" must hold, as ObjectId strings. */
    static final List<String> EXPECTED = List.of(
            "Namespace shop-front", "Namespace shop-data",
            "ServiceAccount shop-front/web", "Role shop-front/web-reader", "RoleBinding shop-front/web-reader",
            "ClusterRole shop-node-reader", "ClusterRoleBinding shop-web-node-reader", "ClusterRoleBinding shop-web-view",
            "ClusterRole shop-metrics",
            "ConfigMap shop-front/web-config", "Secret shop-front/db-credentials", "Deployment shop-front/web",
            "Service shop-front/web", "Service shop-front/web-public", "Ingress shop-front/web",
            "HorizontalPodAutoscaler shop-front/web", "ConfigMap shop-front/web-flags", "Widget.example.com shop-front/shop-widget",
            "CustomResourceDefinition widgets.example.com",
            "PersistentVolumeClaim shop-data/data-db-0", "StatefulSet shop-data/db", "Service shop-data/db",
            "ConfigMap shop-data/db-tuning");

    private ShopApp() {
    }

    static void install(KubernetesClient client) {
        create(client, CRD);
        create(client, APP);
    }

    static void create(KubernetesClient client, String yaml) {
        List<HasMetadata> items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        for (HasMetadata item : items) {
            client.resource(item).create();
        }
    }
}
