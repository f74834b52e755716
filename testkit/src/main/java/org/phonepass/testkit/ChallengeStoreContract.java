package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.otp.ConsumeResult;
import org.phonepass.core.otp.ConsumeResult.Outcome;

/** The behaviour every {@link ChallengeStore} must have. Subclasses supply a fresh, empty store. */
public abstract class ChallengeStoreContract {
    protected static final String CLIENT = "client-a";
    private final CodeHasher hasher = new CodeHasher(new byte[32]);
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract ChallengeStore store();

    private String phone() {
        // A distinct number per test keeps shared databases independent.
        return "+1201555" + String.format("%04d", Math.abs(UUID.randomUUID().hashCode()) % 10_000);
    }

    private Challenge challenge(String phone, String code, Instant at) {
        return new Challenge(UUID.randomUUID().toString().replace("-", "").substring(0, 24), CLIENT, phone,
                hasher.hash(CLIENT, phone, code), at, at.plus(Duration.ofMinutes(3)), 0, 3);
    }

    private ConsumeResult consume(String phone, String code, Instant at) {
        return store().consume(CLIENT, phone, hasher.hash(CLIENT, phone, code), at);
    }

    @Test
    void consumeWhenCodeIsRightThenAcceptedOnce() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        assertThat(consume(phone, "123456", t0.plusSeconds(1)).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(consume(phone, "123456", t0.plusSeconds(2)).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void consumeWhenThirdWrongCodeThenChallengeIsDead() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        assertThat(consume(phone, "000001", t0).attemptsRemaining()).isEqualTo(2);
        assertThat(consume(phone, "000002", t0).attemptsRemaining()).isEqualTo(1);
        ConsumeResult third = consume(phone, "000003", t0);
        assertThat(third.outcome()).isEqualTo(Outcome.WRONG_CODE);
        assertThat(third.attemptsRemaining()).isZero();
        assertThat(consume(phone, "123456", t0).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void consumeWhenExpiredThenNoLiveChallenge() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        assertThat(consume(phone, "123456", t0.plus(Duration.ofMinutes(3))).outcome())
                .isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void createWhenNewCodeThenPreviousCodeIsDead() {
        String phone = phone();
        store().create(challenge(phone, "111111", t0), 0);
        store().create(challenge(phone, "222222", t0.plusSeconds(1)), 0);
        assertThat(consume(phone, "111111", t0.plusSeconds(2)).outcome()).isEqualTo(Outcome.WRONG_CODE);
        assertThat(consume(phone, "222222", t0.plusSeconds(3)).outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void createWhenKeepPreviousThenEarlierCodesStayValidButNotOlderOnes() {
        String phone = phone();
        store().create(challenge(phone, "111111", t0), 1);
        store().create(challenge(phone, "222222", t0.plusSeconds(1)), 1);
        store().create(challenge(phone, "333333", t0.plusSeconds(2)), 1);
        assertThat(consume(phone, "111111", t0.plusSeconds(3)).outcome()).isEqualTo(Outcome.WRONG_CODE);
        assertThat(consume(phone, "222222", t0.plusSeconds(4)).outcome()).isEqualTo(Outcome.ACCEPTED);
        // A success retires every other live code of the phone.
        assertThat(consume(phone, "333333", t0.plusSeconds(5)).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void consumeWhenOtherClientThenNotAccepted() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        ConsumeResult other = store().consume("client-b", phone, hasher.hash("client-b", phone, "123456"), t0);
        assertThat(other.outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        assertThat(consume(phone, "123456", t0).outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void consumeWhenConcurrentRightCodesThenExactlyOneAccepted() throws Exception {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<ConsumeResult>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<ConsumeResult> task = () -> {
                    go.await();
                    return consume(phone, "123456", t0.plusSeconds(1));
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            int accepted = 0;
            for (Future<ConsumeResult> f : results) {
                accepted += f.get().isAccepted() ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteExpiredWhenPastCutoffThenRemoved() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        assertThat(store().deleteExpired(t0.plus(Duration.ofMinutes(4)))).isGreaterThanOrEqualTo(1);
        assertThat(consume(phone, "123456", t0).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }
}
