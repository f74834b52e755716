package org.phonepass.store.sql;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Deletes expired rows a batch at a time, each batch its own short write: a table that has grown to a million expired
 * rows (a node that was down, a retention just shortened) would otherwise be cleared by one statement that holds the
 * embedded database's single writer, and with it every login, for seconds (docs/benchmarks.md#data-growth).
 *
 * <p>Between two full batches the sweep rests {@link #REST_FACTOR} times as long as the batch took, so that a backlog
 * is cleared with at most a quarter of one core and of the writer's time, however large it is; the logins in flight
 * keep the rest. A sweep that finds less than one batch never rests.
 */
final class ExpiredRows {
    /**
     * Rows per statement. Measured with a million expired codes on two cores shared with 30 other runnable threads,
     * batches of 2 000 by the text id held the writer about 200 ms each; 500 by the integer key keep each batch to a
     * fraction of a login's own time, so a login waits at most that long behind one.
     */
    static final int BATCH = 500;

    /**
     * How long a sweep rests after a full batch, as a multiple of the batch's own time. On a quiet two-core machine
     * (docs/benchmarks.md#data-growth) a sweep of a million codes without rests held p99 at up to 6 × p50 while it
     * ran; with this rest it takes about four times as long and uses a quarter of what it did per second.
     */
    static final int REST_FACTOR = 3;

    /** How a sweep waits between batches; tests replace it. */
    interface Rest {
        void after(long batchNanos) throws InterruptedException;
    }

    static final Rest SLEEP = batchNanos -> TimeUnit.NANOSECONDS.sleep(batchNanos * REST_FACTOR);

    private ExpiredRows() {}

    /**
     * Deletes the rows of {@code table} whose {@code expires_at} is before {@code cutoffMillis}, selected by their
     * unique {@code key} through the index on {@code expires_at}; returns how many.
     */
    static int delete(Jdbc jdbc, String table, String key, long cutoffMillis) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table
                + " WHERE expires_at < ? LIMIT ?)";
        return (int) inBatches(() -> jdbc.write(conn -> Jdbc.update(conn, sql, cutoffMillis, BATCH)), BATCH, SLEEP);
    }

    /**
     * Runs {@code batch} (which deletes at most {@code size} rows and says how many it did) until a batch deletes
     * fewer than {@code size}, resting between full batches. An interrupted sweep stops where it is: the rest of its
     * rows go at the next one.
     *
     * @return the rows deleted
     */
    static long inBatches(IntSupplier batch, int size, Rest rest) {
        long total = 0;
        while (true) {
            long t0 = System.nanoTime();
            int deleted = batch.getAsInt();
            total += deleted;
            if (deleted < size) {
                return total;
            }
            try {
                rest.after(System.nanoTime() - t0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return total;
            }
        }
    }
}
