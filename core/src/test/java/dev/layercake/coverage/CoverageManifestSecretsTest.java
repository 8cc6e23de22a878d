package dev.layercake.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.api.access.Access;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.backup.BackupEngine;
import dev.layercake.backup.BackupSteps;
import dev.layercake.model.Json;
import dev.layercake.store.ReleaseStore;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security review 2026-12-07, findings 2 and 7, end to end: a backup (git source and a live namespace on the
 * fabric8 mock) whose ConfigMap data, container env and git files carry every URL form of the review; the whole
 * manifest JSON holds none of the passwords, and still names each endpoint.
 */
class CoverageManifestSecretsTest {

    @TempDir
    Path tmp;

    /** key -> URL with a password; the passwords are listed in {@link #PASSWORDS}. */
    private static final Map<String, String> URLS = new LinkedHashMap<>();
    private static final List<String> PASSWORDS = List.of("s3cretPw1", "wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY", "ab/cd",
            "pa/ss", "keypass", "hunter2", "redispass", "mpass", "FQoGZXIvYXdz", "wJalrSECRET", "pa;ss", "LongPw" + "y".repeat(20),
            "gitpw/x", "jsonpw", "listpw");

    static {
        URLS.put("DATABASE_URL", "postgres://app:s3cretPw1@db:5432/app");
        URLS.put("BACKUP_BUCKET", "s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@my-bucket/backups");
        URLS.put("ORDERS_DB_URL", "postgres://app:ab/cd@orders-db/app");
        URLS.put("REDIS_URL", "redis://:pa/ss@cache:6379");
        URLS.put("PG_URL", "jdbc:postgresql://db/app?user=app&sslpassword=keypass&password=p");
        URLS.put("LEGACY_DB_URL", "jdbc:db2://db2:50000/APP:user=app;password=hunter2;");
        URLS.put("CACHE_URL", "redis://:redispass@cache2:6379");
        URLS.put("MONGO_URI", "mongodb+srv://u:mpass@cluster0.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:FQoGZXIvYXdz");
        URLS.put("LAKE_BUCKET", "s3://lake/x?aws_access_key_id=AKIA&aws_secret_access_key=wJalrSECRET");
        URLS.put("DB_HOST", "app:s3cretPw1@db.internal");
        URLS.put("MSSQL_DB_URL", "jdbc:sqlserver://mssql;user=app;password={pa;ss}");
        URLS.put("BIG_DB_URL", "postgres://app:LongPw" + "y".repeat(1300) + "@bigdb/app");
    }

    @Test
    void theManifestOfABackupWhoseConfigMapEnvAndGitCarryTheseUrlsHoldsNoneOfThePasswords() throws Exception {
        try (KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start();
             GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            StringBuilder env = new StringBuilder();
            URLS.forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
            repo.write("deploy/app.env", env.toString());
            repo.write("deploy/secret.yaml", "apiVersion: v1\nstringData:\n  DATABASE_URL: postgres://app:gitpw/x@db.internal/app\nkind: Secret\n"
                    + "---\n{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"stringData\": {\"DB_URL\": \"postgres://u:jsonpw@db.internal/app\"}}\n"
                    + "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret   # creds\n  stringData:\n"
                    + "    MONGO_URI: mongodb://u:listpw@mongo/app\n");
            repo.commit("release");

            var client = cluster.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            Map<String, String> labels = Map.of("app.kubernetes.io/part-of", "shop");
            client.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName("app-config")
                    .withNamespace("shop").withLabels(labels).endMetadata().withData(URLS).build()).create();
            List<EnvVar> envVars = new ArrayList<>();
            URLS.forEach((k, v) -> envVars.add(new EnvVar(k, v, null)));
            client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName("api")
                    .withNamespace("shop").withLabels(labels).endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "api"))
                    .endSelector().withNewTemplate().withNewMetadata().withLabels(Map.of("app", "api")).endMetadata().withNewSpec()
                    .addNewContainer().withName("api").withImage("registry.example.com/shop/api:1").withEnv(envVars).endContainer()
                    .endSpec().endTemplate().endSpec().build()).create();
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");

            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(Map.of()), Clock.systemUTC()).backup(new BackupRequest(store, "shop", "r1",
                    new SourceOptions(repo.dir().toString(), null, List.of("deploy/*.env"), List.of(), false), null,
                    new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()),
                    new KubernetesOptions(kubeconfig.toString(), null, List.of("shop"), List.of(), KubernetesOptions.SKIP, null, null),
                    null, true), ProgressListener.NONE);

            try (ReleaseStore s = ReleaseStore.open(store)) {
                String manifest = new String(s.readManifestBytes("shop", "r1"), StandardCharsets.UTF_8);
                for (String password : PASSWORDS) {
                    assertThat(manifest).as("the manifest holds %s", password).doesNotContain(password);
                }
                JsonNode services = Json.mapper().readTree(manifest).path("coverage").path("services");
                List<String> names = new ArrayList<>();
                services.forEach(x -> names.add(x.path("name").asText() + " @ " + x.path("foundIn").asText()));
                // every endpoint is still named, from git and from both live places
                for (String where : List.of("deploy/app.env:", "ConfigMap shop/app-config data.", "Deployment shop/api container api env ")) {
                    assertThat(names).as(where).contains(
                            "s3://my-bucket/backups @ " + where + (where.endsWith(":") ? "2" : "BACKUP_BUCKET") + " (BACKUP_BUCKET)",
                            "redis://cache:6379 @ " + where + (where.endsWith(":") ? "4" : "REDIS_URL") + " (REDIS_URL)",
                            "jdbc:sqlserver://mssql;user=app @ " + where + (where.endsWith(":") ? "11" : "MSSQL_DB_URL") + " (MSSQL_DB_URL)",
                            "postgres://bigdb/app @ " + where + (where.endsWith(":") ? "12" : "BIG_DB_URL") + " (BIG_DB_URL)");
                }
                assertThat(names).contains("DATABASE_URL @ deploy/secret.yaml:3", "DB_URL @ deploy/secret.yaml:6", "MONGO_URI @ deploy/secret.yaml:14");
            }
        }
    }
}
