package org.phonepass.store.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.phonepass.core.login.LoginTicket;
import org.phonepass.core.login.LoginTicketStore;

/**
 * Login tickets in Redis, one key per ticket (named by the ticket's key, never the ticket), expiring natively at
 * the ticket's end. A redemption is {@code GETDEL}: atomic, so of two concurrent redemptions one gets the ticket and
 * the other nothing. Redis 6.2 or newer.
 */
final class RedisLoginTicketStore implements LoginTicketStore {
    private static final HexFormat HEX = HexFormat.of();
    private final RedisCommands<String, String> redis;
    private final String keyPrefix;

    RedisLoginTicketStore(RedisCommands<String, String> redis, String keyPrefix) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix cannot be null") + "lt:";
    }

    @Override
    public void save(byte[] ticketKey, LoginTicket t) {
        // Every field hex-encoded and space-separated: nothing in them can break the record apart.
        String value = String.join(
                " ",
                text(t.clientId()),
                text(t.userId()),
                t.origin() == null ? "-" : text(t.origin()),
                text(t.coId()),
                HEX.formatHex(t.verifierHash()),
                Long.toString(t.authTime().toEpochMilli()),
                Long.toString(t.expiresAt().toEpochMilli()));
        call(() -> redis.set(
                key(ticketKey), value, SetArgs.Builder.pxAt(t.expiresAt().toEpochMilli())));
    }

    @Override
    public Optional<LoginTicket> find(byte[] ticketKey, Instant now) {
        return live(call(() -> redis.get(key(ticketKey))), now);
    }

    @Override
    public Optional<LoginTicket> consume(byte[] ticketKey, Instant now) {
        return live(call(() -> redis.getdel(key(ticketKey))), now);
    }

    /** Redis expires the keys itself. */
    @Override
    public int deleteExpired(Instant cutoff) {
        return 0;
    }

    private Optional<LoginTicket> live(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String[] f = value.split(" ");
        if (f.length != 7) {
            return Optional.empty();
        }
        LoginTicket t = new LoginTicket(
                untext(f[0]),
                untext(f[1]),
                f[2].equals("-") ? null : untext(f[2]),
                untext(f[3]),
                HEX.parseHex(f[4]),
                Instant.ofEpochMilli(Long.parseLong(f[5])),
                Instant.ofEpochMilli(Long.parseLong(f[6])));
        // This node's clock decides too: Redis's may run behind.
        return t.expiresAt().isAfter(now) ? Optional.of(t) : Optional.empty();
    }

    private String key(byte[] storeKey) {
        return keyPrefix + HEX.formatHex(storeKey);
    }

    private static String text(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String untext(String hex) {
        return new String(HEX.parseHex(hex), StandardCharsets.UTF_8);
    }

    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new RedisStoreException("redis error", e);
        }
    }
}
