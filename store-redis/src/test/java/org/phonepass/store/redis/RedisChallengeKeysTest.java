package org.phonepass.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.otp.ConsumeResult.Outcome;

/** What the Redis store leaves in Redis: the part of its behaviour the contract cannot see. */
class RedisChallengeKeysTest {
    private static final String CLIENT = "client-keys";
    private final CodeHasher hasher = new CodeHasher(new byte[32]);
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private TestRedis redis;
    private ChallengeStore store;

    @BeforeEach
    void connect() {
        redis = TestRedis.open();
        store = redis.storage().challenges();
    }

    @AfterEach
    void cleanUp() {
        if (redis != null) {
            redis.close();
        }
    }

    private static String phone() {
        return "+4915" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }

    private Challenge challenge(String phone, String code, Duration validity) {
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        return new Challenge(
                HexFormat.of().formatHex(id),
                CLIENT,
                phone,
                hasher.hash(CLIENT, phone, code),
                t0,
                t0.plus(validity),
                0,
                3);
    }

    @Test
    void createWhenSavedThenKeyExpiresNativelyAfterValidityAndGrace() {
        String phone = phone();
        store.create(challenge(phone, "123456", Duration.ofMinutes(5)), 0);
        String key = redis.keyPrefix() + "ch:" + RedisChallengeStore.member(CLIENT, phone);
        long ttl = redis.inspect(r -> r.pttl(key));
        long max = Duration.ofMinutes(5).plus(RedisChallengeStore.GRACE).toMillis();
        assertThat(ttl).isPositive().isLessThanOrEqualTo(max).isGreaterThan(max - 10_000);
    }

    @Test
    void createWhenSavedThenNoKeyOrValueShowsThePhoneOrCode() {
        String phone = phone();
        store.create(challenge(phone, "123456", Duration.ofMinutes(5)), 0);
        List<String> keys = redis.keys();
        assertThat(keys).hasSize(2); // the phone's challenges and the expiry index
        String digits = phone.substring(1);
        for (String key : keys) {
            assertThat(key).doesNotContain(digits);
            if (!key.endsWith("ch-expiry")) {
                String value = redis.inspect(r -> r.get(key));
                assertThat(value).doesNotContain(digits).doesNotContain("123456");
            }
        }
    }

    @Test
    void consumeWhenAcceptedThenNothingIsLeftBehind() {
        String phone = phone();
        store.create(challenge(phone, "123456", Duration.ofMinutes(5)), 2);
        store.create(challenge(phone, "654321", Duration.ofMinutes(5)), 2);
        assertThat(store.consume(CLIENT, phone, hasher.hash(CLIENT, phone, "123456"), t0)
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(redis.keys())
                .as("the phone's key and its index entry are gone")
                .isEmpty();
    }

    @Test
    void consumeWhenLastChallengeDiesThenNothingIsLeftBehind() {
        String phone = phone();
        store.create(challenge(phone, "123456", Duration.ofMinutes(5)), 0);
        for (int i = 0; i < 3; i++) {
            store.consume(CLIENT, phone, hasher.hash(CLIENT, phone, "00000" + i), t0);
        }
        assertThat(redis.keys()).isEmpty();
    }

    @Test
    void deleteExpiredWhenSomePhonesExpiredThenOnlyTheirKeysGo() {
        String shortLived = phone();
        String longLived = phone();
        store.create(challenge(shortLived, "111111", Duration.ofMinutes(1)), 1);
        store.create(challenge(shortLived, "222222", Duration.ofMinutes(2)), 1);
        store.create(challenge(longLived, "333333", Duration.ofMinutes(30)), 0);
        assertThat(store.deleteExpired(t0.plus(Duration.ofMinutes(5)))).isEqualTo(2);
        assertThat(redis.keys()).hasSize(2); // longLived's key and the index
        assertThat(store.consume(CLIENT, longLived, hasher.hash(CLIENT, longLived, "333333"), t0)
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void deleteExpiredWhenMoreThanOneBatchThenAllGo() {
        for (int i = 0; i < 450; i++) {
            store.create(challenge(phone(), "123456", Duration.ofMinutes(1)), 0);
        }
        assertThat(store.deleteExpired(t0.plus(Duration.ofMinutes(2)))).isEqualTo(450);
        assertThat(redis.keys()).isEmpty();
    }
}
