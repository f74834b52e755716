package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.token.AccessTokenRecord;
import org.phonepass.core.token.AccessTokenStore;

/**
 * Opaque access tokens in SQL, by key ({@code OpaqueTokens#key}: the token's time bytes and its SHA-256, or the bare
 * SHA-256 of an older token), in the column {@code token_hash}, named before keys began with the time. A token issued
 * with a refresh token keeps the family's id, and is dead once any row of that family in {@code refresh_tokens} is
 * revoked: revoking the family is one update there, and reading a token costs one indexed look-up more.
 */
public final class JdbcAccessTokenStore implements AccessTokenStore {
    private final Jdbc jdbc;

    JdbcAccessTokenStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    /**
     * Inside a unit of work on PostgreSQL (a login's, a refresh's), the insert goes with the unit's commit, in one
     * round trip ({@link Jdbc#writeAtCommit}).
     */
    @Override
    public void save(byte[] tokenKey, AccessTokenRecord r) {
        jdbc.writeAtCommit(
                "INSERT INTO access_tokens (token_hash, user_id, client_id, "
                        + "scope, expires_at, family_id) VALUES (?, ?, ?, ?, ?, ?)",
                tokenKey,
                r.userId(),
                r.clientId(),
                r.scope(),
                r.expiresAt().toEpochMilli(),
                r.familyId());
    }

    @Override
    public Optional<AccessTokenRecord> find(byte[] tokenKey, Instant now) {
        return jdbc.withConnection(conn -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            conn,
                            "SELECT a.user_id, a.client_id, a.scope, "
                                    + "a.expires_at, a.family_id FROM access_tokens a WHERE a.token_hash = ? AND a.revoked = 0 "
                                    + "AND a.expires_at > ? AND (a.family_id IS NULL OR NOT EXISTS (SELECT 1 FROM refresh_tokens r "
                                    + "WHERE r.family_id = a.family_id AND r.revoked = 1))",
                            tokenKey,
                            now.toEpochMilli());
                    ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new AccessTokenRecord(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                Instant.ofEpochMilli(rs.getLong(4)),
                                rs.getString(5)))
                        : Optional.empty();
            }
        });
    }

    @Override
    public boolean revoke(byte[] tokenKey) {
        return jdbc.write(
                conn -> Jdbc.update(conn, "UPDATE access_tokens SET revoked = 1 WHERE token_hash = ?", tokenKey) > 0);
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return ExpiredRows.delete(jdbc, "access_tokens", "token_hash", cutoff.toEpochMilli());
    }
}
