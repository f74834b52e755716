package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The SMS connection's options as changed through the management API (docs/management.md#the-sms-connection): one
 * JSON document per connection, over the settings file's values, with a version every node watches.
 */
public final class JdbcConnectionSettings {
    static final String VERSION_NAME = "connection";
    private final Jdbc jdbc;

    JdbcConnectionSettings(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    /** The stored options of the connection, as JSON text, or empty when none were ever changed. */
    public Optional<String> options(String name) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps =
                            Jdbc.prepare(c, "SELECT options FROM connection_settings WHERE name = ?", name);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    /** Stores the options and raises the version, in one transaction. */
    public void save(String name, String options, Instant now) {
        jdbc.inTransaction(c -> {
            Jdbc.update(
                    c,
                    "INSERT INTO connection_settings (name, options, updated_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (name) DO UPDATE SET options = excluded.options, "
                            + "updated_at = excluded.updated_at",
                    name,
                    options,
                    now.toEpochMilli());
            JdbcClientStore.bump(c, VERSION_NAME);
            return null;
        });
    }

    public long version() {
        return JdbcClientStore.version(jdbc, VERSION_NAME);
    }
}
