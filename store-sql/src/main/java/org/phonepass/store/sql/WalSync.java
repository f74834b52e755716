package org.phonepass.store.sql;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the embedded database: makes every commit durable before its caller answers, with one
 * {@code fdatasync} of the write-ahead log for all the commits that finished while the previous one ran.
 *
 * <p>With {@code synchronous=FULL}, SQLite syncs the WAL inside each commit, while the commit still holds the
 * database's single writer lock: every other writer waited for that disk flush, so the flushes ran one after
 * another and the two cores sat a fifth idle under load. The connections now run with {@code synchronous=NORMAL},
 * which is FULL without that per-commit sync (SQLite still syncs the WAL before each checkpoint, the database
 * after it, and the WAL header when the file is reused). The missing sync happens here, after the commit, on the
 * writer's sync thread ({@code Jdbc.Writer}): each commit takes a ticket, and the sync thread waits until a sync
 * that began after the last commit it was handed has ended. While one sync runs, the writer goes on committing;
 * when it ends, the next sync covers every commit made meanwhile. SQLite has no hook for this (its VFS layer is C),
 * hence this class.
 *
 * <p>Linux flushes a file's data by inode, whichever descriptor asks, so a read-only channel of our own on the
 * {@code -wal} file flushes what SQLite wrote through its own. The WAL is the same file for the life of the
 * database, except when the last connection closes: SQLite then checkpoints everything into the database file,
 * syncs it, and deletes the WAL, which the next connection creates anew. So each sync checks that the channel still
 * names the file at the WAL's path and reopens it if not; a WAL that is not there holds nothing unsynced.
 */
class WalSync implements AutoCloseable {
    /** As long as a unit of work waits for the writer: past it the request gets a 503, not an endless wait. */
    private static final long WAIT_MILLIS = Jdbc.WRITER_WAIT_MILLIS;

    private final Path wal;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled, under {@link #lock}, when a sync ends. */
    private final Condition ended = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private boolean syncRunning;
    /** Every commit whose ticket is at most this is on disk. Written under {@link #lock}. */
    private volatile long syncedUpTo;
    /** Guards the channel, which the running sync uses without {@link #lock}. */
    private final Object channelGuard = new Object();

    private FileChannel channel;
    private Object channelFile;

    /** @param wal the database file's write-ahead log: its path with {@code -wal} appended */
    WalSync(Path wal) {
        this.wal = Objects.requireNonNull(wal, "wal cannot be null");
    }

    static WalSync forDatabase(Path databaseFile) {
        Path file = databaseFile.toAbsolutePath();
        return new WalSync(file.resolveSibling(file.getFileName() + "-wal"));
    }

    /** Called once a commit has returned: its ticket, for {@link #awaitDurable}. */
    long committed() {
        return committed.incrementAndGet();
    }

    /**
     * Returns once the commit that got {@code ticket} is on disk, syncing the WAL if no sync that began after it
     * has ended yet.
     *
     * @throws StorageException if the sync fails (the commit is then visible but may not survive a power cut,
     *                          and the caller must not report success)
     */
    void awaitDurable(long ticket) {
        if (syncedUpTo >= ticket) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        lock.lock();
        try {
            // A waiter that a finished sync covered returns; of the others, the first to see no sync running starts
            // one for all the commits made so far, and the rest wait for it rather than queue for syncs of their own.
            while (syncedUpTo < ticket) {
                if (!syncRunning) {
                    sync();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new StorageException(
                                "database busy: the write-ahead log was not synced within " + WAIT_MILLIS + " ms",
                                null);
                    }
                    ended.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the database to sync", e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs one sync, with {@link #lock} held on entry and exit but not during the disk flush. */
    private void sync() {
        syncRunning = true;
        // Every commit counted by now has returned, so its frames are in the file: this sync covers them all.
        long upTo = committed.get();
        boolean done = false;
        lock.unlock();
        try {
            synchronized (channelGuard) {
                force();
            }
            done = true;
        } catch (IOException e) {
            throw new StorageException("could not sync the database's write-ahead log", e);
        } finally {
            lock.lock();
            syncRunning = false;
            if (done) {
                syncs.incrementAndGet();
                syncedUpTo = upTo;
            }
            ended.signalAll();
        }
    }

    /** Flushes the WAL's data to disk; a test may stand in for the disk. One at a time, under the channel's guard. */
    void force() throws IOException {
        Object file;
        try {
            file = Files.readAttributes(wal, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            closeChannel();
            return;
        }
        if (channel == null || !Objects.equals(file, channelFile)) {
            closeChannel();
            try {
                channel = FileChannel.open(wal, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return;
            }
            // Opened after the look at the path, so the channel holds the newest WAL; if the WAL was replaced in
            // between, the keys differ and the next round reopens, while the replaced one was synced by SQLite.
            channelFile = file;
        }
        channel.force(false);
    }

    /** How many syncs have run; for tests. */
    long syncs() {
        return syncs.get();
    }

    /** The last ticket handed out; for tests. */
    long tickets() {
        return committed.get();
    }

    /** The file the open channel syncs (its inode), or null; for tests. */
    Object syncedFile() {
        synchronized (channelGuard) {
            return channelFile;
        }
    }

    private void closeChannel() throws IOException {
        FileChannel open = channel;
        channel = null;
        channelFile = null;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public void close() {
        synchronized (channelGuard) {
            try {
                closeChannel();
            } catch (IOException e) {
                // Nothing waits on this channel any more; the file itself is SQLite's to close.
            }
        }
    }
}
