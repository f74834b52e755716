package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CheckResult;
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
        return new Challenge(
                UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                CLIENT,
                phone,
                hasher.hash(CLIENT, phone, code),
                at,
                at.plus(Duration.ofMinutes(3)),
                0,
                3);
    }

    private Challenge challenge(String client, String phone, String code, Instant at) {
        return new Challenge(
                UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                client,
                phone,
                hasher.hash(client, phone, code),
                at,
                at.plus(Duration.ofMinutes(3)),
                0,
                3);
    }

    /** A check with the code's HMAC computed for each of the given clients, as the server does without client_id. */
    private CheckResult check(String phone, String code, Instant at, String... clients) {
        Map<String, byte[]> hashes = new LinkedHashMap<>();
        for (String c : clients) {
            hashes.put(c, hasher.hash(c, phone, code));
        }
        return store().check(phone, hashes, at);
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
    void checkWhenCodeIsRightThenAcceptedWithoutUsingOrCountingIt() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        for (int i = 0; i < 5; i++) {
            CheckResult r = check(phone, "123456", t0.plusSeconds(1), CLIENT);
            assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
            assertThat(r.clientId()).isEqualTo(CLIENT);
        }
        // Five right checks cost nothing: two wrong codes still leave the consume its attempt.
        assertThat(consume(phone, "000001", t0.plusSeconds(2)).attemptsRemaining())
                .isEqualTo(2);
        assertThat(consume(phone, "000002", t0.plusSeconds(2)).attemptsRemaining())
                .isEqualTo(1);
        assertThat(consume(phone, "123456", t0.plusSeconds(3)).outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void checkWhenWrongCodeThenAttemptCountedLikeConsume() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        CheckResult first = check(phone, "000001", t0, CLIENT);
        assertThat(first.outcome()).isEqualTo(Outcome.WRONG_CODE);
        assertThat(first.attemptsRemaining()).isEqualTo(2);
        assertThat(first.clientId()).isNull();
        assertThat(consume(phone, "000002", t0).attemptsRemaining()).isEqualTo(1);
        assertThat(check(phone, "000003", t0, CLIENT).attemptsRemaining()).isZero();
        // Three wrong codes, checks and consumes together, kill the code for both operations.
        assertThat(check(phone, "123456", t0, CLIENT).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        assertThat(consume(phone, "123456", t0).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void checkWhenExpiredOrUsedThenNoLiveChallenge() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        assertThat(check(phone, "123456", t0.plus(Duration.ofMinutes(3)), CLIENT)
                        .outcome())
                .isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        String used = phone();
        store().create(challenge(used, "654321", t0), 0);
        assertThat(consume(used, "654321", t0).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(check(used, "654321", t0, CLIENT).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void checkWhenNoCandidatesThenNoLiveChallenge() {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        assertThat(check(phone, "123456", t0).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        assertThat(consume(phone, "123456", t0).outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void checkWhenSeveralCandidatesThenMatchingClientAnsweredAndOthersUntouched() {
        String phone = phone();
        store().create(challenge(CLIENT, phone, "111111", t0), 0);
        store().create(challenge("client-b", phone, "222222", t0), 0);
        CheckResult r = check(phone, "222222", t0, CLIENT, "client-b", "client-c");
        assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(r.clientId()).isEqualTo("client-b");
        // The match cost neither client an attempt.
        assertThat(consume(phone, "000000", t0).attemptsRemaining()).isEqualTo(2);
        assertThat(store().consume("client-b", phone, hasher.hash("client-b", phone, "222222"), t0)
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void checkWhenWrongForEveryCandidateThenEveryLiveCodeCharged() {
        String phone = phone();
        store().create(challenge(CLIENT, phone, "111111", t0), 0);
        store().create(challenge("client-b", phone, "222222", t0), 0);
        for (int i = 0; i < 3; i++) {
            assertThat(check(phone, "00000" + i, t0, CLIENT, "client-b").outcome())
                    .isEqualTo(Outcome.WRONG_CODE);
        }
        // A guesser without client_id gets max_attempts guesses in all, not max_attempts per client.
        assertThat(consume(phone, "111111", t0).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        assertThat(store().consume("client-b", phone, hasher.hash("client-b", phone, "222222"), t0)
                        .outcome())
                .isEqualTo(Outcome.NO_LIVE_CHALLENGE);
    }

    @Test
    void checkWhenCodeOfNonCandidateClientThenNotAccepted() {
        String phone = phone();
        store().create(challenge("client-b", phone, "222222", t0), 0);
        // The code is client-b's, but only CLIENT is a candidate (for instance: the origin is CLIENT's only).
        assertThat(check(phone, "222222", t0, CLIENT).outcome()).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        assertThat(store().consume("client-b", phone, hasher.hash("client-b", phone, "222222"), t0)
                        .outcome())
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void checkWhenConcurrentWrongCodesThenNoMoreThanMaxAttemptsCounted() throws Exception {
        String phone = phone();
        store().create(challenge(phone, "123456", t0), 0);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<CheckResult>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String guess = String.format("%06d", i);
                results.add(pool.submit(() -> {
                    go.await();
                    return check(phone, guess, t0.plusSeconds(1), CLIENT);
                }));
            }
            go.countDown();
            int wrong = 0;
            for (Future<CheckResult> f : results) {
                wrong += f.get().outcome() == Outcome.WRONG_CODE ? 1 : 0;
            }
            // Exactly three guesses reached the code; the rest found it dead.
            assertThat(wrong).isEqualTo(3);
            assertThat(check(phone, "123456", t0.plusSeconds(2), CLIENT).outcome())
                    .isEqualTo(Outcome.NO_LIVE_CHALLENGE);
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
