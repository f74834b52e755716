package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.token.AccessTokenStore;

/** Opaque access tokens in SQL, by SHA-256. */
public final class JdbcAccessTokenStore implements AccessTokenStore {
    private final Jdbc jdbc;

    JdbcAccessTokenStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void save(byte[] tokenHash, AccessTokenRecord r) {
        jdbc.write(conn -> Jdbc.update(conn, "INSERT INTO access_tokens (token_hash, user_id, client_id, "
                + "scope, expires_at) VALUES (?, ?, ?, ?, ?)", tokenHash, r.userId(), r.clientId(), r.scope(),
                r.expiresAt().toEpochMilli()));
    }

    @Override
    public Optional<AccessTokenRecord> find(byte[] tokenHash, Instant now) {
        return jdbc.withConnection(conn -> {
            try (PreparedStatement ps = Jdbc.prepare(conn, "SELECT user_id, client_id, scope, expires_at FROM "
                    + "access_tokens WHERE token_hash = ? AND revoked = 0 AND expires_at > ?", tokenHash,
                    now.toEpochMilli()); ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new AccessTokenRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                                Instant.ofEpochMilli(rs.getLong(4))))
                        : Optional.empty();
            }
        });
    }

    @Override
    public boolean revoke(byte[] tokenHash) {
        return jdbc.write(conn ->
                Jdbc.update(conn, "UPDATE access_tokens SET revoked = 1 WHERE token_hash = ?", tokenHash) > 0);
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return jdbc.write(conn ->
                Jdbc.update(conn, "DELETE FROM access_tokens WHERE expires_at < ?", cutoff.toEpochMilli()));
    }
}
