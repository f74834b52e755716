package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on the embedded database: no caller goes on before its commit is synced, and syncs are shared. */
class WalSyncTest {
    @TempDir
    Path dir;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** A disk that takes 2 ms per sync and remembers the newest ticket each finished sync covered. */
    private static final class SlowDisk extends WalSync {
        final AtomicLong covered = new AtomicLong();
        final AtomicBoolean fail = new AtomicBoolean();

        SlowDisk(Path wal) {
            super(wal);
        }

        @Override
        void force() throws IOException {
            long upTo = tickets();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fail.get()) {
                throw new IOException("EIO");
            }
            covered.accumulateAndGet(upTo, Math::max);
        }
    }

    @Test
    void awaitDurableWhenCommitsArriveDuringASyncThenEachWaitsForOneThatBeganAfterItAndSyncsAreShared()
            throws Exception {
        SlowDisk disk = new SlowDisk(dir.resolve("db-wal"));
        int threads = 16;
        int commits = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> early = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                early.add(pool.submit(() -> {
                    long returnedEarly = 0;
                    for (int i = 0; i < commits; i++) {
                        long ticket = disk.committed();
                        disk.awaitDurable(ticket);
                        if (disk.covered.get() < ticket) {
                            returnedEarly++;
                        }
                    }
                    return returnedEarly;
                }));
            }
            for (Future<Long> f : early) {
                assertThat(f.get())
                        .as("commits whose caller went on before a sync covered them")
                        .isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(disk.tickets()).isEqualTo(threads * commits);
        // 400 commits by 16 threads against a 2-ms disk: one sync per commit would take 800 ms alone.
        assertThat(disk.syncs()).isGreaterThan(0).isLessThan(threads * commits / 2);
    }

    @Test
    void awaitDurableWhenTheSyncFailsThenAStorageErrorAndTheNextCallSyncsAgain() {
        SlowDisk disk = new SlowDisk(dir.resolve("db-wal"));
        disk.fail.set(true);
        long ticket = disk.committed();
        assertThatThrownBy(() -> disk.awaitDurable(ticket))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("sync")
                .hasCauseInstanceOf(IOException.class);
        disk.fail.set(false);
        disk.awaitDurable(ticket);
        assertThat(disk.covered.get()).isEqualTo(ticket);
        assertThat(disk.syncs()).isEqualTo(1);
    }

    @Test
    void forceWhenTheWalIsDeletedAndCreatedAgainThenTheNewFileIsSynced() throws Exception {
        Path wal = dir.resolve("db-wal");
        try (WalSync sync = new WalSync(wal)) {
            sync.awaitDurable(sync.committed());
            assertThat(sync.syncedFile())
                    .as("no WAL yet: nothing open, nothing to sync")
                    .isNull();

            Files.write(wal, new byte[] {1, 2, 3});
            sync.awaitDurable(sync.committed());
            Object first = inode(wal);
            assertThat(sync.syncedFile()).isEqualTo(first);

            // What SQLite does when the last connection closes and the next one opens.
            Path kept = dir.resolve("kept");
            Files.move(wal, kept);
            Files.write(wal, new byte[] {4, 5, 6});
            assertThat(inode(wal)).isNotEqualTo(first);
            sync.awaitDurable(sync.committed());
            assertThat(sync.syncedFile()).isEqualTo(inode(wal));

            Files.delete(wal);
            sync.awaitDurable(sync.committed());
            assertThat(sync.syncedFile()).isNull();
            assertThat(sync.syncs()).isEqualTo(4);
        }
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void embeddedWhenSynchronousFullThenSqliteLeavesTheSyncToUsAndEveryCommitWaitsForOne() throws Exception {
        Path file = dir.resolve("phonepass.db");
        try (SqlStorage storage = SqlStorage.embedded(file, true)) {
            assertThat(synchronousPragma(storage))
                    .as("SQLite's own per-commit sync is off: 1 is NORMAL")
                    .isEqualTo(1);
            WalSync sync = storage.jdbc().durability();
            assertThat(sync).isNotNull();
            assertThat(sync.syncedFile()).as("the WAL beside the database").isEqualTo(inode(Path.of(file + "-wal")));

            long before = sync.syncs();
            storage.unitOfWork()
                    .run(() -> storage.users().recordLogin("+19995550100", "user-1", "198.51.100.7", now, true));
            assertThat(sync.syncs()).as("one unit of work, alone: one sync").isEqualTo(before + 1);
            storage.users().recordLogin("+19995550101", "user-2", "198.51.100.7", now, true);
            assertThat(sync.syncs()).as("one statement outside a unit of work").isEqualTo(before + 2);
            assertThat(sync.tickets()).isEqualTo(before + 2);
        }
        try (SqlStorage reopened = SqlStorage.embedded(file, true)) {
            assertThat(reopened.users().findByPhone("+19995550100")).isPresent();
            assertThat(reopened.users().findByPhone("+19995550101")).isPresent();
        }
    }

    @Test
    void embeddedWhenManyThreadsCommitThenEveryWriteIsKeptAndNoneReturnsUnsynced() throws Exception {
        try (SqlStorage storage = SqlStorage.embedded(dir.resolve("phonepass.db"), true)) {
            WalSync sync = storage.jdbc().durability();
            int threads = 8;
            int each = 40;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            String phone = String.format("+1999%04d%04d", thread, i);
                            storage.unitOfWork()
                                    .run(() ->
                                            storage.users().recordLogin(phone, "u" + phone, "198.51.100.7", now, true));
                            assertThat(sync.syncs()).isPositive();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < each; i++) {
                    assertThat(storage.users().findByPhone(String.format("+1999%04d%04d", t, i)))
                            .isPresent();
                }
            }
            assertThat(sync.syncs()).isBetween(1L, sync.tickets());
        }
    }

    @Test
    void embeddedWhenSynchronousNormalThenNoSyncOfOurs() throws Exception {
        try (SqlStorage storage = SqlStorage.embedded(dir.resolve("phonepass.db"), false)) {
            assertThat(storage.jdbc().durability()).isNull();
            assertThat(synchronousPragma(storage)).isEqualTo(1);
        }
    }

    private static int synchronousPragma(SqlStorage storage) {
        return storage.jdbc().withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
