package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's native library is loaded from a private copy that is gone once loaded, in a JVM of its own
 * (the driver loads its library once per process).
 */
class SqliteNativeLibraryTest {
    @TempDir
    Path tmp;

    /** Run in the child JVM: prepare as the server does, then use SQLite, and print what the process mapped. */
    public static void main(String[] args) throws Exception {
        SqlStorage.prepareEmbedded();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
                ResultSet r = c.createStatement().executeQuery("select sqlite_version()")) {
            r.next();
            System.out.println("version " + r.getString(1));
        }
        System.out.println("properties " + System.getProperty("org.sqlite.lib.path") + " "
                + System.getProperty("org.sqlite.lib.name"));
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("sqlite")) {
                System.out.println("mapped " + line.substring(line.indexOf('/')));
            }
        }
    }

    @Test
    void prepareEmbeddedWhenOnLinuxThenLoadedFromAPrivateCopyThatIsDeletedAndNothingLeftInTmp() throws Exception {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-Dorg.sqlite.tmpdir=" + tmp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        SqliteNativeLibraryTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("version 3.").contains("properties null null");
        List<String> mapped =
                out.lines().filter(l -> l.startsWith("mapped ")).distinct().toList();
        assertThat(mapped)
                .as(out)
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l)
                        .contains(tmp.resolve("phonepass-sqlite-").toString())
                        .endsWith("(deleted)"));
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.toList()).as("files left in the temporary folder").isEmpty();
        }
    }
}
