package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;

/** Users in SQL; the unique phone column makes concurrent first logins create one user. */
public final class JdbcUserStore implements UserStore {
    static final String COLUMNS = "id, phone, created_at, updated_at, last_login, last_ip, logins_count";
    private final Jdbc jdbc;

    JdbcUserStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public Optional<User> findById(String id) {
        return findOne("SELECT " + COLUMNS + " FROM users WHERE id = ?", id);
    }

    @Override
    public Optional<User> findByPhone(String phoneE164) {
        return findOne("SELECT " + COLUMNS + " FROM users WHERE phone = ?", phoneE164);
    }

    @Override
    public Optional<User> recordLogin(String phone, String newId, String ip, Instant now, boolean createIfMissing) {
        long t = now.toEpochMilli();
        return jdbc.write(conn -> {
            String sql = createIfMissing
                    ? "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (phone) DO UPDATE "
                            + "SET last_login = excluded.last_login, last_ip = excluded.last_ip, "
                            + "updated_at = excluded.updated_at, logins_count = users.logins_count + 1 RETURNING "
                            + COLUMNS
                    : "UPDATE users SET last_login = ?, last_ip = ?, updated_at = ?, logins_count = logins_count + 1 "
                            + "WHERE phone = ? RETURNING " + COLUMNS;
            Object[] params =
                    createIfMissing ? new Object[] {newId, phone, t, t, t, ip} : new Object[] {t, ip, t, phone};
            try (PreparedStatement ps = Jdbc.prepare(conn, sql, params);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        });
    }

    /**
     * One statement where {@link UserStore}'s default takes two: the upsert skips a blocked user's row ({@code DO
     * UPDATE ... WHERE users.blocked = 0}, which locks it but writes and returns nothing), so with sign-ups on an empty
     * answer means blocked. A login on PostgreSQL saves a round trip. With sign-ups off, an empty update is either an
     * unknown number or a blocked user, and only then is the flag read.
     */
    @Override
    public Login recordLoginUnlessBlocked(String phone, String newId, String ip, Instant now, boolean createIfMissing) {
        long t = now.toEpochMilli();
        return jdbc.write(conn -> {
            String sql = createIfMissing
                    ? "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (phone) DO UPDATE "
                            + "SET last_login = excluded.last_login, last_ip = excluded.last_ip, "
                            + "updated_at = excluded.updated_at, logins_count = users.logins_count + 1 "
                            + "WHERE users.blocked = 0 RETURNING " + COLUMNS
                    : "UPDATE users SET last_login = ?, last_ip = ?, updated_at = ?, logins_count = logins_count + 1 "
                            + "WHERE phone = ? AND blocked = 0 RETURNING " + COLUMNS;
            Object[] params =
                    createIfMissing ? new Object[] {newId, phone, t, t, t, ip} : new Object[] {t, ip, t, phone};
            try (PreparedStatement ps = Jdbc.prepare(conn, sql, params);
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Login(Optional.of(map(rs)), false);
                }
            }
            if (createIfMissing) {
                return Login.BLOCKED;
            }
            return blocked(conn, phone) ? Login.BLOCKED : new Login(Optional.empty(), false);
        });
    }

    @Override
    public boolean isBlocked(String phoneE164) {
        return jdbc.withConnection(conn -> blocked(conn, phoneE164));
    }

    private static boolean blocked(java.sql.Connection conn, String phoneE164) throws SQLException {
        try (PreparedStatement ps = Jdbc.prepare(conn, "SELECT blocked FROM users WHERE phone = ?", phoneE164);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getInt(1) != 0;
        }
    }

    private Optional<User> findOne(String sql, String param) {
        return jdbc.withConnection(conn -> {
            try (PreparedStatement ps = Jdbc.prepare(conn, sql, param);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        });
    }

    static User map(ResultSet rs) throws SQLException {
        long lastLogin = rs.getLong(5);
        Instant last = rs.wasNull() ? null : Instant.ofEpochMilli(lastLogin);
        return new User(
                rs.getString(1),
                rs.getString(2),
                Instant.ofEpochMilli(rs.getLong(3)),
                Instant.ofEpochMilli(rs.getLong(4)),
                last,
                rs.getString(6),
                rs.getLong(7));
    }
}
