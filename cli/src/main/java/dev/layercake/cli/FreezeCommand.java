package dev.layercake.cli;

import dev.layercake.api.request.Durations;
import dev.layercake.api.request.FreezeRequest;
import dev.layercake.api.result.FrozenRelease;
import dev.layercake.api.result.ImageTag;

import dev.layercake.LayercakeException;
import dev.layercake.api.result.FreezeResult;
import dev.layercake.model.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code layercake freeze}: make a release unchangeable (S3 Object Lock, or read-only files). */
@Command(name = "freeze", description = {
        "Freeze a release: S3 Object Lock (retention and/or legal hold) on its manifest and every object it names,"
                + " or read-only files in a folder store. Frozen releases are never pruned.",
        "S3 needs a bucket created with Object Lock; without it the command says so and changes nothing.",
        "With --tag-images, each copy of the release's images in the backup registry also gets the release id as a tag"
                + " naming the recorded digest; an existing tag naming another digest is never moved (the command fails)."})
final class FreezeCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--retain-until", paramLabel = "DATE", description = "Keep until this date (YYYY-MM-DD or ISO instant); S3 COMPLIANCE retention.")
    String retainUntil;

    @Option(names = "--tag-images", description = "Also tag the release's backup-registry image copies with the release id.")
    boolean tagImages;

    @Option(names = "--legal-hold", description = "Apply an S3 legal hold (no end date; lifted only by someone allowed to).")
    boolean legalHold;

    @Override
    public Integer call() {
        {
            FrozenRelease frozen = layercake().freeze(new FreezeRequest(store.location(), app, release,
                    Durations.parseDate("--retain-until", retainUntil), legalHold, tagImages, registries.insecureRegistries), progress());
            FreezeResult r = frozen.freeze();
            List<ImageTag> tags = frozen.imageTags();
            if (common.json) {
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = new LinkedHashMap<>(Json.mapper().convertValue(r, Map.class));
                doc.put("imageTags", tags);
                printJson(doc);
                return 0;
            }
            tags.forEach(t -> out().printf("  image tag %s:%s -> %s%s%n", t.image(), t.tag(), t.digest(), t.alreadyTagged() ? " (already)" : ""));
            out().printf("release %s/%s %sfrozen (%s%s%s): %d object(s), manifest %s%n", app, release,
                    r.alreadyFrozen() ? "already " : "", r.method(),
                    r.retainUntil() == null ? "" : ", retained until " + r.retainUntil(), r.legalHold() ? ", legal hold" : "",
                    r.objectsFrozen(), r.manifestDigest());
            out().flush();
            return 0;
        }
    }
}
