package dev.layercake.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.CoverageSection;
import dev.layercake.model.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StorageRulesTest {

    private final StorageRules rules = StorageRules.defaults();

    @ParameterizedTest(name = "value rule {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "s3-uri|s3://shop-assets-prod/images/x.png|shop-assets-prod",
            "gs-uri|gs://shop-exports/daily|shop-exports",
            "s3-virtual-host|https://shop-assets.s3.eu-west-1.amazonaws.com/a|shop-assets",
            "s3-path-style|https://s3.amazonaws.com/shop-logs|shop-logs",
            "gcs-https|https://storage.googleapis.com/shop-media|shop-media",
            "azure-blob|https://shopdata.blob.core.windows.net/container|shopdata",
            "azure-sql|shop-sql.database.windows.net|shop-sql",
            "aws-rds-host|shop.c9akciq32.eu-west-1.rds.amazonaws.com|shop.c9akciq32.eu-west-1.rds.amazonaws.com",
            "aws-elasticache-host|shop.abc123.0001.euw1.cache.amazonaws.com|shop.abc123.0001.euw1.cache.amazonaws.com",
            "aws-sqs-url|https://sqs.eu-west-1.amazonaws.com/123456789012/orders|sqs.eu-west-1.amazonaws.com/123456789012/orders",
            "jdbc-url|jdbc:postgresql://db:5432/shop|jdbc:postgresql://db:5432/shop",
            "postgres-url|postgres://shop@db:5432/shop|postgres://shop@db:5432/shop",
            "mysql-url|mysql://db/shop|mysql://db/shop",
            "mongodb-url|mongodb+srv://cluster0.example.net/shop|mongodb+srv://cluster0.example.net/shop",
            "redis-url|redis://redis:6379/0|redis://redis:6379/0",
            "amqp-url|amqp://rabbit:5672/|amqp://rabbit:5672/"})
    void eachValueRuleFindsItsEndpoint(String rule, String value, String name) {
        List<StorageRules.Hit> hits = rules.values(value);
        assertThat(hits).extracting(h -> h.rule().id()).contains(rule);
        assertThat(hits).filteredOn(h -> h.rule().id().equals(rule)).extracting(StorageRules.Hit::name).containsExactly(name);
    }

    @Test
    void aWholeUrlWinsOverTheHostInsideIt() {
        assertThat(rules.values("postgres://shop@orders.c1x.eu-west-1.rds.amazonaws.com:5432/orders"))
                .extracting(h -> h.rule().id(), StorageRules.Hit::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("postgres-url", "postgres://shop@orders.c1x.eu-west-1.rds.amazonaws.com:5432/orders"));
    }

    @ParameterizedTest(name = "no value rule in: {0}")
    @CsvSource(delimiter = '|', value = {
            "the bucket list of things to do",
            "database migration finished",
            "redis is fast",
            "use postgres for this",
            "http://shop-api",
            "https://example.com/s3/shop",
            "mys3://bucket",
            "notaredis://x",
            "S3 bucket policy",
            "blob.core is a word",
            "jdbc is a java api"})
    void plainWordsAreNoEndpoints(String text) {
        assertThat(rules.values(text)).isEmpty();
    }

    @ParameterizedTest(name = "key rule {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "key-bucket|ASSETS_BUCKET", "key-bucket|assetsBucket", "key-bucket|s3.bucket", "key-bucket|S3_BUCKET_NAME",
            "key-database-url|DATABASE_URL", "key-database-url|ORDERS_DB_DSN", "key-database-host|PGHOST_unused_DB_HOST",
            "key-cache-url|REDIS_URL", "key-queue-url|SQS_QUEUE_URL", "key-table|DYNAMODB_TABLE"})
    void eachKeyRuleMatchesItsKeys(String rule, String key) {
        assertThat(rules.key(key)).map(StorageRules.Rule::id).contains(rule);
    }

    @ParameterizedTest(name = "no key rule for {0}")
    @CsvSource({"TOKEN_BUCKET", "LEAKY_BUCKET", "RATE_LIMIT_BUCKET", "HISTOGRAM_BUCKET", "BUCKETS", "BUCKET_SIZE",
            "DATABASE", "DB_POOL_SIZE", "REDIS_TIMEOUT", "QUEUE_DEPTH", "API_URL", "CACHE_SECONDS", "USERNAME"})
    void keysThatOnlyLookLikeStorageMatchNoRule(String key) {
        assertThat(rules.key(key)).isEmpty();
    }

    @ParameterizedTest(name = "secret rule {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "secret-aws|AWS_SECRET_ACCESS_KEY", "secret-database|DB_PASSWORD", "secret-database|DATABASE_URL",
            "secret-cache|REDIS_PASSWORD", "secret-queue|RABBITMQ_PASSWORD", "secret-azure-storage|AZURE_STORAGE_CONNECTION_STRING",
            "secret-gcp|GOOGLE_APPLICATION_CREDENTIALS", "secret-bucket|UPLOADS_BUCKET"})
    void eachSecretRuleMatchesItsKeys(String rule, String key) {
        assertThat(rules.secretKey(key)).map(StorageRules.Rule::id).contains(rule);
    }

    @ParameterizedTest
    @CsvSource({"password", "tls.crt", "API_TOKEN", "SESSION_SECRET", "ADMIN_PASSWORD"})
    void otherSecretKeysMatchNoRule(String key) {
        assertThat(rules.secretKey(key)).isEmpty();
    }

    @Test
    void everyTerraformRuleIsFoundWithItsName() {
        for (StorageRules.Rule r : rules.rules()) {
            if (r.match() != StorageRules.Match.TERRAFORM) {
                continue;
            }
            String attr = r.name().split(",")[0];
            String tf = "resource \"" + r.pattern() + "\" \"main\" {\n  " + attr + " = \"shop-thing\"\n  tags = {}\n}\n";
            CoverageScanner s = new CoverageScanner();
            s.scanFile("main.tf", tf.getBytes(StandardCharsets.UTF_8), true);
            assertThat(s.services()).as(r.id()).extracting(CoverageSection.Service::rule, CoverageSection.Service::kind,
                            CoverageSection.Service::name, CoverageSection.Service::foundIn)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(r.id(), r.kind(), "shop-thing (" + r.pattern() + ".main)", "main.tf:1"));
        }
    }

    @Test
    void terraformDataSourcesBackendsAndOtherResources() {
        String tf = "terraform {\n  backend \"s3\" {\n    bucket = \"shop-state\"\n  }\n}\n"
                + "data \"aws_s3_bucket\" \"logs\" {\n  bucket = \"shop-logs\"\n}\n"
                + "resource \"aws_ecr_repository\" \"r\" {\n  name = \"shop/api\"\n}\n"
                + "resource \"aws_db_instance\" \"db\" {\n  identifier = \"${var.name}-db\"\n}\n";
        CoverageScanner s = new CoverageScanner();
        s.scanFile("infra/main.tf", tf.getBytes(StandardCharsets.UTF_8), true);
        assertThat(s.services()).extracting(CoverageSection.Service::describe).containsExactly(
                "bucket (aws-s3 (terraform state)): shop-state",
                "bucket (aws-s3): shop-logs (data.aws_s3_bucket.logs)",
                "database (aws-rds): ${var.name}-db (aws_db_instance.db)");
        assertThat(s.services()).extracting(CoverageSection.Service::foundIn).containsExactly("infra/main.tf:2", "infra/main.tf:6", "infra/main.tf:12");
    }

    @Test
    void passwordsAndTokensLeaveUrls() {
        // the whole userinfo goes (a lone "user" may be a token); more forms in EndpointsRedactionTest
        assertThat(Endpoints.redact("postgres://shop:s3cr3t@db:5432/shop?sslmode=require&password=x2"))
                .isEqualTo("postgres://db:5432/shop?sslmode=require");
        assertThat(Endpoints.redact("jdbc:mysql://db/shop?user=a&password=hunter2")).isEqualTo("jdbc:mysql://db/shop?user=a");
        assertThat(Endpoints.redact("jdbc:oracle:thin:scott/tiger@db:1521:orcl")).isEqualTo("jdbc:oracle:thin:@db:1521:orcl");
        assertThat(Endpoints.redact("redis://:pw@redis:6379")).isEqualTo("redis://redis:6379");
        assertThat(Endpoints.redact("https://x.blob.core.windows.net/c?sv=1&sig=abc")).isEqualTo("https://x.blob.core.windows.net/c?sv=1");
    }

    @Test
    void configMapsEnvAndSecretKeysLiveWithNoSecretValue() {
        ObjectNode cm = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("namespace", "shop").put("name", "api-config");
        cm.putObject("data").put("DATABASE_URL", "postgres://shop:pw1@db:5432/shop").put("ASSETS_BUCKET", "shop-assets")
                .put("GREETING", "hello bucket").put("application.properties", "spring.datasource.url=jdbc:postgresql://db/shop\nother=1\n");
        ObjectNode secret = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
        secret.putObject("metadata").put("namespace", "shop").put("name", "db");
        secret.putObject("data").put("DB_PASSWORD", "c2VjcmV0LXZhbHVlLTQy").put("DATABASE_URL", "cG9zdGdyZXM6Ly91OnBAZGIvcw==");
        ObjectNode deploy = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        deploy.putObject("metadata").put("namespace", "shop").put("name", "worker");
        deploy.putObject("spec").putObject("template").putObject("spec").putArray("containers").addObject().put("name", "w")
                .putArray("env").addObject().put("name", "QUEUE_URL").put("value", "redis://redis:6379/0");
        CoverageScanner s = new CoverageScanner();
        s.scanObjects(List.of(cm, secret, deploy));
        assertThat(s.services()).extracting(CoverageSection.Service::describe, CoverageSection.Service::foundIn).containsExactly(
                org.assertj.core.groups.Tuple.tuple("database (postgresql): postgres://db:5432/shop", "ConfigMap shop/api-config data.DATABASE_URL (DATABASE_URL)"),
                org.assertj.core.groups.Tuple.tuple("bucket (bucket): shop-assets", "ConfigMap shop/api-config data.ASSETS_BUCKET (ASSETS_BUCKET)"),
                org.assertj.core.groups.Tuple.tuple("database (jdbc): jdbc:postgresql://db/shop", "ConfigMap shop/api-config data.application.properties:1 (spring.datasource.url)"),
                org.assertj.core.groups.Tuple.tuple("credentials present for database (database): DB_PASSWORD", "Secret shop/db data.DB_PASSWORD"),
                org.assertj.core.groups.Tuple.tuple("credentials present for database (database): DATABASE_URL", "Secret shop/db data.DATABASE_URL"),
                org.assertj.core.groups.Tuple.tuple("queue (redis): redis://redis:6379/0", "Deployment shop/worker container w env QUEUE_URL (QUEUE_URL)"));
        String all = Json.writeString(s.services());
        assertThat(all).doesNotContain("pw1").doesNotContain("c2VjcmV0").doesNotContain("cG9zdGdy");
    }

    @Test
    void secretsInGitGiveKeysOnly() {
        String yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  DATABASE_URL: postgres://u:topsecret@db/shop\n"
                + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  UPLOADS_BUCKET: shop-uploads\n";
        CoverageScanner s = new CoverageScanner();
        s.scanFile("deploy/k8s/x.yaml", yaml.getBytes(StandardCharsets.UTF_8), false);
        assertThat(s.services()).extracting(CoverageSection.Service::describe, CoverageSection.Service::foundIn).containsExactly(
                org.assertj.core.groups.Tuple.tuple("credentials present for database (database): DATABASE_URL", "deploy/k8s/x.yaml:6"),
                org.assertj.core.groups.Tuple.tuple("bucket (bucket): shop-uploads", "deploy/k8s/x.yaml:13 (UPLOADS_BUCKET)"));
        assertThat(Json.writeString(s.services())).doesNotContain("topsecret");
    }

    @Test
    void aTenMegabyteConfigMapAndBinaryValuesAreScannedWithinBounds() {
        StringBuilder big = new StringBuilder(10 * 1024 * 1024 + 100);
        big.append("DATABASE_URL=postgres://db/shop\n");
        while (big.length() < 10 * 1024 * 1024) {
            big.append("x".repeat(100_000)).append(' ');
        }
        big.append("\nLATE_BUCKET=never-seen\n");
        ObjectNode cm = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("namespace", "shop").put("name", "huge");
        cm.putObject("data").put("app.env", big.toString()).put("blob", "abc\0def s3://binary-bucket");
        cm.putObject("binaryData").put("img", "AAECAw==");
        CoverageScanner s = new CoverageScanner();
        long start = System.nanoTime();
        s.scanObjects(List.<JsonNode>of(cm));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to scan 10 MB").isLessThan(10_000);
        assertThat(s.services()).extracting(CoverageSection.Service::name).containsExactly("postgres://db/shop");
        assertThat(s.notes()).anyMatch(n -> n.startsWith("scanned the first 1024 KiB only of ConfigMap shop/huge data.app.env"))
                .anyMatch(n -> n.equals("not scanned: ConfigMap shop/huge data.blob (binary)"));

        byte[] binary = new byte[5 * 1024 * 1024];
        binary[10] = 0;
        s.scanFile("deploy/values.yaml", binary, false);
        assertThat(s.notes()).contains("not scanned: deploy/values.yaml (binary)");
    }
}
