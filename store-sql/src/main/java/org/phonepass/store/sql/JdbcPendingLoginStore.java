package org.phonepass.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.authorize.PendingLogin;
import org.phonepass.core.authorize.PendingLoginStore;

/**
 * Login transactions in SQL, by the key of their id ({@code OpaqueTokens.key}; the column {@code id_hash} kept its name
 * from when the key was the SHA-256 alone); {@link #take} deletes the row it reads.
 */
public final class JdbcPendingLoginStore implements PendingLoginStore {
    private final Jdbc jdbc;

    JdbcPendingLoginStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void save(byte[] idKey, PendingLogin p) {
        jdbc.write(c -> Jdbc.update(
                c,
                "INSERT INTO login_transactions (id_hash, client_id, params, browser_hash, sid, created_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                idKey,
                p.clientId(),
                PendingLogin.encodeParams(p.params()),
                p.browserHash(),
                p.sid(),
                p.createdAt().toEpochMilli(),
                p.expiresAt().toEpochMilli()));
    }

    @Override
    public Optional<PendingLogin> find(byte[] idKey, Instant now) {
        return jdbc.withConnection(c -> load(c, idKey, false))
                .filter(p -> p.expiresAt().isAfter(now));
    }

    @Override
    public Optional<PendingLogin> take(byte[] idKey, Instant now) {
        return jdbc.inTransaction(c -> {
                    Optional<PendingLogin> found = load(c, idKey, true);
                    if (found.isPresent()) {
                        Jdbc.update(c, "DELETE FROM login_transactions WHERE id_hash = ?", idKey);
                    }
                    return found;
                })
                .filter(p -> p.expiresAt().isAfter(now));
    }

    private Optional<PendingLogin> load(Connection c, byte[] idKey, boolean lock) throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(
                        c,
                        "SELECT client_id, params, browser_hash, sid, created_at, expires_at FROM login_transactions "
                                + "WHERE id_hash = ?"
                                + (lock ? jdbc.dialect().forUpdate() : ""),
                        idKey);
                ResultSet rs = ps.executeQuery()) {
            return rs.next()
                    ? Optional.of(new PendingLogin(
                            rs.getString(1),
                            PendingLogin.decodeParams(rs.getString(2)),
                            rs.getBytes(3),
                            rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5)),
                            Instant.ofEpochMilli(rs.getLong(6))))
                    : Optional.empty();
        }
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return jdbc.write(
                c -> Jdbc.update(c, "DELETE FROM login_transactions WHERE expires_at < ?", cutoff.toEpochMilli()));
    }
}
