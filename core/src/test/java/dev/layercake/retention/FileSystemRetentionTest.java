package dev.layercake.retention;

import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreLocation;

import java.util.Map;

class FileSystemRetentionTest extends RetentionContractTest {

    @Override
    protected StoreLocation location(String name) {
        return StoreLocation.parse(tmp.resolve("store-" + name).toString());
    }

    @Override
    protected Map<String, String> env() {
        return Map.of();
    }

    @Override
    protected ReleaseStore open(StoreLocation location) {
        return ReleaseStore.open(location, Map.of());
    }

    @Override
    protected void settle() throws InterruptedException {
        Thread.sleep(10);
    }

    @Override
    protected int stressRounds() {
        return 40;
    }
}
