package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.phonepass.core.token.SigningKeyStore;
import org.phonepass.core.token.StoredKey;

/** Signing keys in SQL, so that every node and every restart uses the same keys. */
public final class JdbcSigningKeyStore implements SigningKeyStore {
    private final Jdbc jdbc;

    JdbcSigningKeyStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public List<StoredKey> all() {
        return jdbc.withConnection(conn -> {
            List<StoredKey> keys = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT kid, jwk, created_at, active_at, retired_at "
                            + "FROM signing_keys ORDER BY created_at");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long retired = rs.getLong(5);
                    Instant retiredAt = rs.wasNull() ? null : Instant.ofEpochMilli(retired);
                    keys.add(new StoredKey(
                            rs.getString(1),
                            rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)),
                            retiredAt));
                }
            }
            return keys;
        });
    }

    @Override
    public void add(StoredKey key) {
        jdbc.write(conn -> Jdbc.update(
                conn,
                "INSERT INTO signing_keys (kid, jwk, created_at, active_at, " + "retired_at) VALUES (?, ?, ?, ?, ?)",
                key.kid(),
                key.jwk(),
                key.createdAt().toEpochMilli(),
                key.activeAt().toEpochMilli(),
                key.retiredAt() == null ? null : key.retiredAt().toEpochMilli()));
    }

    @Override
    public void retire(String kid, Instant at) {
        jdbc.write(conn -> Jdbc.update(
                conn,
                "UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND " + "retired_at IS NULL",
                at.toEpochMilli(),
                kid));
    }

    @Override
    public int deleteRetiredBefore(Instant cutoff) {
        return jdbc.write(conn -> Jdbc.update(
                conn,
                "DELETE FROM signing_keys WHERE retired_at IS NOT NULL " + "AND retired_at < ?",
                cutoff.toEpochMilli()));
    }
}
