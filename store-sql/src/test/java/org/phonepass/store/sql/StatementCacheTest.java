package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
    @TempDir
    Path dir;

    private final StatementCache cache = new StatementCache();
    private Connection c;

    @BeforeEach
    void open() throws SQLException {
        c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
            st.execute("INSERT INTO t VALUES ('a', 1), ('b', 2)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private static PreparedStatement inner(PreparedStatement handle) throws SQLException {
        return handle.unwrap(PreparedStatement.class);
    }

    private Integer value(String key) throws SQLException {
        try (PreparedStatement ps = cache.prepare(c, "SELECT v FROM t WHERE k = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    @Test
    void aStatementIsCompiledOnceAndReusedWithFreshParameters() throws SQLException {
        PreparedStatement first;
        try (PreparedStatement ps = cache.prepare(c, "SELECT v FROM t WHERE k = ?")) {
            first = inner(ps);
        }
        assertThat(value("a")).isEqualTo(1);
        assertThat(value("b")).isEqualTo(2);
        assertThat(value("missing")).isNull();
        try (PreparedStatement ps = cache.prepare(c, "SELECT v FROM t WHERE k = ?")) {
            assertThat(inner(ps)).isSameAs(first);
            // The last use's parameter is gone: an unbound parameter is NULL in SQLite, which matches no key.
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isFalse();
            }
        }
        assertThat(cache.connections()).isEqualTo(1);
    }

    @Test
    void aClosedHandleRefusesUseButTheStatementLivesOn() throws SQLException {
        PreparedStatement ps = cache.prepare(c, "SELECT v FROM t WHERE k = ?");
        PreparedStatement statement = inner(ps);
        ps.close();
        ps.close();
        assertThat(ps.isClosed()).isTrue();
        assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        assertThat(statement.isClosed()).isFalse();
    }

    @Test
    void theSameSqlWhileItsStatementIsOutGetsAStatementOfItsOwn() throws SQLException {
        String sql = "SELECT v FROM t WHERE k = ?";
        try (PreparedStatement outer = cache.prepare(c, sql)) {
            outer.setString(1, "a");
            try (ResultSet rs = outer.executeQuery()) {
                assertThat(rs.next()).isTrue();
                PreparedStatement nested;
                try (PreparedStatement again = cache.prepare(c, sql)) {
                    nested = again;
                    assertThat(again).isNotInstanceOf(java.lang.reflect.Proxy.class);
                    again.setString(1, "b");
                    try (ResultSet rs2 = again.executeQuery()) {
                        assertThat(rs2.next()).isTrue();
                        assertThat(rs2.getInt(1)).isEqualTo(2);
                    }
                }
                assertThat(nested.isClosed()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void aStatementThatFailedIsNotReused() throws SQLException {
        String sql = "INSERT INTO t VALUES (?, ?)";
        PreparedStatement failed;
        try (PreparedStatement ps = cache.prepare(c, sql)) {
            failed = inner(ps);
            ps.setString(1, "a");
            ps.setInt(2, 9);
            assertThatThrownBy(ps::executeUpdate)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("UNIQUE");
        }
        assertThat(failed.isClosed()).isTrue();
        try (PreparedStatement ps = cache.prepare(c, sql)) {
            assertThat(inner(ps)).isNotSameAs(failed);
            ps.setString(1, "c");
            ps.setInt(2, 3);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(value("c")).isEqualTo(3);
        assertThat(value("a")).isEqualTo(1);
    }

    @Test
    void statementsOfAClosedConnectionAreForgottenAndNewOnesCompiled() throws Exception {
        assertThat(value("a")).isEqualTo(1);
        c.close();
        c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
        assertThat(value("b")).isEqualTo(2);
        assertThat(cache.connections()).isEqualTo(1);
    }

    @Test
    void otherDatabasesPassThrough() throws Exception {
        // Stands for a PostgreSQL connection: not a wrapper of SQLite's.
        Connection other = (Connection) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> switch (m.getName()) {
                    case "isWrapperFor" -> false;
                    case "prepareStatement" -> c.prepareStatement((String) a[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        try (PreparedStatement ps = cache.prepare(other, "SELECT 1")) {
            assertThat(ps).isNotInstanceOf(java.lang.reflect.Proxy.class);
        }
        assertThat(cache.connections()).isZero();
    }
}
