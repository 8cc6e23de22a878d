package dev.layercake.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.CoverageSection;
import dev.layercake.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Security review 2026-12-07, findings 2, 7, 8, 9 and 10 for the coverage scanner, from the review's repro scripts
 * (cov2.jsh, perf.jsh, tf.jsh). The timeouts here are hang guards, not benchmarks: each input took from over a
 * minute to several minutes on the code before, and takes well under a second now; 10 s leaves room for a loaded
 * machine.
 */
class CoverageScannerSecurityTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    private static CoverageScanner scan(String path, String text) {
        CoverageScanner s = new CoverageScanner();
        s.scanFile(path, text.getBytes(StandardCharsets.UTF_8), path.endsWith(".tf"));
        return s;
    }

    private static List<String> found(CoverageScanner s) {
        return s.services().stream().map(x -> x.name() + " @ " + x.foundIn() + (x.credentials() ? " (credentials)" : "")).toList();
    }

    @Test
    void envFileFormsFromTheReviewKeepTheirEndpointsAndLoseThePasswords() {
        CoverageScanner s = scan("app.env", String.join("\n",
                "DATABASE_URL=postgres://app:ab/cd@db/app",
                "BACKUP_BUCKET=s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@my-bucket/backups",
                "PG_URL=jdbc:postgresql://db/app?user=app&sslpassword=keypass",
                "DB_URL=jdbc:db2://db:50000/APP:password=hunter2;user=app",
                "DB_HOST=app:s3cret@db.internal",
                "LAKE=s3://bucket/x?aws_secret_access_key=wJalrSECRET"));
        assertThat(found(s)).containsExactly(
                "postgres://db/app @ app.env:1 (DATABASE_URL)",
                "s3://my-bucket/backups @ app.env:2 (BACKUP_BUCKET)",
                "jdbc:postgresql://db/app?user=app @ app.env:3 (PG_URL)",
                "jdbc:db2://db:50000/APP:user=app @ app.env:4 (DB_URL)",
                "db.internal @ app.env:5 (DB_HOST)",
                "bucket @ app.env:6 (LAKE)");
        assertThat(Json.writeString(s.services())).doesNotContain("ab/cd", "wJalrXUtnFEMI", "keypass", "hunter2", "s3cret", "wJalrSECRET");
    }

    @Test
    void aSecretIsFoundByParsingWhereverItsKindLineIs() {
        // (review) kind after stringData:, kind with a comment, a Secret in a List: values were recorded
        assertThat(found(scan("k8s/secret.yaml", String.join("\n",
                "apiVersion: v1",
                "stringData:",
                "  DATABASE_URL: postgres://app:pw/x@db.internal/app",
                "  S3_BUCKET: acme-private-payroll",
                "kind: Secret")))).containsExactly(
                "DATABASE_URL @ k8s/secret.yaml:3 (credentials)", "S3_BUCKET @ k8s/secret.yaml:4 (credentials)");
        assertThat(found(scan("k8s/secret2.yaml", String.join("\n",
                "apiVersion: v1",
                "kind: Secret   # app creds",
                "stringData:",
                "  REDIS_URL: redis://:pa/ss@cache:6379")))).containsExactly("REDIS_URL @ k8s/secret2.yaml:4 (credentials)");
        assertThat(found(scan("k8s/list.yaml", String.join("\n",
                "apiVersion: v1",
                "kind: List",
                "items:",
                "- apiVersion: v1",
                "  kind: Secret",
                "  stringData:",
                "    MONGO_URI: mongodb://u:p/w@mongo/app",
                "- apiVersion: v1",
                "  kind: ConfigMap",
                "  data:",
                "    UPLOADS_BUCKET: shop-uploads")))).containsExactly(
                "MONGO_URI @ k8s/list.yaml:7 (credentials)", "shop-uploads @ k8s/list.yaml:11 (UPLOADS_BUCKET)");
        // JSON style, on one line and on several; a quoted kind; a tagged kind
        assertThat(found(scan("k8s/secret.json.yaml",
                "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"stringData\": {\"DATABASE_URL\": \"postgres://u:jsonpw@db.internal/app\"}}\n")))
                .containsExactly("DATABASE_URL @ k8s/secret.json.yaml:1 (credentials)");
        assertThat(found(scan("k8s/secret3.yaml", String.join("\n",
                "{",
                "  \"stringData\": {",
                "    \"DATABASE_URL\": \"postgres://db.internal/private\"",
                "  },",
                "  \"kind\": \"Secret\"",
                "}")))).containsExactly("DATABASE_URL @ k8s/secret3.yaml:3 (credentials)");
        assertThat(found(scan("k8s/secret4.yaml", "kind: !!str 'Secret'\nstringData:\n  REDIS_URL: redis://cache.internal:6379\n")))
                .containsExactly("REDIS_URL @ k8s/secret4.yaml:3 (credentials)");
        // the block-scalar value of a Secret, to its last line
        assertThat(found(scan("k8s/secret5.yaml", String.join("\n",
                "kind: Secret",
                "stringData:",
                "  app.env: |",
                "    DATABASE_URL=postgres://db.internal/blockpw",
                "    BUCKET=s3://private-bucket",
                "---",
                "kind: ConfigMap",
                "data:",
                "  ASSETS_BUCKET: shop-assets")))).containsExactly("shop-assets @ k8s/secret5.yaml:9 (ASSETS_BUCKET)");
    }

    @Test
    void aSecretThatDoesNotParseIsSkippedByItsKindLineAnywhereInTheDocument() {
        CoverageScanner s = scan("k8s/templated.yaml", String.join("\n",
                "apiVersion: v1",
                "stringData:",
                "  DATABASE_URL: postgres://u:tplpw@db.internal/{{ .Values.db }}",
                "  OTHER: s3://private-bucket-x",
                "\tbad: [indentation",
                "kind: \"Secret\"",
                "---",
                "apiVersion: v1",
                "kind: ConfigMap",
                "data:",
                "  ASSETS_BUCKET: shop-assets"));
        // OTHER matches no Secret-key rule: not reported, and its value is not read either
        assertThat(found(s)).containsExactly("DATABASE_URL @ k8s/templated.yaml:3 (credentials)",
                "shop-assets @ k8s/templated.yaml:11 (ASSETS_BUCKET)");
        assertThat(Json.writeString(s.services())).doesNotContain("private-bucket-x", "db.internal");
    }

    @Test
    void theManifestsOfAConfigMapValueAreScannedTheSameWay() {
        ObjectNode cm = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("namespace", "shop").put("name", "manifests");
        cm.putObject("data").put("bundle.yaml", "apiVersion: v1\nstringData:\n  DATABASE_URL: postgres://u:cmpw@db.internal/app\nkind: Secret\n");
        CoverageScanner s = new CoverageScanner();
        s.scanObjects(List.<JsonNode>of(cm));
        assertThat(found(s)).containsExactly("DATABASE_URL @ ConfigMap shop/manifests data.bundle.yaml:3 (credentials)");
    }

    @Test
    void namesAndPlacesFromGitAreRecordedPrintable() {
        CoverageScanner s = scan("evil\u001b]0;x\u0007.env", "DATABASE_URL=postgres://h/db\u001b[2J\n");
        assertThat(s.services()).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("postgres://h/db?[2J");
            assertThat(x.foundIn()).isEqualTo("evil?]0;x?.env:1 (DATABASE_URL)");
        });
    }

    @ParameterizedTest(name = "{0} KB")
    @ValueSource(ints = {300, 1024})
    void aLongSingleLineValueOfDistinctUrisIsScannedInBoundedTime(int kb) {
        // (review) 300 KB took 15.5 s, 1 MB 356 s: every hit compared with all earlier ones, no line cap
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < kb * 1024; i++) {
            sb.append("s3://b").append(i).append("x ");
        }
        ObjectNode cm = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("namespace", "app").put("name", "big");
        cm.putObject("data").put("config", sb.toString());
        ObjectNode deploy = (ObjectNode) Json.mapper().createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
        deploy.putObject("metadata").put("namespace", "app").put("name", "w");
        deploy.putObject("spec").putObject("template").putObject("spec").putArray("containers").addObject().put("name", "w")
                .putArray("env").addObject().put("name", "LAKES").put("value", sb.toString());
        CoverageScanner s = new CoverageScanner();
        assertTimeoutPreemptively(HANG_GUARD, () -> s.scanObjects(List.<JsonNode>of(cm, deploy)));
        assertThat(s.services()).hasSizeBetween(1, Findings.MAX_SERVICES);
        assertThat(s.notes()).anyMatch(n -> n.startsWith("scanned the first 8192 characters only of the single-line value ConfigMap app/big data.config"));
        assertThat(StorageRules.defaults().values(sb.substring(0, 8192))).hasSizeLessThanOrEqualTo(StorageRules.MAX_HITS);
    }

    @Test
    void terraformAttributesWithLongRunsOfSpacesAreLinear() {
        // (review) one `bucket = x<8000 spaces>y` line took 3.6 s (lazy (.+?)\s*$); 40 of them over two minutes
        String line = "  bucket = x" + " ".repeat(8000) + "y";
        StringBuilder tf = new StringBuilder("resource \"aws_s3_bucket\" \"b\" {\n");
        for (int i = 0; i < 40; i++) {
            tf.append(line).append('\n');
        }
        tf.append("}\n");
        CoverageScanner s = new CoverageScanner();
        assertTimeoutPreemptively(HANG_GUARD, () -> s.scanFile("main.tf", tf.toString().getBytes(StandardCharsets.UTF_8), true));
        // the attribute's text as written (cut to 200 characters), then the block
        assertThat(s.services()).extracting(CoverageSection.Service::name).containsExactly("x" + " ".repeat(199) + " (aws_s3_bucket.b)");
    }

    @Test
    void yamlValuesEndingInALineSeparatorCharacterAreLinear() {
        // `(.*)$` without DOTALL stops at NEL/LS and backtracks over the spaces before it: quadratic per line
        String line = "KEY: " + " ".repeat(8000) + "\u0085x";
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            yaml.append(line).append('\n');
        }
        CoverageScanner s = new CoverageScanner();
        assertTimeoutPreemptively(HANG_GUARD, () -> s.scanFile("values.yaml", yaml.toString().getBytes(StandardCharsets.UTF_8), false));
        assertThat(s.services()).isEmpty();
    }
}
