package org.phonepass.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class EmbeddedAuditLogTest extends AuditLogChecks {
    @Override
    protected SqlStorage storage() {
        return EmbeddedDatabase.get();
    }

    @Override
    protected SqlStorage disposableStorage() {
        try {
            var dir = Files.createTempDirectory("phonepass-audit-test");
            dir.toFile().deleteOnExit();
            return SqlStorage.embedded(dir.resolve("audit.db"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
