package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/**
 * The embedded database's writers: one physical connection for every write (its page cache stays valid), a unit of
 * work that ends with no transaction left open, and a writer connection that failed replaced by a fresh one.
 */
class EmbeddedWriterConnectionTest {
    @TempDir
    Path dir;

    private SqlStorage storage;
    private Jdbc jdbc;

    @BeforeEach
    void open() {
        storage = SqlStorage.embedded(dir.resolve("writer.db"), true);
        jdbc = storage.jdbc();
        jdbc.write(c -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
            }
        });
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private Connection physical(Connection c) throws java.sql.SQLException {
        return c.unwrap(SQLiteConnection.class);
    }

    @Test
    void writesWhenOneAfterAnotherThenTheyRunOnOnePhysicalConnection() {
        Connection first = jdbc.inTransaction(c -> {
            Jdbc.update(c, "INSERT INTO t VALUES ('a', 1)");
            return physical(c);
        });
        Connection second = jdbc.inTransaction(c -> {
            Jdbc.update(c, "INSERT INTO t VALUES ('b', 2)");
            return physical(c);
        });
        Connection single = jdbc.write(c -> {
            Jdbc.update(c, "INSERT INTO t VALUES ('c', 3)");
            return physical(c);
        });
        assertThat(second).isSameAs(first);
        assertThat(single).isSameAs(first);
        assertThat(count()).isEqualTo(3);
    }

    @Test
    void unitOfWorkWhenCommittedThenAnotherConnectionMayWriteAtOnce() throws Exception {
        jdbc.inTransaction(c -> Jdbc.update(c, "INSERT INTO t VALUES ('a', 1)"));
        // A reader's connection from the pool: it could not take the writer lock if the unit of work had left a
        // transaction open (sqlite-jdbc's commit() begins the next one), and would give up after 100 ms.
        jdbc.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 100");
                st.execute("BEGIN IMMEDIATE");
                st.execute("ROLLBACK");
                st.execute("PRAGMA busy_timeout = 10000");
            }
            return null;
        });
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void unitOfWorkWhenItsConnectionBreaksThenTheNextWriterGetsAnotherOne() {
        Connection[] broken = new Connection[1];
        assertThatThrownBy(() -> jdbc.inTransaction(c -> {
                    broken[0] = physical(c);
                    Jdbc.update(c, "INSERT INTO t VALUES ('lost', 0)");
                    broken[0].close();
                    return Jdbc.update(c, "INSERT INTO t VALUES ('never', 0)");
                }))
                .isInstanceOf(StorageException.class);
        Connection next = jdbc.inTransaction(c -> {
            Jdbc.update(c, "INSERT INTO t VALUES ('kept', 1)");
            return physical(c);
        });
        assertThat(next).isNotSameAs(broken[0]);
        assertThat(count()).isEqualTo(1);
        int tempStore = jdbc.write(c -> pragma(c, "temp_store"));
        assertThat(tempStore).isEqualTo(2);
    }

    @Test
    void connectionsWhenOpenedThenTheWritersTemporaryFilesStayInMemoryAndTheLogIsCopiedEvery4000Pages() {
        int[] writer = jdbc.write(c -> new int[] {pragma(c, "temp_store"), pragma(c, "wal_autocheckpoint")});
        int[] reader = jdbc.withConnection(c -> new int[] {pragma(c, "temp_store"), pragma(c, "wal_autocheckpoint")});
        // temp_store 2 is MEMORY: a savepoint's journal never spills to a file. The readers keep the default (0),
        // so a large sort spills to disk instead of memory.
        assertThat(writer).containsExactly(2, SqlStorage.WAL_AUTOCHECKPOINT_PAGES);
        assertThat(reader).containsExactly(0, SqlStorage.WAL_AUTOCHECKPOINT_PAGES);
    }

    @Test
    void walWhenTwoCommitsOf1500PagesThenTheSecondIsAppendedNotWrittenOverACheckpointedFirst() throws Exception {
        jdbc.write(c -> Jdbc.update(c, "CREATE TABLE big (b BLOB)"));
        Path wal = dir.resolve("writer.db-wal");
        // About 1 500 pages each: past SQLite's default of 1 000, under WAL_AUTOCHECKPOINT_PAGES together.
        for (int i = 0; i < 2; i++) {
            jdbc.inTransaction(c -> Jdbc.update(
                    c,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "
                            + "INSERT INTO big SELECT randomblob(3500) FROM n"));
        }
        // At 1 000 the first commit's checkpoint would have emptied the log and the second written over it (about
        // 6 MB); here both are still in it.
        assertThat(Files.size(wal)).isGreaterThan(2900L * 4096);
        int rows = jdbc.withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM big")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(rows).isEqualTo(3000);
    }

    private static int pragma(Connection c, String name) throws java.sql.SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private int count() {
        return jdbc.withConnection(c -> {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
