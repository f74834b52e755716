package org.phonepass.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** One embedded database per test JVM, in a temporary folder. */
final class EmbeddedDatabase {
    private static SqlStorage storage;

    private EmbeddedDatabase() {
    }

    static synchronized SqlStorage get() {
        if (storage == null) {
            try {
                var dir = Files.createTempDirectory("phonepass-store-test");
                dir.toFile().deleteOnExit();
                storage = SqlStorage.embedded(dir.resolve("phonepass.db"), true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return storage;
    }
}
