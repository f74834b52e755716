package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionStore;

/**
 * Server sessions in SQL, by the key of the cookie's id ({@code OpaqueTokens.key}; the column {@code id_hash} kept its
 * name from when the key was the SHA-256 alone).
 */
public final class JdbcSessionStore implements SessionStore {
    private final Jdbc jdbc;

    JdbcSessionStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void save(byte[] idKey, SessionRecord s) {
        jdbc.write(c -> Jdbc.update(
                c,
                "INSERT INTO sessions (id_hash, sid, user_id, auth_time, idle_expires_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)",
                idKey,
                s.sid(),
                s.userId(),
                s.authTime().toEpochMilli(),
                s.idleExpiresAt().toEpochMilli(),
                s.absoluteExpiresAt().toEpochMilli()));
    }

    @Override
    public Optional<SessionRecord> find(byte[] idKey, Instant now) {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT sid, user_id, auth_time, idle_expires_at, expires_at FROM sessions "
                                    + "WHERE id_hash = ? AND idle_expires_at > ?",
                            idKey,
                            now.toEpochMilli());
                    ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new SessionRecord(
                                rs.getString(1),
                                rs.getString(2),
                                Instant.ofEpochMilli(rs.getLong(3)),
                                Instant.ofEpochMilli(rs.getLong(4)),
                                Instant.ofEpochMilli(rs.getLong(5))))
                        : Optional.empty();
            }
        });
    }

    @Override
    public boolean extend(byte[] idKey, Instant idleExpiresAt) {
        return jdbc.write(c -> Jdbc.update(
                        c,
                        "UPDATE sessions SET idle_expires_at = ? WHERE id_hash = ?",
                        idleExpiresAt.toEpochMilli(),
                        idKey)
                > 0);
    }

    @Override
    public boolean delete(byte[] idKey) {
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM sessions WHERE id_hash = ?", idKey) > 0);
    }

    @Override
    public int deleteForUser(String userId) {
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM sessions WHERE user_id = ?", userId));
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM sessions WHERE idle_expires_at < ?", cutoff.toEpochMilli()));
    }
}
