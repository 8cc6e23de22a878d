package dev.layercake.jenkins;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.testing.PodmanImages;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.testing.S3ProxyFixture;
import hudson.model.Label;
import hudson.slaves.DumbSlave;
import jenkins.security.MasterToSlaveCallable;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steps against the engine's remote stores and registries, on an agent (a separate JVM that gets the engine,
 * the AWS SDK and fabric8 over remoting): S3 through an AWS credential ({@code resolveCredentials()}), the
 * first-run cost of loading the engine there, service loading through the remoting class loader, and an image
 * copied from a step with registry credentials.
 */
@WithJenkins
class RemoteStoresStepTest {

    private static final Logger LOGGER = Logger.getLogger(RemoteStoresStepTest.class.getName());

    private static final String MAKE_REPO = """
            sh '''
              git init -q -b main .
              git config user.email ci@example.com
              git config user.name CI
              printf 'FROM scratch\\\\n' > Dockerfile
              git add -A
              git commit -q --allow-empty -m release
            '''
            """;

    private JenkinsRule j;
    private S3ProxyFixture s3;
    private DumbSlave agent;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        GitOnPath.require();
        j = rule;
        s3 = S3ProxyFixture.start();
        s3.createBucket("releases");
        CredentialsProvider.lookupStores(j.jenkins).iterator().next().addCredentials(Domain.global(),
                new AWSCredentialsImpl(CredentialsScope.GLOBAL, "s3", S3ProxyFixture.ACCESS_KEY,
                        S3ProxyFixture.SECRET_KEY, "s3proxy"));
        agent = j.createOnlineSlave(Label.get("remote"));
    }

    @AfterEach
    void tearDown() {
        if (s3 != null) {
            s3.close();
        }
    }

    private String s3Step(String app, String release, String extra) {
        return "backupApp app: '%s',%s store: 's3://releases/layercake', s3Endpoint: '%s', s3Region: '%s', s3PathStyle: true, credentialsId: 's3'%s"
                .formatted(app, release == null ? "" : " release: '" + release + "',", s3.endpoint(), S3ProxyFixture.REGION, extra);
    }

    @Test
    void aStepOnAnAgentBacksUpToS3WithAwsCredentialsAndTheFirstRunCostIsLogged() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("node('remote') {\n" + MAKE_REPO + "\n"
                + s3Step("shop", null, ", imageMode: 'none'")
                + "\n}", true));

        // The first step on a fresh agent loads the engine, the AWS SDK and fabric8 over the channel; the second
        // build finds them in the agent's class loader. The difference is the first-run cost.
        WorkflowRun first = j.buildAndAssertSuccess(job);
        WorkflowRun second = j.buildAndAssertSuccess(job);
        String message = "S3 backup on a fresh agent: first build " + first.getDuration() + " ms, second build "
                + second.getDuration() + " ms";
        LOGGER.info(message);
        System.out.println("[layercake] first-run cost on an agent: " + message);

        String log = JenkinsRule.getLog(first);
        assertTrue(log.contains(agent.getWorkspaceFor(job).getRemote()), "ran on the agent");
        assertFalse(log.contains(S3ProxyFixture.SECRET_KEY), "the AWS secret is never printed");
        List<String> keys = s3.objects("releases");
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("layercake/releases/shop/shop-1/manifest.json ")), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("layercake/releases/shop/shop-2/manifest.json ")), keys.toString());
        try (ReleaseStore store = ReleaseStore.open(s3.location("releases", "layercake"), s3.env())) {
            Manifest manifest = store.readManifest("shop", "shop-1");
            assertEquals("shop", manifest.app());
            assertEquals("1", manifest.build().number());
        }
        assertEquals("shop-1", first.getAction(ReleaseAction.class).getRelease());
    }

    @Test
    void serviceLoadingWorksThroughTheRemotingClassLoader() throws Exception {
        // Make the agent load the engine first, as a step does.
        WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
        job.setDefinition(new CpsFlowDefinition("node('remote') {\n" + MAKE_REPO + "\n"
                + s3Step("shop", "r1", ", imageMode: 'none'") + "\n}", true));
        j.buildAndAssertSuccess(job);

        List<String> found = agent.getChannel().call(new ServiceLoading(s3.endpoint()));

        assertTrue(found.stream().anyMatch(s -> s.startsWith("sdk-http-service:")), found.toString());
        assertTrue(found.stream().anyMatch(s -> s.startsWith("s3-listed:")), found.toString());
        assertTrue(found.stream().anyMatch(s -> s.startsWith("fabric8-http-factory:")), found.toString());
        assertTrue(found.contains("fabric8-client:built"), found.toString());
    }

    @Test
    void anImageIsCopiedFromAStepWithRegistryCredentials() throws Exception {
        PodmanImages podman = PodmanImages.create();
        try (RegistryFixture source = RegistryFixture.startWithAuth(); RegistryFixture target = RegistryFixture.startWithAuth()) {
            podman.build("localhost/shop-web:1", "scratch", null, PodmanImages.files("shop", 4096, "app.bin"));
            podman.push("localhost/shop-web:1", source.host() + "/shop/web:1", RegistryFixture.USER, RegistryFixture.PASSWORD);
            CredentialsProvider.lookupStores(j.jenkins).iterator().next().addCredentials(Domain.global(),
                    new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "registry", "test registries",
                            RegistryFixture.USER, RegistryFixture.PASSWORD));
            WorkflowJob job = j.createProject(WorkflowJob.class, "shop");
            job.setDefinition(new CpsFlowDefinition("node('remote') {\n" + MAKE_REPO + "\n" + s3Step("shop", "r1",
                    ", images: ['%s/shop/web:1'], imageMode: 'copy', imageTarget: '%s/backup', insecureRegistry: ['%s', '%s'], registryCredentialsId: 'registry'"
                            .formatted(source.host(), target.host(), source.host(), target.host())) + "\n}", true));

            WorkflowRun run = j.buildAndAssertSuccess(job);

            j.assertLogNotContains(RegistryFixture.PASSWORD, run);
            assertEquals(1, run.getAction(ReleaseAction.class).getImages());
            try (ReleaseStore store = ReleaseStore.open(s3.location("releases", "layercake"), s3.env())) {
                List<ImageEntry> images = store.readManifest("shop", "r1").images();
                assertEquals(1, images.size(), images.toString());
                ImageEntry image = images.get(0);
                assertTrue(image.ref().startsWith(source.host() + "/shop/web:1"), image.ref());
                assertFalse(image.copies().isEmpty(), "copied to the image target");
                assertTrue(image.copies().get(0).location().startsWith(target.host() + "/backup"), image.copies().toString());
            }
        }
    }

    /**
     * On the agent: what {@link ServiceLoader} finds through the remoting class loader (the class loader that
     * defined the SDK's and fabric8's classes there), and whether the SDK and fabric8 pick an HTTP client on their
     * own, as the engine lets them.
     */
    static final class ServiceLoading extends MasterToSlaveCallable<List<String>, Exception> {

        private static final long serialVersionUID = 1L;
        private final String endpoint;

        ServiceLoading(String endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public List<String> call() throws Exception {
            List<String> found = new ArrayList<>();
            ClassLoader sdk = software.amazon.awssdk.http.SdkHttpService.class.getClassLoader();
            for (software.amazon.awssdk.http.SdkHttpService s : ServiceLoader.load(software.amazon.awssdk.http.SdkHttpService.class, sdk)) {
                found.add("sdk-http-service:" + s.getClass().getName());
            }
            // No httpClient given: the SDK discovers one, as the engine's S3 store does.
            try (S3Client client = S3Client.builder()
                    .endpointOverride(URI.create(endpoint))
                    .region(Region.of(S3ProxyFixture.REGION))
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY)))
                    .build()) {
                found.add("s3-listed:" + client.listBuckets().buckets().size());
            }
            ClassLoader fabric8 = io.fabric8.kubernetes.client.http.HttpClient.Factory.class.getClassLoader();
            for (io.fabric8.kubernetes.client.http.HttpClient.Factory f
                    : ServiceLoader.load(io.fabric8.kubernetes.client.http.HttpClient.Factory.class, fabric8)) {
                found.add("fabric8-http-factory:" + f.getClass().getName());
            }
            try (io.fabric8.kubernetes.client.KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                    .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:9").build())
                    .build()) {
                found.add("fabric8-client:built");
            }
            return found;
        }
    }
}
