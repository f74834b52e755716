package org.phonepass.store.redis;

import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.phonepass.core.authorize.AuthorizationCodeRecord;
import org.phonepass.core.authorize.AuthorizationCodeStore;

/**
 * Authorization codes in Redis: one hash per code, named by the hex of the code's key, redeemed by a Lua script
 * so that of two concurrent exchanges one wins. A key lives {@link #KEEP} after it is written (codes live 60 s), so a
 * late replay still finds what to revoke; an index by expiry serves {@link #deleteExpired}.
 */
public final class RedisAuthorizationCodeStore implements AuthorizationCodeStore {
    static final Duration KEEP = Duration.ofMinutes(15);
    private static final LuaScript REDEEM = LuaScript.load("code-redeem.lua");
    private static final LuaScript RECORD = LuaScript.load("code-record.lua");
    private static final HexFormat HEX = HexFormat.of();

    private final RedisCommands<String, String> redis;
    private final String keyPrefix;
    private final String indexKey;

    RedisAuthorizationCodeStore(RedisCommands<String, String> redis, String keyPrefix) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.keyPrefix = keyPrefix + "ac:";
        this.indexKey = keyPrefix + "ac-expiry";
    }

    @Override
    public void save(byte[] codeKey, AuthorizationCodeRecord r) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("c", r.clientId());
        fields.put("u", r.userId());
        fields.put("r", r.redirectUri());
        put(fields, "pc", r.codeChallenge());
        fields.put("s", r.scope());
        put(fields, "a", r.audience());
        put(fields, "n", r.nonce());
        fields.put("t", Long.toString(r.authTime().toEpochMilli()));
        put(fields, "sid", r.sid());
        fields.put("e", Long.toString(r.expiresAt().toEpochMilli()));
        String key = key(codeKey);
        call(() -> {
            redis.hset(key, fields);
            redis.pexpire(key, KEEP.toMillis());
            return redis.zadd(indexKey, r.expiresAt().toEpochMilli(), HEX.formatHex(codeKey));
        });
    }

    @Override
    public Redemption redeem(byte[] codeKey, Instant now) {
        List<Object> reply = call(() -> REDEEM.run(
                redis, ScriptOutputType.MULTI, new String[] {key(codeKey)}, Long.toString(now.toEpochMilli())));
        String outcome = (String) reply.get(0);
        if (outcome.equals("INVALID")) {
            return new Redemption.Invalid();
        }
        Map<String, String> f = new HashMap<>();
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            f.put((String) reply.get(i), (String) reply.get(i + 1));
        }
        AuthorizationCodeRecord record = new AuthorizationCodeRecord(
                f.get("c"),
                f.get("u"),
                f.get("r"),
                f.get("pc"),
                f.get("s"),
                f.get("a"),
                f.get("n"),
                Instant.ofEpochMilli(Long.parseLong(f.get("t"))),
                f.get("sid"),
                Instant.ofEpochMilli(Long.parseLong(f.get("e"))));
        if (outcome.equals("REPLAYED")) {
            return new Redemption.Replayed(record, bytes(f.get("rt")), bytes(f.get("at")));
        }
        return new Redemption.Redeemed(record);
    }

    @Override
    public boolean recordIssued(byte[] codeKey, byte[] refreshTokenKey, byte[] accessTokenKey) {
        Long done = call(() -> RECORD.run(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {key(codeKey)},
                refreshTokenKey == null ? "" : HEX.formatHex(refreshTokenKey),
                accessTokenKey == null ? "" : HEX.formatHex(accessTokenKey)));
        return done == 1L;
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        return RedisIndex.sweep(redis, indexKey, keyPrefix, cutoff);
    }

    private String key(byte[] storeKey) {
        return keyPrefix + HEX.formatHex(storeKey);
    }

    private static void put(Map<String, String> fields, String name, String value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    private static byte[] bytes(String hex) {
        return hex == null ? null : HEX.parseHex(hex);
    }

    static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new RedisStoreException("redis error", e);
        }
    }

    /** The index range of members whose score is before {@code cutoff}. */
    static Range<Long> before(Instant cutoff) {
        return Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(cutoff.toEpochMilli()));
    }
}
