package org.phonepass.store.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import org.phonepass.core.authorize.AuthorizationCodeRecord;
import org.phonepass.core.authorize.AuthorizationCodeStore;

/**
 * Authorization codes in SQL, by the code's key ({@code OpaqueTokens.key}: the time the code was issued and its
 * SHA-256; the column kept the name {@code code_hash} it had when the key was the hash alone); a redemption locks the
 * row, so of two concurrent ones one wins.
 */
public final class JdbcAuthorizationCodeStore implements AuthorizationCodeStore {
    private final Jdbc jdbc;

    JdbcAuthorizationCodeStore(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc cannot be null");
    }

    @Override
    public void save(byte[] codeKey, AuthorizationCodeRecord r) {
        jdbc.write(c -> Jdbc.update(
                c,
                "INSERT INTO authorization_codes (code_hash, client_id, user_id, redirect_uri, code_challenge, scope, "
                        + "audience, nonce, auth_time, sid, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                codeKey,
                r.clientId(),
                r.userId(),
                r.redirectUri(),
                r.codeChallenge(),
                r.scope(),
                r.audience(),
                r.nonce(),
                r.authTime().toEpochMilli(),
                r.sid(),
                r.expiresAt().toEpochMilli()));
    }

    @Override
    public Redemption redeem(byte[] codeKey, Instant now) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT client_id, user_id, redirect_uri, code_challenge, scope, audience, nonce, "
                                    + "auth_time, sid, expires_at, used_at, refresh_token_hash, access_token_hash "
                                    + "FROM authorization_codes WHERE code_hash = ?"
                                    + jdbc.dialect().forUpdate(),
                            codeKey);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Redemption.Invalid();
                }
                AuthorizationCodeRecord r = new AuthorizationCodeRecord(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        Instant.ofEpochMilli(rs.getLong(8)),
                        rs.getString(9),
                        Instant.ofEpochMilli(rs.getLong(10)));
                rs.getLong(11);
                boolean used = !rs.wasNull();
                byte[] refresh = rs.getBytes(12);
                byte[] access = rs.getBytes(13);
                if (used) {
                    Jdbc.update(c, "UPDATE authorization_codes SET replayed = 1 WHERE code_hash = ?", codeKey);
                    return new Redemption.Replayed(r, refresh, access);
                }
                if (!r.expiresAt().isAfter(now)) {
                    return new Redemption.Invalid();
                }
                Jdbc.update(
                        c,
                        "UPDATE authorization_codes SET used_at = ? WHERE code_hash = ?",
                        now.toEpochMilli(),
                        codeKey);
                return new Redemption.Redeemed(r);
            }
        });
    }

    @Override
    public boolean recordIssued(byte[] codeKey, byte[] refreshTokenKey, byte[] accessTokenKey) {
        return jdbc.write(c -> Jdbc.update(
                        c,
                        "UPDATE authorization_codes SET refresh_token_hash = ?, access_token_hash = ? "
                                + "WHERE code_hash = ? AND replayed = 0",
                        refreshTokenKey,
                        accessTokenKey,
                        codeKey)
                > 0);
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return jdbc.write(
                c -> Jdbc.update(c, "DELETE FROM authorization_codes WHERE expires_at < ?", cutoff.toEpochMilli()));
    }
}
