package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.limits.PolicyFixture.ukMobile;
import static org.phonepass.limits.PolicyFixture.verify;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.VerifyContext;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.phone.PhoneNumber;

/**
 * An attacker script against one phone number from one network: 10,000 guesses of a 6-digit code, through the
 * policy, in the order the server runs it (check, then compare, then record). Each code is tried only if the policy
 * let the request reach the compare; the per-code attempt limit of the challenge store would cut this further, so
 * these bounds are what the policy alone guarantees for one network. The wrong-code lock is per number and network
 * (the addresses of one IPv6 /64 are one network): an attacker with many networks is bounded by the codes' attempt
 * limit and the sends per number instead, which {@link GuessingAcrossNetworksTest} drives through the login.
 */
class BruteForceAttackTest {
    private static final int GUESSES = 10_000;

    @Test
    void tenThousandGuessesAtOnceFromOneNetworkReachTheCompareAtMostTenTimes() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber victim = ukMobile(42);
        Attack attack = new Attack(f, victim, new Random(7));
        for (int i = 0; i < GUESSES; i++) {
            attack.guess(address(i));
        }
        assertThat(attack.compared.get()).isEqualTo(10);
        assertThat(attack.successes.get()).isZero();
        assertThat(attack.refusedWith429.get()).isEqualTo(GUESSES - 10);
    }

    @Test
    void tenThousandGuessesOverFiveHoursFromOneNetworkReachTheCompareAtMostTenTimesPerLockout() {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber victim = ukMobile(42);
        Attack attack = new Attack(f, victim, new Random(11));
        for (int i = 0; i < GUESSES; i++) {
            attack.guess(address(i));
            f.advance(Duration.ofSeconds(2));
        }
        // 20,000 s is 5.6 hours: at most 10 wrong codes, then an hour locked, six times over.
        assertThat(attack.compared.get()).isLessThanOrEqualTo(60);
        assertThat(attack.successes.get()).isZero();
    }

    @Test
    void concurrentGuessesCannotOverrunTheNetworksBudgetForTheNumber() throws Exception {
        PolicyFixture f = new PolicyFixture("");
        PhoneNumber victim = ukMobile(42);
        Attack attack = new Attack(f, victim, new Random(13));
        int threads = 32;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < GUESSES / threads; i++) {
                        attack.guess(address(thread));
                    }
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(attack.compared.get()).isLessThanOrEqualTo(10);
        assertThat(attack.successes.get()).isZero();
    }

    /** One of the attacker's addresses, all in one IPv6 /64. */
    private static String address(int i) {
        return "2001:db8:bad:1:" + Integer.toHexString(i % 65_536) + "::1";
    }

    /** The attacker's loop; the "server" compares against a secret code the attacker never sees. */
    private static final class Attack {
        private final PolicyFixture f;
        private final PhoneNumber victim;
        private final String secretCode;
        private final AtomicInteger next = new AtomicInteger();
        final AtomicInteger compared = new AtomicInteger();
        final AtomicInteger successes = new AtomicInteger();
        final AtomicInteger refusedWith429 = new AtomicInteger();

        Attack(PolicyFixture f, PhoneNumber victim, Random random) {
            this.f = f;
            this.victim = victim;
            // A code outside the attacker's sequential guesses 000000..009999, so no success is by luck.
            this.secretCode = String.format("%06d", 10_000 + random.nextInt(990_000));
        }

        void guess(String ip) {
            VerifyContext ctx = verify(victim, ip);
            String guess = String.format("%06d", next.getAndIncrement());
            try {
                f.policy.checkVerify(ctx);
            } catch (PhonepassException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
                assertThat(e.retryAfterSeconds()).isPositive();
                refusedWith429.incrementAndGet();
                return;
            }
            compared.incrementAndGet();
            if (guess.equals(secretCode)) {
                successes.incrementAndGet();
                f.policy.recordVerifySuccess(ctx);
            } else {
                f.policy.recordVerifyFailure(ctx);
            }
        }
    }
}
