package org.phonepass.store.redis;

import static org.phonepass.store.redis.RedisAuthorizationCodeStore.call;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.authorize.PendingLogin;
import org.phonepass.core.authorize.PendingLoginStore;

/**
 * Login transactions in Redis: one value each, named by the hex of the id's key, living as long as the
 * transaction; {@link #take} is {@code GETDEL}, so of two concurrent takes one gets it.
 */
public final class RedisPendingLoginStore implements PendingLoginStore {
    private static final HexFormat HEX = HexFormat.of();
    private final RedisCommands<String, String> redis;
    private final String keyPrefix;
    private final String indexKey;

    RedisPendingLoginStore(RedisCommands<String, String> redis, String keyPrefix) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.keyPrefix = keyPrefix + "lt:";
        this.indexKey = keyPrefix + "lt-expiry";
    }

    @Override
    public void save(byte[] idKey, PendingLogin p) {
        String member = HEX.formatHex(idKey);
        long ttl = Math.max(1, Duration.between(p.createdAt(), p.expiresAt()).toMillis());
        call(() -> {
            redis.set(keyPrefix + member, encode(p), SetArgs.Builder.px(ttl));
            return redis.zadd(indexKey, p.expiresAt().toEpochMilli(), member);
        });
    }

    @Override
    public Optional<PendingLogin> find(byte[] idKey, Instant now) {
        String raw = call(() -> redis.get(keyPrefix + HEX.formatHex(idKey)));
        return Optional.ofNullable(raw)
                .map(RedisPendingLoginStore::decode)
                .filter(p -> p.expiresAt().isAfter(now));
    }

    @Override
    public Optional<PendingLogin> take(byte[] idKey, Instant now) {
        String member = HEX.formatHex(idKey);
        String raw = call(() -> redis.getdel(keyPrefix + member));
        if (raw != null) {
            call(() -> redis.zrem(indexKey, member));
        }
        return Optional.ofNullable(raw)
                .map(RedisPendingLoginStore::decode)
                .filter(p -> p.expiresAt().isAfter(now));
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return RedisIndex.sweep(redis, indexKey, keyPrefix, cutoff);
    }

    private static String encode(PendingLogin p) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("c", p.clientId());
        m.put("p", PendingLogin.encodeParams(p.params()));
        if (p.browserHash() != null) {
            m.put("b", HEX.formatHex(p.browserHash()));
        }
        if (p.sid() != null) {
            m.put("sid", p.sid());
        }
        m.put("t", Long.toString(p.createdAt().toEpochMilli()));
        m.put("e", Long.toString(p.expiresAt().toEpochMilli()));
        return PendingLogin.encodeParams(m);
    }

    private static PendingLogin decode(String raw) {
        Map<String, String> m = PendingLogin.decodeParams(raw);
        return new PendingLogin(
                m.get("c"),
                PendingLogin.decodeParams(m.get("p")),
                m.get("b") == null ? null : HEX.parseHex(m.get("b")),
                m.get("sid"),
                Instant.ofEpochMilli(Long.parseLong(m.get("t"))),
                Instant.ofEpochMilli(Long.parseLong(m.get("e"))));
    }
}
