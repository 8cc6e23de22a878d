package dev.layercake.pipeline;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.capture.BackupContext;
import dev.layercake.capture.BackupStep;
import dev.layercake.kube.KubeConnection;
import dev.layercake.model.BlobRef;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.PipelineSection;
import dev.layercake.store.ReleaseStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores what only the CI system knows of the pipeline: the files given with {@code --pipeline-file} (the
 * Jenkins plugin passes the job's config.xml, as Jenkins stores it, and a description of Jenkins and its
 * plugins this way) and, in a Tekton run (TEKTON_PIPELINE_RUN and TEKTON_NAMESPACE set by the Task), the live
 * PipelineRun, its Pipeline and Tasks, read with the Task's ServiceAccount. A Tekton read that fails is a
 * warning; a --pipeline-file that cannot be read fails the backup (it was checked before anything was written).
 */
public final class PipelineStep implements BackupStep {

    public static final String MEDIA_TYPE_FILE = "application/octet-stream";
    public static final String MEDIA_TYPE_OBJECT = "application/vnd.kubernetes.object+json";

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public void run(BackupContext context) {
        List<PipelineSection.PipelineFile> files = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        ReleaseStore store = context.store();
        for (PipelineFiles.Checked c : PipelineFiles.check(context.request().pipelineFiles())) {
            names.add(c.name().toLowerCase(java.util.Locale.ROOT));
            try (InputStream in = Files.newInputStream(c.path())) {
                BlobRef blob = store.putStream(new BoundedInputStream(in, PipelineFiles.MAX_BYTES, c.path().toString()), MEDIA_TYPE_FILE);
                files.add(new PipelineSection.PipelineFile(c.name(), kind(c.name()), "--pipeline-file " + c.path().getFileName(),
                        blob.digest(), blob.size(), MEDIA_TYPE_FILE));
            } catch (IOException e) {
                throw LayercakeException.usage("--pipeline-file " + c.path() + " cannot be read: " + e.getMessage());
            }
        }
        BuildInfo build = context.build();
        Access access = context.access();
        String run = blankToNull(access.environment().get("TEKTON_PIPELINE_RUN"));
        String ns = blankToNull(access.environment().get("TEKTON_NAMESPACE"));
        if (build != null && BuildInfo.TEKTON.equals(build.system()) && run != null) {
            if (ns == null) {
                warnings.add("PipelineRun " + run + " not read: TEKTON_NAMESPACE is not set (the Task sets it from metadata.namespace)");
            } else {
                try (KubeConnection connection = KubeConnection.open(null, null, access)) {
                    TektonPipeline.Result r = TektonPipeline.read(connection.client(), ns, run);
                    for (TektonPipeline.Read o : r.objects()) {
                        BlobRef blob = store.putBytes(o.json(), MEDIA_TYPE_OBJECT);
                        String name = PipelineFiles.unique(PipelineFiles.safeName("tekton-" + o.kind() + "-" + o.name() + ".json"), names);
                        files.add(new PipelineSection.PipelineFile(name, "tekton " + o.kind(), "tekton " + o.kind() + " "
                                + o.namespace() + "/" + o.name(), blob.digest(), blob.size(), MEDIA_TYPE_OBJECT));
                    }
                    warnings.addAll(r.warnings());
                } catch (LayercakeException | io.fabric8.kubernetes.client.KubernetesClientException e) {
                    warnings.add("PipelineRun " + ns + "/" + run + " not read: " + e.getMessage());
                }
            }
        }
        warnings.forEach(w -> context.listener().warn("pipeline: " + w));
        if (!files.isEmpty() || !warnings.isEmpty()) {
            context.pipeline(new PipelineSection(build == null ? null : build.system(), files, warnings));
            context.listener().info("pipeline: " + files.size() + " file(s) stored");
        }
    }

    private static String kind(String name) {
        if (name.equals("config.xml")) {
            return "jenkins job config.xml";
        }
        if (name.startsWith("jenkins") && name.endsWith(".json")) {
            return "jenkins description";
        }
        return "file";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Fails instead of reading past the limit (a file that grew after it was checked). */
    static final class BoundedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private final String what;
        private long count;

        BoundedInputStream(InputStream in, long limit, String what) {
            super(in);
            this.limit = limit;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > limit) {
                throw new IOException(what + " is over " + limit + " bytes");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (count += n) > limit) {
                throw new IOException(what + " is over " + limit + " bytes");
            }
            return n;
        }
    }
}
