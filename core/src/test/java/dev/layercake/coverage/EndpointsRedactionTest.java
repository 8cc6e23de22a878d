package dev.layercake.coverage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security review 2026-12-07, finding 2: every URL form the review showed (and their neighbours) keeps its scheme,
 * host and database/bucket and loses the password. On the code before, the rows marked (review) came out unchanged
 * or with part of the password.
 */
class EndpointsRedactionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // (review) password with '/': the pattern stopped at '/', the whole URL was recorded
            "s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@my-bucket/backups|s3://my-bucket/backups|wJalrXUtnFEMI K7MDENG bPxRfiCYEXAMPLEKEY AKIAIOSFODNN7EXAMPLE",
            "postgres://app:ab/cd@db/app|postgres://db/app|ab/cd cd@",
            "redis://:pa/ss@cache:6379|redis://cache:6379|pa/ss ss@",
            // (review) parameters that were missing from the list
            "jdbc:postgresql://db/app?user=app&sslpassword=keypass&password=p|jdbc:postgresql://db/app?user=app|keypass password",
            "s3://bucket/x?aws_access_key_id=AKIAEXAMPLE&aws_secret_access_key=wJalrSECRET|s3://bucket/x|wJalrSECRET AKIAEXAMPLE",
            "mongodb+srv://u:mpass@cluster0.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:FQoGZXIvYXdz|mongodb+srv://cluster0.example.net/?authMechanism=MONGODB-AWS|mpass FQoGZXIvYXdz",
            // (review) DB2: ':' separates the properties
            "jdbc:db2://db:50000/APP:user=app;password=hunter2;|jdbc:db2://db:50000/APP:user=app|hunter2",
            "jdbc:db2://db:50000/APP:password=hunter2;user=app|jdbc:db2://db:50000/APP:user=app|hunter2",
            // (review) no scheme but an '@'
            "app:s3cret@db.internal:5432/app|db.internal:5432/app|s3cret",
            "app:s3cret@db.internal|db.internal|s3cret",
            // (review) SQL Server braces
            "jdbc:sqlserver://db;user=app;password={pa;ss}|jdbc:sqlserver://db;user=app|pa;ss ss}",
            "jdbc:sqlserver://db;password={pa}};ss};databaseName=shop|jdbc:sqlserver://db;databaseName=shop|pa}} ss}",
            // the plain forms, and neighbours
            "postgres://app:s3cret@db:5432/app|postgres://db:5432/app|s3cret",
            "postgres://app:p@ss:w0rd@db/app|postgres://db/app|p@ss ss:w0rd w0rd",
            "mysql://root:pass?word#x@db/shop|mysql://db/shop|pass word",
            "redis://:redispass@cache:6379|redis://cache:6379|redispass",
            "https://ghp_token0123456789@git.example.com/x.git|https://git.example.com/x.git|ghp_token0123456789",
            "amqp://guest:guestpw@rabbit:5672/|amqp://rabbit:5672/|guestpw",
            "mongodb://u:pw0@h1:27017,h2:27017/db?replicaSet=rs0|mongodb://h1:27017,h2:27017/db?replicaSet=rs0|pw0",
            "postgres://db/app?password=a&b&sslmode=require|postgres://db/app?sslmode=require|a&b",
            "postgres://shop:s3cr3t@db:5432/shop?sslmode=require&password=x2|postgres://db:5432/shop?sslmode=require|s3cr3t x2",
            "jdbc:mysql://db/shop?user=a&password=hunter2|jdbc:mysql://db/shop?user=a|hunter2",
            "jdbc:oracle:thin:scott/tiger@db:1521:orcl|jdbc:oracle:thin:@db:1521:orcl|tiger scott/",
            "jdbc:oracle:thin:scott/ti@ger@//db:1521/svc|jdbc:oracle:thin:@//db:1521/svc|tiger ger@",
            "https://x.blob.core.windows.net/c?sv=2024-01-01&sig=abcSIG%3D|https://x.blob.core.windows.net/c?sv=2024-01-01|abcSIG",
            "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIAX%2F20261207&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FwoGtok|https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4|AKIAX deadbeef FwoGtok",
            "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=abcKEY==;EndpointSuffix=core.windows.net|DefaultEndpointsProtocol=https;AccountName=shop;EndpointSuffix=core.windows.net|abcKEY",
            "redis://cache:6379?password=onlyparam|redis://cache:6379|onlyparam",
            "https://api.example.com/v1?token=tok123&auth=au456&apikey=k789&page=2|https://api.example.com/v1?page=2|tok123 au456 k789"})
    void passwordsLeaveEveryUrlFormAndTheEndpointStays(String value, String expected, String secrets) {
        String redacted = Endpoints.redact(value);
        assertThat(redacted).isEqualTo(expected);
        for (String secret : secrets.split(" ")) {
            assertThat(redacted).as("no %s", secret).doesNotContain(secret);
        }
    }

    @ParameterizedTest(name = "unchanged: {0}")
    @CsvSource(delimiter = '|', value = {
            "postgres://db:5432/shop?sslmode=require", "s3://shop-assets/images", "redis://redis:6379/0",
            "jdbc:postgresql://db/shop?user=shop&ssl=true", "mongodb://h1:27017,h2:27017/db?authSource=admin",
            "https://host/path?email=someone@example.com", "shop-assets-prod", "${var.name}-db (aws_db_instance.db)",
            "[::1]:5432", "postgres://[fd00::1]:5432/shop"})
    void endpointsWithoutCredentialsAreKept(String value) {
        assertThat(Endpoints.redact(value)).isEqualTo(value);
    }

    @Test
    void aVeryLongPasswordIsRemovedBeforeTheValueIsCut() {
        // (review) the value was cut to 1200 characters BEFORE redaction: the '@' fell past the cut, the password stayed
        String password = "Pw" + "x".repeat(1300);
        String redacted = Endpoints.redact("postgres://app:" + password + "@db/app");
        assertThat(redacted).isEqualTo("postgres://db/app");
        // a value cut upstream before its '@' (a line over the scanner's limit): what looks like a "port" is no port
        assertThat(Endpoints.redact("postgres://app:" + password)).isEqualTo("postgres://app").doesNotContain("Pwx");
        assertThat(Endpoints.redact("mongodb://h1:27017,app:" + password)).isEqualTo("mongodb://h1:27017,app");
        // the result is bounded, after redaction
        assertThat(Endpoints.redact("s3://bucket/" + "k".repeat(5000))).hasSize(303).endsWith("...");
    }

    @Test
    void controlAndBidiCharactersBecomeQuestionMarks() {
        assertThat(Endpoints.redact("https://user:tok@host/x\u001b]0;owned\u0007")).isEqualTo("https://host/x?]0;owned?");
        assertThat(Endpoints.redact("s3://b/\u009b31m\u202eevil\u2066")).isEqualTo("s3://b/?31m?evil?");
        assertThat(Findings.where("evil\u001b]0;x\u0007.env:1")).isEqualTo("evil?]0;x?.env:1");
    }

    @Test
    void secretParameterNamesAreRulesOfTheTable() {
        StorageRules rules = StorageRules.defaults();
        assertThat(rules.rules()).filteredOn(r -> r.match() == StorageRules.Match.PARAM).extracting(StorageRules.Rule::id)
                .contains("param-secret-word", "param-auth");
        for (String name : new String[] {"password", "sslpassword", "PWD", "aws_secret_access_key", "X-Amz-Signature", "sig",
                "AccountKey", "access_token", "X-Goog-Credential", "auth", "authMechanismProperties"}) {
            assertThat(rules.secretParameter(name)).as(name).isTrue();
        }
        for (String name : new String[] {"user", "sslmode", "authSource", "authMechanism", "replicaSet", "databaseName", "sv", "page"}) {
            assertThat(rules.secretParameter(name)).as(name).isFalse();
        }
    }
}
