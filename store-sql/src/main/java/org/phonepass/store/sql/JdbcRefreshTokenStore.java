package org.phonepass.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.token.RefreshTokenRecord;
import org.phonepass.core.token.RefreshTokenStore;

/**
 * Refresh tokens in SQL, by key ({@code OpaqueTokens#key}, in the column {@code token_hash} as for access tokens), with
 * rotation and family revocation.
 */
public final class JdbcRefreshTokenStore implements RefreshTokenStore {
    private static final String COLUMNS = "family_id, user_id, client_id, scope, audience, created_at, expires_at, "
            + "used_at, revoked, auth_time, sid";
    private final Jdbc jdbc;

    JdbcRefreshTokenStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void save(byte[] tokenKey, RefreshTokenRecord r) {
        jdbc.write(conn -> insert(conn, tokenKey, r));
    }

    private record Row(RefreshTokenRecord record, boolean used, boolean revoked) {}

    @Override
    public Rotation rotate(byte[] presentedKey, byte[] newKey, Instant now) {
        return jdbc.inTransaction(conn -> {
            Optional<Row> row = load(conn, presentedKey, true);
            if (row.isEmpty()
                    || row.get().revoked()
                    || !row.get().record().expiresAt().isAfter(now)) {
                return new Rotation.Invalid();
            }
            RefreshTokenRecord r = row.get().record();
            if (row.get().used()) {
                Jdbc.update(conn, "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?", r.familyId());
                return new Rotation.Reused();
            }
            Jdbc.update(
                    conn,
                    "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?",
                    now.toEpochMilli(),
                    presentedKey);
            RefreshTokenRecord next = r.rotated(now);
            insert(conn, newKey, next);
            return new Rotation.Rotated(next);
        });
    }

    @Override
    public Optional<RefreshTokenRecord> findLive(byte[] tokenKey, Instant now) {
        return jdbc.withConnection(conn -> load(conn, tokenKey, false))
                .filter(row -> !row.used()
                        && !row.revoked()
                        && row.record().expiresAt().isAfter(now))
                .map(Row::record);
    }

    @Override
    public Optional<RefreshTokenRecord> find(byte[] tokenKey) {
        return jdbc.withConnection(conn -> load(conn, tokenKey, false)).map(Row::record);
    }

    @Override
    public boolean revokeFamily(byte[] tokenKey) {
        return jdbc.inTransaction(conn -> {
            Optional<Row> row = load(conn, tokenKey, true);
            row.ifPresent(r -> {
                try {
                    Jdbc.update(
                            conn,
                            "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?",
                            r.record().familyId());
                } catch (SQLException e) {
                    throw new StorageException("database error", e);
                }
            });
            return row.isPresent();
        });
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return ExpiredRows.delete(jdbc, "refresh_tokens", "token_hash", cutoff.toEpochMilli());
    }

    private static int insert(Connection conn, byte[] tokenKey, RefreshTokenRecord r) throws SQLException {
        return Jdbc.update(
                conn,
                "INSERT INTO refresh_tokens (token_hash, family_id, user_id, client_id, scope, "
                        + "audience, created_at, expires_at, auth_time, sid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                tokenKey,
                r.familyId(),
                r.userId(),
                r.clientId(),
                r.scope(),
                r.audience(),
                r.createdAt().toEpochMilli(),
                r.expiresAt().toEpochMilli(),
                r.authTime() == null ? null : r.authTime().toEpochMilli(),
                r.sid());
    }

    private Optional<Row> load(Connection conn, byte[] tokenKey, boolean lock) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM refresh_tokens WHERE token_hash = ?"
                + (lock ? jdbc.dialect().forUpdate() : "");
        try (PreparedStatement ps = Jdbc.prepare(conn, sql, tokenKey);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            RefreshTokenRecord r = new RefreshTokenRecord(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    Instant.ofEpochMilli(rs.getLong(6)),
                    Instant.ofEpochMilli(rs.getLong(7)),
                    rs.getObject(10) == null ? null : Instant.ofEpochMilli(rs.getLong(10)),
                    rs.getString(11));
            rs.getLong(8);
            boolean used = !rs.wasNull();
            return Optional.of(new Row(r, used, rs.getInt(9) != 0));
        }
    }
}
