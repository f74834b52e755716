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
import org.phonepass.core.session.SessionRecord;
import org.phonepass.core.session.SessionStore;

/**
 * Server sessions in Redis: one value per session, named by the hex of the key of the cookie's id, living as long
 * as the session's absolute lifetime; a set per user names that user's sessions, so blocking a user ends them all.
 * An index by idle expiry serves {@link #deleteExpired}.
 */
public final class RedisSessionStore implements SessionStore {
    private static final HexFormat HEX = HexFormat.of();
    private final RedisCommands<String, String> redis;
    private final String keyPrefix;
    private final String userPrefix;
    private final String indexKey;

    RedisSessionStore(RedisCommands<String, String> redis, String keyPrefix) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.keyPrefix = keyPrefix + "ss:";
        this.userPrefix = keyPrefix + "su:";
        this.indexKey = keyPrefix + "ss-expiry";
    }

    @Override
    public void save(byte[] idKey, SessionRecord s) {
        String member = HEX.formatHex(idKey);
        // The lifetime is relative to the sign-in, so nodes' clocks need not agree with Redis's.
        long ttl = Math.max(
                1, Duration.between(s.authTime(), s.absoluteExpiresAt()).toMillis());
        call(() -> {
            redis.set(keyPrefix + member, encode(s), SetArgs.Builder.px(ttl));
            redis.sadd(userPrefix + s.userId(), member);
            Long left = redis.pttl(userPrefix + s.userId());
            if (left == null || left < ttl) {
                redis.pexpire(userPrefix + s.userId(), ttl);
            }
            return redis.zadd(indexKey, s.idleExpiresAt().toEpochMilli(), member);
        });
    }

    @Override
    public Optional<SessionRecord> find(byte[] idKey, Instant now) {
        String raw = call(() -> redis.get(keyPrefix + HEX.formatHex(idKey)));
        return Optional.ofNullable(raw).map(RedisSessionStore::decode).filter(s -> s.isLive(now));
    }

    @Override
    public boolean extend(byte[] idKey, Instant idleExpiresAt) {
        String member = HEX.formatHex(idKey);
        String raw = call(() -> redis.get(keyPrefix + member));
        if (raw == null) {
            return false;
        }
        SessionRecord s = decode(raw);
        SessionRecord moved =
                new SessionRecord(s.sid(), s.userId(), s.authTime(), idleExpiresAt, s.absoluteExpiresAt());
        // XX: a session deleted meanwhile (logout, a blocked user) stays deleted.
        String ok = call(() -> redis.set(
                keyPrefix + member, encode(moved), SetArgs.Builder.xx().keepttl()));
        call(() -> redis.zadd(indexKey, idleExpiresAt.toEpochMilli(), member));
        return "OK".equals(ok);
    }

    @Override
    public boolean delete(byte[] idKey) {
        String member = HEX.formatHex(idKey);
        String raw = call(() -> redis.getdel(keyPrefix + member));
        call(() -> redis.zrem(indexKey, member));
        if (raw == null) {
            return false;
        }
        call(() -> redis.srem(userPrefix + decode(raw).userId(), member));
        return true;
    }

    @Override
    public int deleteForUser(String userId) {
        String[] members = call(() -> redis.smembers(userPrefix + userId)).toArray(String[]::new);
        call(() -> redis.del(userPrefix + userId));
        if (members.length == 0) {
            return 0;
        }
        String[] keys = java.util.Arrays.stream(members).map(m -> keyPrefix + m).toArray(String[]::new);
        long deleted = call(() -> redis.del(keys));
        call(() -> redis.zrem(indexKey, members));
        return (int) deleted;
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return RedisIndex.sweep(redis, indexKey, keyPrefix, cutoff);
    }

    private static String encode(SessionRecord s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sid", s.sid());
        m.put("u", s.userId());
        m.put("t", Long.toString(s.authTime().toEpochMilli()));
        m.put("ie", Long.toString(s.idleExpiresAt().toEpochMilli()));
        m.put("ae", Long.toString(s.absoluteExpiresAt().toEpochMilli()));
        return PendingLogin.encodeParams(m);
    }

    private static SessionRecord decode(String raw) {
        Map<String, String> m = PendingLogin.decodeParams(raw);
        return new SessionRecord(
                m.get("sid"),
                m.get("u"),
                Instant.ofEpochMilli(Long.parseLong(m.get("t"))),
                Instant.ofEpochMilli(Long.parseLong(m.get("ie"))),
                Instant.ofEpochMilli(Long.parseLong(m.get("ae"))));
    }
}
