package dev.layercake.jenkins;

import dev.layercake.api.request.Durations;
import dev.layercake.api.request.FreezeRequest;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.FreezeResult;
import dev.layercake.api.result.FrozenRelease;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.Manifest;
import hudson.model.TaskListener;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Freezes one stored release, from the agent (which reaches the store with the step's credentials): the engine's
 * freeze, which also tags the release's backup-registry image copies when {@code tagImages} is set.
 */
final class FreezeCallable extends AgentCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final FreezeReleaseStep step;

    FreezeCallable(FreezeReleaseStep step, StoreTarget store, AgentSecrets secrets, Map<String, String> env,
                   String tempDir, TaskListener listener) {
        super(store, secrets, env, tempDir, listener);
        this.step = step;
    }

    @Override
    LinkedHashMap<String, Object> run(File workspace) throws IOException {
        StoreLocation location = store.toLocation(workspace);
        FreezeRequest request = new FreezeRequest(location, step.getApp(), step.getRelease(),
                Durations.parseDate("--retain-until", step.getRetainUntil()), step.isLegalHold(), step.isTagImages(),
                step.insecureRegistries());
        try (AgentWorkspace agent = prepare(secrets, registryHosts(location, workspace))) {
            FrozenRelease frozen = agent.layercake().freeze(request, progress());
            FreezeResult r = frozen.freeze();
            ArrayList<String> tags = new ArrayList<>();
            frozen.imageTags().forEach(t -> tags.add(t.image() + ":" + t.tag() + "@" + t.digest()));
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("app", r.app());
            m.put("release", r.release());
            m.put("manifestDigest", r.manifestDigest());
            m.put("method", r.method());
            m.put("retainUntil", r.retainUntil());
            m.put("legalHold", r.legalHold());
            m.put("objectsFrozen", r.objectsFrozen());
            m.put("alreadyFrozen", r.alreadyFrozen());
            m.put("imageTags", tags);
            return m;
        }
    }

    /**
     * The registries the registry login is for: those the release's image copies are on, known only from its
     * manifest (read with the store's credentials alone). None when nothing is tagged or there is no login.
     */
    private List<String> registryHosts(StoreLocation location, File workspace) throws IOException {
        if (!step.isTagImages() || !secrets.hasRegistry()) {
            return List.of();
        }
        AgentSecrets storeOnly = secrets.storeOnly();
        try (AgentWorkspace agent = prepare(storeOnly, List.of())) {
            Manifest manifest = agent.layercake().show(location, step.getApp(), step.getRelease()).manifest();
            List<String> copies = new ArrayList<>();
            manifest.images().forEach(i -> i.copies().stream().filter(c -> ImageCopy.REGISTRY.equals(c.type()))
                    .forEach(c -> copies.add(c.location())));
            return new ArrayList<>(AgentWorkspace.registryHosts(copies, List.of()));
        }
    }
}
