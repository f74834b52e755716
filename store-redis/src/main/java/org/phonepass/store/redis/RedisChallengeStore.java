package org.phonepass.store.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CheckResult;
import org.phonepass.core.otp.ConsumeResult;

/**
 * Challenges in Redis, for several nodes sharing their codes and attempt counts.
 *
 * <p>Each client and phone has one key holding its live challenges, newest first; a Lua script does each
 * {@code create} and each {@code consume} in one atomic step, so the rules are exactly the SQL store's (the same
 * contract suite runs against both). Keys expire natively, shortly after the last code in them; the expiry index
 * only serves {@link #deleteExpired}.
 *
 * <p>Losing Redis data fails closed: a lost key means "no live code", so a user asks for a new one, and an
 * attacker's counted attempts vanish together with the code they were guessing.
 *
 * <p>Key names carry a SHA-256 of the client and phone, not the phone: {@code MONITOR}, {@code SLOWLOG} and key
 * listings are often shared with people who should not see phone numbers. (It is not secret: phone numbers are
 * few enough to hash them all. The codes' HMACs are what protects the codes.)
 */
public final class RedisChallengeStore implements ChallengeStore {
    /** Keeps a key a little beyond its last code's expiry, for nodes whose clocks run behind. */
    static final Duration GRACE = Duration.ofSeconds(60);

    private static final int SWEEP_BATCH = 200;
    private static final LuaScript CREATE = LuaScript.load("challenge-create.lua");
    private static final LuaScript CONSUME = LuaScript.load("challenge-consume.lua");
    private static final LuaScript CHECK = LuaScript.load("challenge-check.lua");
    private static final LuaScript SWEEP = LuaScript.load("challenge-sweep.lua");

    private final RedisCommands<String, String> redis;
    private final String keyPrefix;
    private final String indexKey;

    /**
     * @param redis     the commands of a shared, thread-safe connection
     * @param keyPrefix prepended to every key, so one Redis can serve several deployments
     */
    RedisChallengeStore(RedisCommands<String, String> redis, String keyPrefix) {
        this.redis = Objects.requireNonNull(redis, "redis cannot be null");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix cannot be null") + "ch:";
        this.indexKey = keyPrefix + "ch-expiry";
    }

    @Override
    public void create(Challenge c, int keepPrevious) {
        if (keepPrevious < 0) {
            throw new IllegalArgumentException("keepPrevious cannot be negative");
        }
        String member = member(c.clientId(), c.phone());
        // Built by hand: every field is a number or hex, so there is nothing to escape.
        String entry = "{\"h\":\"" + HexFormat.of().formatHex(c.codeHash()) + "\",\"e\":"
                + c.expiresAt().toEpochMilli() + ",\"a\":" + c.attempts() + ",\"m\":" + c.maxAttempts() + "}";
        call(() -> CREATE.<Long>run(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {keyPrefix + member, indexKey},
                entry,
                Integer.toString(keepPrevious),
                Long.toString(c.createdAt().toEpochMilli()),
                Long.toString(GRACE.toMillis()),
                member));
    }

    @Override
    public ConsumeResult consume(String clientId, String phone, byte[] submittedHash, Instant now) {
        String member = member(clientId, phone);
        List<Object> reply = call(() -> CONSUME.run(
                redis,
                ScriptOutputType.MULTI,
                new String[] {keyPrefix + member, indexKey},
                HexFormat.of().formatHex(submittedHash),
                Long.toString(now.toEpochMilli()),
                member));
        String outcome = (String) reply.get(0);
        int remaining = ((Long) reply.get(1)).intValue();
        return switch (outcome) {
            case "OK" -> ConsumeResult.accepted();
            case "WRONG" -> new ConsumeResult(ConsumeResult.Outcome.WRONG_CODE, remaining);
            case "NONE" -> new ConsumeResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0);
            default -> throw new IllegalStateException("unexpected reply from " + CONSUME.name() + ": " + outcome);
        };
    }

    @Override
    public CheckResult check(String phone, Map<String, byte[]> hashesByClient, Instant now) {
        if (hashesByClient.isEmpty()) {
            return new CheckResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0, null);
        }
        // One script over every candidate's key: the match-or-count decision spans all of them atomically.
        List<String> clients = new ArrayList<>(hashesByClient.keySet());
        int n = clients.size();
        String[] keys = new String[n + 1];
        String[] args = new String[2 * n + 1];
        args[0] = Long.toString(now.toEpochMilli());
        for (int i = 0; i < n; i++) {
            String member = member(clients.get(i), phone);
            keys[i] = keyPrefix + member;
            args[1 + i] = HexFormat.of().formatHex(hashesByClient.get(clients.get(i)));
            args[1 + n + i] = member;
        }
        keys[n] = indexKey;
        List<Object> reply = call(() -> CHECK.run(redis, ScriptOutputType.MULTI, keys, args));
        String outcome = (String) reply.get(0);
        int remaining = ((Long) reply.get(1)).intValue();
        int matched = ((Long) reply.get(2)).intValue();
        return switch (outcome) {
            case "OK" -> CheckResult.accepted(clients.get(matched - 1));
            case "WRONG" -> new CheckResult(ConsumeResult.Outcome.WRONG_CODE, remaining, null);
            case "NONE" -> new CheckResult(ConsumeResult.Outcome.NO_LIVE_CHALLENGE, 0, null);
            default -> throw new IllegalStateException("unexpected reply from " + CHECK.name() + ": " + outcome);
        };
    }

    @Override
    public int deleteExpired(Instant cutoff) {
        long deleted = 0;
        while (true) {
            List<String> members = call(() -> redis.zrangebyscore(
                    indexKey,
                    Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(cutoff.toEpochMilli())),
                    Limit.create(0, SWEEP_BATCH)));
            if (members.isEmpty()) {
                break;
            }
            String[] keys = new String[members.size() + 1];
            String[] args = new String[members.size() + 1];
            keys[0] = indexKey;
            args[0] = Long.toString(cutoff.toEpochMilli());
            for (int i = 0; i < members.size(); i++) {
                keys[i + 1] = keyPrefix + members.get(i);
                args[i + 1] = members.get(i);
            }
            Long n = call(() -> SWEEP.run(redis, ScriptOutputType.INTEGER, keys, args));
            deleted += n;
            if (members.size() < SWEEP_BATCH) {
                break;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, deleted);
    }

    /** The key suffix of one client and phone: hex SHA-256 of both, length-prefixed so no two pairs collide. */
    static String member(String clientId, String phone) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest =
                    sha.digest((clientId.length() + ":" + clientId + ":" + phone).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new RedisStoreException("redis error", e);
        }
    }

    /** A remote store: the login calls it before its database unit of work, never inside it. */
    @Override
    public boolean sharesUnitOfWork() {
        return false;
    }
}
