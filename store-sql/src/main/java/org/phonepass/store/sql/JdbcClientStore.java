package org.phonepass.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.client.ClientStore;

/** Clients in SQL; every change raises the {@code clients} row of {@code config_versions} in its transaction. */
public final class JdbcClientStore implements ClientStore {
    private static final String COLUMNS = "client_id, source, definition, secret_hash, created_at, updated_at";
    static final String VERSION_NAME = "clients";

    private final Jdbc jdbc;

    JdbcClientStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public List<Row> all() {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps =
                            Jdbc.prepare(c, "SELECT " + COLUMNS + " FROM clients ORDER BY created_at, " + "client_id");
                    ResultSet rs = ps.executeQuery()) {
                List<Row> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Row> find(String clientId) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps =
                            Jdbc.prepare(c, "SELECT " + COLUMNS + " FROM clients WHERE client_id = ?", clientId);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public boolean insert(Row row) {
        return jdbc.inTransaction(c -> {
            int n = Jdbc.update(
                    c,
                    "INSERT INTO clients (" + COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING",
                    row.clientId(),
                    row.source().name(),
                    row.definition(),
                    row.secretHash(),
                    row.createdAt().toEpochMilli(),
                    row.updatedAt().toEpochMilli());
            if (n > 0) {
                bump(c, VERSION_NAME);
            }
            return n > 0;
        });
    }

    @Override
    public boolean update(Row row) {
        return jdbc.inTransaction(c -> {
            int n = Jdbc.update(
                    c,
                    "UPDATE clients SET source = ?, definition = ?, secret_hash = ?, updated_at = ? WHERE client_id = ?",
                    row.source().name(),
                    row.definition(),
                    row.secretHash(),
                    row.updatedAt().toEpochMilli(),
                    row.clientId());
            if (n > 0) {
                bump(c, VERSION_NAME);
            }
            return n > 0;
        });
    }

    @Override
    public boolean delete(String clientId) {
        return jdbc.inTransaction(c -> {
            int n = Jdbc.update(c, "DELETE FROM clients WHERE client_id = ?", clientId);
            if (n > 0) {
                bump(c, VERSION_NAME);
            }
            return n > 0;
        });
    }

    @Override
    public void replaceSettingsClients(List<Row> rows) {
        jdbc.inTransaction(c -> {
            Set<String> keep = new HashSet<>();
            for (Row row : rows) {
                keep.add(row.clientId());
                // One upsert, not an update then an insert: nodes that start together from the same settings file
                // all seed the same clients, and the second insert of a client id would fail its start-up.
                Jdbc.update(
                        c,
                        "INSERT INTO clients (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) "
                                + "DO UPDATE SET source = excluded.source, definition = excluded.definition, "
                                + "secret_hash = excluded.secret_hash, updated_at = excluded.updated_at",
                        row.clientId(),
                        row.source().name(),
                        row.definition(),
                        row.secretHash(),
                        row.createdAt().toEpochMilli(),
                        row.updatedAt().toEpochMilli());
            }
            List<String> stale = new ArrayList<>();
            try (PreparedStatement ps =
                            Jdbc.prepare(c, "SELECT client_id FROM clients WHERE source = ?", Source.SETTINGS.name());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!keep.contains(rs.getString(1))) {
                        stale.add(rs.getString(1));
                    }
                }
            }
            for (String id : stale) {
                Jdbc.update(c, "DELETE FROM clients WHERE client_id = ?", id);
            }
            bump(c, VERSION_NAME);
            return null;
        });
    }

    @Override
    public long version() {
        return version(jdbc, VERSION_NAME);
    }

    static long version(Jdbc jdbc, String name) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(c, "SELECT version FROM config_versions WHERE name = ?", name);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    static void bump(Connection c, String name) throws SQLException {
        Jdbc.update(c, "UPDATE config_versions SET version = version + 1 WHERE name = ?", name);
    }

    private static Row map(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString(1),
                Source.valueOf(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)),
                Instant.ofEpochMilli(rs.getLong(6)));
    }
}
