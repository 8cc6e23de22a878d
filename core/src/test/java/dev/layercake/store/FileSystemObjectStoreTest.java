package dev.layercake.store;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class FileSystemObjectStoreTest extends ObjectStoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore newStore() {
        return new FileSystemObjectStore(dir.resolve("store"));
    }

    @Override
    protected int largeSize() {
        return 11 * 1024 * 1024;
    }
}
