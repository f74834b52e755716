package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.login.LoginTicket;
import org.phonepass.core.login.LoginTicketStore;

/**
 * Login tickets in SQL, by the ticket's key ({@code OpaqueTokens.key}; the column kept its name from when the key was
 * the SHA-256 alone). A redemption is one conditional update ({@code used_at IS NULL}) followed by the
 * read of the row it marked, in one transaction: of two concurrent redemptions, the database lets exactly one update
 * the row.
 */
final class JdbcLoginTicketStore implements LoginTicketStore {
    private static final String COLUMNS = "client_id, user_id, origin, co_id, verifier_hash, auth_time, expires_at";
    private final Jdbc jdbc;

    JdbcLoginTicketStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void save(byte[] ticketKey, LoginTicket t) {
        jdbc.write(c -> Jdbc.update(
                c,
                "INSERT INTO login_tickets (ticket_hash, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ticketKey,
                t.clientId(),
                t.userId(),
                t.origin(),
                t.coId(),
                t.verifierHash(),
                t.authTime().toEpochMilli(),
                t.expiresAt().toEpochMilli()));
    }

    @Override
    public Optional<LoginTicket> find(byte[] ticketKey, Instant now) {
        return jdbc.withConnection(c -> select(
                c,
                "SELECT " + COLUMNS
                        + " FROM login_tickets WHERE ticket_hash = ? AND expires_at > ? AND used_at IS NULL",
                ticketKey,
                now.toEpochMilli()));
    }

    @Override
    public Optional<LoginTicket> consume(byte[] ticketKey, Instant now) {
        return jdbc.inTransaction(c -> {
            int marked = Jdbc.update(
                    c,
                    "UPDATE login_tickets SET used_at = ? WHERE ticket_hash = ? AND used_at IS NULL AND expires_at > ?",
                    now.toEpochMilli(),
                    ticketKey,
                    now.toEpochMilli());
            if (marked == 0) {
                return Optional.empty();
            }
            return select(
                    c,
                    "SELECT " + COLUMNS + " FROM login_tickets WHERE ticket_hash = ? AND used_at = ?",
                    ticketKey,
                    now.toEpochMilli());
        });
    }

    private static Optional<LoginTicket> select(java.sql.Connection c, String sql, Object... params)
            throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new LoginTicket(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getBytes(5),
                    Instant.ofEpochMilli(rs.getLong(6)),
                    Instant.ofEpochMilli(rs.getLong(7))));
        }
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return jdbc.write(c -> Jdbc.update(c, "DELETE FROM login_tickets WHERE expires_at < ?", cutoff.toEpochMilli()));
    }
}
