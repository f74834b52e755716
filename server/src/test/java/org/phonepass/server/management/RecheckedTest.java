package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the nodes keep from the database is checked on its own thread, and a request never waits for that check
 * unless it asked for one (docs/management.md#how-nodes-see-changes).
 */
class RecheckedTest {
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService callers = Executors.newScheduledThreadPool(8);

    @AfterEach
    void stop() {
        checker.shutdownNow();
        callers.shutdownNow();
    }

    @Test
    void aRequestHoldingWhatTheCheckNeedsIsNotBlockedByIt() throws Exception {
        // The stall this replaces: a request inside a unit of work held the pool's last connection and waited for
        // the settings' check, which waited for a connection.
        Semaphore pool = new Semaphore(1);
        AtomicInteger checks = new AtomicInteger();
        Rechecked<String> settings = new Rechecked<>(
                "test settings",
                "v1",
                s -> {
                    try {
                        pool.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return s;
                    }
                    try {
                        checks.incrementAndGet();
                        return "v2";
                    } finally {
                        pool.release();
                    }
                },
                checker,
                Duration.ofMillis(20));
        Future<List<String>> request = callers.submit(() -> {
            List<String> seen = new ArrayList<>();
            pool.acquire();
            try {
                for (int i = 0; i < 20; i++) {
                    seen.add(settings.get());
                    Thread.sleep(10);
                }
            } finally {
                pool.release();
            }
            return seen;
        });
        assertThat(request.get(5, TimeUnit.SECONDS)).hasSize(20).containsOnly("v1");
        waitFor(() -> settings.get().equals("v2"));
        assertThat(checks.get()).isPositive();
    }

    @Test
    void aChangeElsewhereIsSeenWithinAboutTheInterval() throws Exception {
        AtomicReference<String> store = new AtomicReference<>("v1");
        Rechecked<String> settings =
                new Rechecked<>("test settings", "v1", s -> store.get(), checker, Duration.ofMillis(30));
        store.set("v2");
        waitFor(() -> settings.get().equals("v2"));
        assertThat(settings.get()).isEqualTo("v2");
    }

    @Test
    void aCallerThatCannotGoOnWithTheSnapshotGetsACheckThatBeganAfterItAsked() throws Exception {
        AtomicReference<String> store = new AtomicReference<>("v1");
        AtomicInteger checks = new AtomicInteger();
        Rechecked<String> settings = new Rechecked<>(
                "test settings",
                "v1",
                s -> {
                    checks.incrementAndGet();
                    return store.get();
                },
                checker,
                Duration.ofHours(1));
        store.set("v2");
        assertThat(settings.get()).isEqualTo("v1");
        assertThat(settings.afterCheck(Duration.ofMillis(20), Duration.ofSeconds(5)))
                .isEqualTo("v2");
        store.set("v3");
        // the next one is spaced from the last, and still begins after the change
        assertThat(settings.afterCheck(Duration.ofMillis(20), Duration.ofSeconds(5)))
                .isEqualTo("v3");
        assertThat(checks.get()).isEqualTo(2);
        assertThat(settings.get()).isEqualTo("v3");
    }

    @Test
    void aSlowCheckIsWaitedForOnlyAsLongAsTheCallerSaid() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Rechecked<String> settings = new Rechecked<>(
                "test settings",
                "v1",
                s -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "v2";
                },
                checker,
                Duration.ofHours(1));
        assertThat(settings.afterCheck(Duration.ofMillis(1), Duration.ofMillis(50)))
                .isEqualTo("v1");
        release.countDown();
        waitFor(() -> settings.get().equals("v2"));
    }

    @Test
    void manyCallersAskingAtOnceShareOneCheck() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger checks = new AtomicInteger();
        Rechecked<Integer> settings = new Rechecked<>(
                "test settings",
                0,
                s -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return checks.incrementAndGet();
                },
                checker,
                Duration.ofHours(1));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(callers.submit(() -> {
                go.await();
                return settings.afterCheck(Duration.ofMillis(200), Duration.ofSeconds(5));
            }));
        }
        go.countDown();
        for (Future<Integer> a : answers) {
            assertThat(a.get(5, TimeUnit.SECONDS)).isPositive();
        }
        assertThat(mostAtOnce.get()).isEqualTo(1);
        // the callers that asked before a check began share it; one arriving while it runs waits for the next
        assertThat(checks.get()).isBetween(1, 2);
    }

    @Test
    void aFailedCheckKeepsTheSnapshotAndTheChecksGoOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Rechecked<String> settings = new Rechecked<>(
                "test settings",
                "v1",
                s -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("database unreachable");
                    }
                    return "v2";
                },
                checker,
                Duration.ofMillis(20));
        waitFor(() -> calls.get() >= 1);
        assertThat(settings.get()).isIn("v1", "v2");
        waitFor(() -> settings.get().equals("v2"));
        assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aChangeMadeThroughThisNodeDuringACheckIsNotUndoneByIt() throws Exception {
        CountDownLatch checking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Rechecked<String> settings = new Rechecked<>(
                "test settings",
                "v1",
                s -> {
                    if (checking.getCount() == 0) {
                        return s; // later checks: the store's version has not moved since
                    }
                    checking.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "read before the change";
                },
                checker,
                Duration.ofMillis(10));
        assertThat(checking.await(5, TimeUnit.SECONDS)).isTrue();
        settings.set("changed here");
        release.countDown();
        Thread.sleep(50);
        assertThat(settings.get()).isEqualTo("changed here");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
