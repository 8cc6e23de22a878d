package dev.layercake.jenkins;

import dev.layercake.LayercakeException;
import dev.layercake.api.result.FreezeResult;
import dev.layercake.freeze.ReleaseFreezer;
import dev.layercake.images.ReleaseTagger;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Freezes one stored release, from the agent (which reaches the store with the step's credentials). */
final class FreezeCallable extends MasterToSlaveFileCallable<LinkedHashMap<String, Object>> {

    private static final long serialVersionUID = 1L;

    private final FreezeReleaseStep step;
    private final StoreTarget store;
    private final AgentSecrets secrets;
    private final Map<String, String> env;
    private final String tempDir;
    private final TaskListener listener;

    FreezeCallable(FreezeReleaseStep step, StoreTarget store, AgentSecrets secrets, Map<String, String> env,
                   String tempDir, TaskListener listener) {
        this.step = step;
        this.store = store;
        this.secrets = secrets;
        this.env = env;
        this.tempDir = tempDir;
        this.listener = listener;
    }

    @Override
    public LinkedHashMap<String, Object> invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        try (AgentWorkspace agent = AgentWorkspace.prepare(new File(tempDir), env, secrets, List.of());
             ReleaseStore releases = ReleaseStore.open(store.toLocation(workspace), agent.env())) {
            FreezeResult r = ReleaseFreezer.freeze(releases, step.getApp(), step.getRelease(),
                    ReleaseFreezer.parseRetainUntil(step.getRetainUntil()), step.isLegalHold(),
                    new TaskListenerProgress(listener));
            ArrayList<String> tags = new ArrayList<>();
            if (step.isTagImages()) {
                Manifest manifest = releases.readManifest(step.getApp(), step.getRelease());
                // The registry login is written for the hosts the release's copies are on, known only now.
                List<String> copies = new ArrayList<>();
                manifest.images().forEach(i -> i.copies().stream().filter(c -> ImageCopy.REGISTRY.equals(c.type()))
                        .forEach(c -> copies.add(c.location())));
                List<String> insecure = step.getInsecureRegistry() == null ? List.of() : step.getInsecureRegistry();
                try (AgentWorkspace registry = AgentWorkspace.prepare(new File(tempDir), env, secrets,
                        AgentWorkspace.registryHosts(copies, List.of()))) {
                    ReleaseTagger.create(registry.env(), insecure).tag(manifest, new TaskListenerProgress(listener))
                            .forEach(t -> tags.add(t.image() + ":" + t.tag() + "@" + t.digest()));
                } catch (LayercakeException e) {
                    throw ReleaseTagger.afterFreeze(step.getApp(), step.getRelease(), e);
                }
            }
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
        } catch (RuntimeException e) {
            throw AgentFailures.toTransferable(e);
        }
    }
}
