package org.phonepass.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** Embedded databases for this test JVM, in a temporary folder. */
final class EmbeddedDatabase {
    private static final Map<String, SqlStorage> OPEN = new HashMap<>();

    private EmbeddedDatabase() {}

    /** The database most tests share; their rows never collide (random ids and phones). */
    static SqlStorage get() {
        return get("shared");
    }

    /** A database of its own, for tests that must not see rows other tests leave (e.g. unencrypted keys). */
    static synchronized SqlStorage get(String purpose) {
        return OPEN.computeIfAbsent(purpose, p -> {
            try {
                var dir = Files.createTempDirectory("phonepass-store-test");
                dir.toFile().deleteOnExit();
                return SqlStorage.embedded(dir.resolve("phonepass-" + p + ".db"), true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
