package org.phonepass.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Loads SQLite's native library for the embedded store. The driver, left to itself, copies the library from its jar
 * to the temporary folder and then reads the copy back against the jar byte by byte (one call per byte, in the
 * interpreter of a starting JVM: about 40 ms of CPU of every start, docs/benchmarks.md "Start-up, a margin"). Here
 * the library is copied once into a new file that only this user can read or write ({@link Files#createTempFile}:
 * created exclusively, with a random name, mode 0600), handed to the driver by its documented
 * {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} properties, and deleted as soon as it is loaded (the
 * loaded library stays mapped). When that does not work (no such resource, a temporary folder mounted noexec), the
 * driver goes on with its own ways, as before; an operator's own {@code org.sqlite.lib.path} is left alone.
 */
final class SqliteNativeLibrary {
    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private static boolean loaded;

    private SqliteNativeLibrary() {}

    /** Loads the library (once per process; the driver remembers it), or leaves the failure for the driver to report. */
    static synchronized void load() throws Exception {
        if (loaded) {
            return;
        }
        loadOnce();
        loaded = true;
    }

    private static void loadOnce() throws Exception {
        if (System.getProperty(PATH_PROPERTY) != null
                || System.getProperty(NAME_PROPERTY) != null
                || !System.getProperty("os.name", "").startsWith("Linux")) {
            SQLiteJDBCLoader.initialize();
            return;
        }
        Path copy = copy();
        if (copy == null) {
            SQLiteJDBCLoader.initialize();
            return;
        }
        try {
            System.setProperty(PATH_PROPERTY, copy.getParent().toString());
            System.setProperty(NAME_PROPERTY, copy.getFileName().toString());
            SQLiteJDBCLoader.initialize();
        } finally {
            System.clearProperty(PATH_PROPERTY);
            System.clearProperty(NAME_PROPERTY);
            try {
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                copy.toFile().deleteOnExit();
            }
        }
    }

    /** The library copied to a new owner-only file in the driver's temporary folder, or null. */
    private static Path copy() {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Path dir = Path.of(System.getProperty("org.sqlite.tmpdir", System.getProperty("java.io.tmpdir")));
            Path file = Files.createTempFile(dir, "phonepass-sqlite-", "-" + LibraryLoaderUtil.getNativeLibName());
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return file;
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
