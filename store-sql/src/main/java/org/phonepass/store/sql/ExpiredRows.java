package org.phonepass.store.sql;

/**
 * Deletes expired rows a batch at a time, each batch its own short write: a table that has grown to a million expired
 * rows (a node that was down, a retention just shortened) would otherwise be cleared by one statement that holds the
 * embedded database's single writer, and with it every login, for seconds (docs/benchmarks.md#data-growth).
 */
final class ExpiredRows {
    /**
     * Rows per statement. Measured with a million expired codes on two cores shared with 30 other runnable threads,
     * batches of 2 000 by the text id held the writer about 200 ms each; 500 by the integer key keep each batch to a
     * fraction of a login's own time, so a login waits at most that long behind one.
     */
    static final int BATCH = 500;

    private ExpiredRows() {}

    /**
     * Deletes the rows of {@code table} whose {@code expires_at} is before {@code cutoffMillis}, selected by their
     * unique {@code key} through the index on {@code expires_at}; returns how many.
     */
    static int delete(Jdbc jdbc, String table, String key, long cutoffMillis) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table
                + " WHERE expires_at < ? LIMIT ?)";
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.write(conn -> Jdbc.update(conn, sql, cutoffMillis, BATCH));
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
