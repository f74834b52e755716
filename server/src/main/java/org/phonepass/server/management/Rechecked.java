package org.phonepass.server.management;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every node reads from the database and keeps in memory (the clients, the SMS connection), checked again on a
 * background thread once per interval, never by a request (docs/management.md#how-nodes-see-changes). Requests read
 * the snapshot in force without waiting. A request that cannot go on with it (a client id this node does not know)
 * asks for a check and waits for it, for a bounded time, without blocking anyone else.
 *
 * <p>Why not a check by the first request after the interval, under a lock, as before: that request held the lock
 * while it waited for a pooled connection, every other request queued behind it, and requests inside a unit of work
 * queued while holding the pool's connections. On PostgreSQL under load the pool ran dry and logins stalled for the
 * pool's whole timeout, again and again (docs/benchmarks.md, "Management settings stalled logins").
 *
 * @param <S> the snapshot; a check returns the same object when nothing changed
 */
final class Rechecked<S> {
    private static final Logger log = LoggerFactory.getLogger(Rechecked.class);

    private final String what;
    private final UnaryOperator<S> check;
    private final ScheduledExecutorService checker;
    private final AtomicReference<S> current;
    /** A check asked for by {@link #afterCheck} that has not begun yet, or null; guarded by this. */
    private CompletableFuture<S> queued;
    /** When the last check began ({@link System#nanoTime}); guarded by this. */
    private long lastBegan = System.nanoTime();

    /**
     * Checks every {@code interval} on {@code checker} from now on.
     *
     * @param what    named in the warning when a check fails
     * @param initial the snapshot loaded at start
     * @param check   given the snapshot in force, returns the one to use; it may throw, and then the snapshot in
     *                force stays
     */
    Rechecked(String what, S initial, UnaryOperator<S> check, ScheduledExecutorService checker, Duration interval) {
        this.what = Objects.requireNonNull(what, "what cannot be null");
        this.check = Objects.requireNonNull(check, "check cannot be null");
        this.checker = Objects.requireNonNull(checker, "checker cannot be null");
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
        long millis = interval.toMillis();
        checker.scheduleWithFixedDelay(this::checkNowOnThisThread, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The snapshot in force, without waiting. */
    S get() {
        return current.get();
    }

    /**
     * The snapshot as a check that begins after this call finds it: for a caller that cannot go on with the snapshot
     * in force (a client id this node does not know may have been created on another node a moment ago). Checks
     * asked for this way begin at most once per {@code spacing}, and every caller that asks before one begins shares
     * it, so a script sending unknown ids costs the database at most one query per spacing. Waits up to
     * {@code wait}; past it, or when the check fails, the snapshot in force.
     */
    S afterCheck(Duration spacing, Duration wait) {
        CompletableFuture<S> next;
        synchronized (this) {
            if (queued == null) {
                CompletableFuture<S> mine = new CompletableFuture<>();
                long delay = Math.max(0, lastBegan + spacing.toNanos() - System.nanoTime());
                try {
                    checker.schedule(() -> begin(mine), delay, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    return get(); // the server is stopping
                }
                queued = mine;
            }
            next = queued;
        }
        try {
            return next.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the check's own failure was logged where it ran; the snapshot in force serves meanwhile
        }
        return get();
    }

    /** Replaces the snapshot at once: after a change made through this node, which must see it on its next request. */
    void set(S value) {
        current.set(Objects.requireNonNull(value));
    }

    /** The periodic check; it also answers the callers waiting for a check that has not begun yet. */
    private void checkNowOnThisThread() {
        CompletableFuture<S> mine;
        synchronized (this) {
            mine = queued != null ? queued : new CompletableFuture<>();
        }
        begin(mine);
    }

    /** On the checker's thread: begins the check that {@code mine} stands for, unless one already answered it. */
    private void begin(CompletableFuture<S> mine) {
        synchronized (this) {
            if (queued == mine) {
                queued = null;
            }
            if (mine.isDone()) {
                return;
            }
            lastBegan = System.nanoTime();
        }
        run(mine);
    }

    private void run(CompletableFuture<S> mine) {
        try {
            S before = current.get();
            S next = before;
            try {
                next = Objects.requireNonNull(check.apply(before), "a check returned null");
            } catch (RuntimeException e) {
                log.warn("could not check {} ({}); keeping the ones loaded", what, e.getMessage());
            }
            // A set() made while the check ran is newer than what the check read, and stays.
            current.compareAndSet(before, next);
            mine.complete(get());
        } catch (RuntimeException e) {
            // not rethrown: the periodic check would stop for good
            log.error("checking {} failed", what, e);
            mine.completeExceptionally(e);
        }
    }
}
