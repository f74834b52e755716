package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ConsumeResult;
import org.slf4j.MDC;

/**
 * Group commit on the embedded database ({@code Jdbc.Writer}): units of work that queue for the writer thread share
 * one transaction and one commit, each in its own savepoint, and none of their callers returns before that commit is
 * durable.
 */
class EmbeddedGroupCommitTest {
    @TempDir
    Path dir;

    private SqlStorage storage;
    private Jdbc jdbc;
    private WalSync sync;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        storage = SqlStorage.embedded(dir.resolve("group.db"), true);
        jdbc = storage.jdbc();
        sync = jdbc.durability();
        // Long enough that a batch formed on purpose is not cut by time on a loaded machine.
        jdbc.batchCaps(Jdbc.BATCH_UNITS, TimeUnit.SECONDS.toNanos(30));
        jdbc.write(c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
                st.executeUpdate("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
                // Checked at COMMIT: the way to make a batch's commit fail after every unit in it succeeded.
                st.executeUpdate("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) "
                        + "DEFERRABLE INITIALLY DEFERRED)");
                return st.executeUpdate("CREATE TABLE counter (n INTEGER)");
            }
        });
        jdbc.write(c -> Jdbc.update(c, "INSERT INTO counter VALUES (0)"));
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        storage.close();
    }

    /**
     * Runs {@code first} as a unit of work that holds the writer until {@code others} have all queued behind it, then
     * the others; so all of them run as one batch. Returns each unit's future, {@code first}'s at index 0, and for
     * each the WAL syncs counted when its caller got its answer.
     */
    private List<Future<Long>> batch(Supplier<?> first, List<Supplier<?>> others) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        List<Future<Long>> done = new ArrayList<>();
        done.add(pool.submit(() -> {
            storage.unitOfWork().run(() -> {
                inside.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (jdbc.queuedWriters() < others.size() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                return first.get();
            });
            return sync.syncs();
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        for (Supplier<?> unit : others) {
            done.add(pool.submit(() -> {
                storage.unitOfWork().run(unit);
                return sync.syncs();
            }));
        }
        return done;
    }

    private Supplier<?> insert(String key) {
        return () -> jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO t VALUES (?, 1)", key));
    }

    @Test
    void unitsWhenQueuedThenOneCommitAndOneSyncCoverThemAllBeforeAnyCallerReturns() throws Exception {
        long syncsBefore = sync.syncs();
        long ticketsBefore = sync.tickets();
        List<Future<Long>> done = batch(insert("a"), List.of(insert("b"), insert("c"), insert("d")));
        for (Future<Long> f : done) {
            assertThat(f.get(10, TimeUnit.SECONDS))
                    .as("the sync of its commit had ended when its caller got its answer")
                    .isGreaterThan(syncsBefore);
        }
        assertThat(keys()).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(sync.tickets() - ticketsBefore).as("commits").isEqualTo(1);
        assertThat(sync.syncs() - syncsBefore).as("syncs").isEqualTo(1);
    }

    @Test
    void unitWhenItThrowsInABatchThenOnlyItsWritesAreUndoneAndItsCallerGetsItsException() throws Exception {
        Supplier<?> failing = () -> {
            insert("b").get();
            // A nested unit of work joins this one and is undone with it.
            storage.unitOfWork().run(insert("b2"));
            throw new IllegalStateException("signing failed");
        };
        List<Future<Long>> done = batch(insert("a"), List.of(failing, insert("c"), insert("d")));
        done.get(0).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> done.get(1).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("signing failed");
        done.get(2).get(10, TimeUnit.SECONDS);
        done.get(3).get(10, TimeUnit.SECONDS);
        assertThat(keys()).containsExactlyInAnyOrder("a", "c", "d");
    }

    @Test
    void unitWhenTheFirstOfABatchThrowsThenTheOthersStillCommit() throws Exception {
        Supplier<?> failing = () -> {
            insert("a").get();
            throw new IllegalStateException("first failed");
        };
        List<Future<Long>> done = batch(failing, List.of(insert("b"), insert("c")));
        assertThatThrownBy(() -> done.get(0).get(10, TimeUnit.SECONDS)).hasRootCauseMessage("first failed");
        done.get(1).get(10, TimeUnit.SECONDS);
        done.get(2).get(10, TimeUnit.SECONDS);
        assertThat(keys()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void batchWhenItsCommitFailsThenEveryUnitInItFailsAndNothingIsKept() throws Exception {
        Supplier<?> orphan = () -> jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO child VALUES (42)"));
        List<Future<Long>> done = batch(insert("a"), List.of(insert("b"), orphan, insert("c")));
        for (Future<Long> f : done) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .as("every unit of the batch")
                    .hasCauseInstanceOf(StorageException.class);
        }
        assertThat(keys()).isEmpty();
        // The writer connection was replaced and takes the next unit as usual.
        storage.unitOfWork().run(insert("after"));
        assertThat(keys()).containsExactly("after");
    }

    @Test
    void unitsWhenManyThreadsWriteAtOnceThenEachCommitsExactlyOnce() throws Exception {
        int threads = 16;
        int each = 40;
        long ticketsBefore = sync.tickets();
        CountDownLatch go = new CountDownLatch(1);
        Queue<Integer> seen = new ConcurrentLinkedQueue<>();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    String key = thread + "-" + i;
                    int before = storage.unitOfWork().run(() -> {
                        int n = counter();
                        jdbc.write(c -> Jdbc.update(c, "UPDATE counter SET n = n + 1"));
                        insert(key).get();
                        return n;
                    });
                    seen.add(before);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(counter()).isEqualTo(threads * each);
        assertThat(keys()).hasSize(threads * each).doesNotHaveDuplicates();
        // Each unit saw the counter as the units committed before it left it: every value once.
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, threads * each).boxed().toList());
        assertThat(sync.tickets() - ticketsBefore).as("commits").isBetween(1L, (long) threads * each);
    }

    @Test
    void writersWhenTheyKeepTheWriterBusyThenEachGetsThroughWellWithinTheWait() throws Exception {
        int threads = 16;
        int each = 60;
        long bound = TimeUnit.MILLISECONDS.toNanos(Jdbc.WRITER_WAIT_MILLIS / 2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                long longest = 0;
                for (int i = 0; i < each; i++) {
                    String key = "w" + thread + "-" + i;
                    long began = System.nanoTime();
                    jdbc.write(c -> Jdbc.update(c, "INSERT INTO t VALUES (?, 1)", key));
                    longest = Math.max(longest, System.nanoTime() - began);
                }
                return longest;
            }));
        }
        go.countDown();
        for (Future<Long> f : done) {
            assertThat(f.get(60, TimeUnit.SECONDS))
                    .as("longest write of a thread, ns")
                    .isLessThan(bound);
        }
        assertThat(keys()).hasSize(threads * each).doesNotHaveDuplicates();
    }

    @Test
    void writersWhenManyQueueThenTheWriterRunsThemInArrivalOrderInOneBatch() throws Exception {
        // The writer thread (Jdbc, "One writer thread"): units queued while one runs are run in the order they came,
        // each on the writer's thread, and share one commit.
        int others = 12;
        long ticketsBefore = sync.tickets();
        Queue<Integer> ran = new ConcurrentLinkedQueue<>();
        Queue<String> threads = new ConcurrentLinkedQueue<>();
        CountDownLatch allQueued = new CountDownLatch(1);
        Future<?> holder =
                holdWriter(allQueued, () -> threads.add(Thread.currentThread().getName()));
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < others; i++) {
            int n = i;
            done.add(pool.submit(() -> storage.unitOfWork().run(() -> {
                ran.add(n);
                threads.add(Thread.currentThread().getName());
                return insert("w" + n).get();
            })));
            awaitQueued(i + 1);
        }
        allQueued.countDown();
        holder.get(10, TimeUnit.SECONDS);
        for (Future<?> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(ran)
                .containsExactlyElementsOf(IntStream.range(0, others).boxed().toList());
        assertThat(threads).hasSize(others + 1).containsOnly("phonepass-db-writer");
        assertThat(keys()).hasSize(others + 1);
        assertThat(sync.tickets() - ticketsBefore).as("commits").isEqualTo(1);
    }

    @Test
    void unitWhenItsCallerIsInterruptedWhileItIsQueuedThenItNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdWriter(release, () -> {});
        Thread[] caller = new Thread[1];
        Future<?> given = pool.submit(() -> {
            caller[0] = Thread.currentThread();
            return storage.unitOfWork().run(insert("withdrawn"));
        });
        awaitQueued(1);
        caller[0].interrupt();
        assertThatThrownBy(() -> given.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StorageException.class)
                .hasRootCauseInstanceOf(InterruptedException.class)
                .cause()
                .hasMessage("interrupted while waiting to write");
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        storage.unitOfWork().run(insert("after"));
        assertThat(keys()).containsExactlyInAnyOrder("holder", "after");
    }

    @Test
    void unitWhenItsCallerHasALogContextThenItsCodeRunsWithIt() throws Exception {
        Future<String> seen = pool.submit(() -> {
            MDC.put("request_id", "req-42");
            try {
                return storage.unitOfWork().run(() -> {
                    insert("logged").get();
                    return MDC.get("request_id") + " on "
                            + Thread.currentThread().getName();
                });
            } finally {
                MDC.clear();
            }
        });
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("req-42 on phonepass-db-writer");
        // And the next unit, queued without one, does not inherit it.
        assertThat(storage.unitOfWork().run(() -> MDC.get("request_id"))).isNull();
    }

    @Test
    void closeWhenUnitsAreQueuedThenTheyCommitAndLaterOnesAreRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdWriter(release, () -> {});
        Future<?> queued = pool.submit(() -> storage.unitOfWork().run(insert("queued")));
        awaitQueued(1);
        Future<?> closing = pool.submit(() -> jdbc.close());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jdbc.queuedWriters() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);
        holder.get(10, TimeUnit.SECONDS);
        queued.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> storage.unitOfWork().run(insert("late")))
                .isInstanceOf(StorageException.class)
                .hasMessage("the database is closed");
        assertThat(keys()).containsExactlyInAnyOrder("holder", "queued");
    }

    /**
     * Starts a unit of work that runs {@code inside} and then holds the writer until {@code release} opens, and
     * returns once it is running; it then inserts the key "holder".
     */
    private Future<?> holdWriter(CountDownLatch release, Runnable inside) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Future<?> holder = pool.submit(() -> storage.unitOfWork().run(() -> {
            inside.run();
            running.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return insert("holder").get();
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return holder;
    }

    private void awaitQueued(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jdbc.queuedWriters() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(jdbc.queuedWriters()).as("units queued").isEqualTo(n);
    }

    @Test
    void consumeWhenSixteenThreadsUseTheSameCodeThenExactlyOneWins() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        byte[] hash = new byte[32];
        hash[0] = 7;
        for (int round = 0; round < 3; round++) {
            String phone = "+3361000000" + round;
            storage.challenges()
                    .create(
                            new Challenge(
                                    "c" + round, "client-a", phone, hash, now, now.plus(Duration.ofMinutes(3)), 0, 99),
                            0);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ConsumeResult>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    // As a verify does it: the code and the login's writes in one unit of work.
                    return storage.unitOfWork().run(() -> {
                        ConsumeResult r = storage.challenges().consume("client-a", phone, hash, now.plusSeconds(1));
                        if (r.isAccepted()) {
                            storage.users().recordLogin(phone, "user-" + phone, "198.51.100.7", now, true);
                        }
                        return r;
                    });
                }));
            }
            go.countDown();
            int accepted = 0;
            for (Future<ConsumeResult> f : done) {
                if (f.get(30, TimeUnit.SECONDS).isAccepted()) {
                    accepted++;
                }
            }
            assertThat(accepted).as("round %d", round).isEqualTo(1);
            assertThat(storage.users().findByPhone(phone))
                    .hasValueSatisfying(u -> assertThat(u.loginsCount()).isEqualTo(1));
        }
    }

    private int counter() {
        return jdbc.withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(c, "SELECT n FROM counter");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private List<String> keys() {
        return jdbc.withConnection(c -> {
            List<String> keys = new ArrayList<>();
            try (PreparedStatement ps = Jdbc.prepare(c, "SELECT k FROM t");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        });
    }
}
