package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data folder holds phone numbers, IP addresses and, in dev mode, the signing keys: it and every file in it are
 * readable by their owner only, whatever the process's umask (docs/security.md, "Files on disk").
 */
class DataFolderPermissionsTest {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    @Test
    void startWhenNewDataFolderThenFolderAndEveryFileOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        try (TestServer server = new TestServer()) {
            server.startAndReadCode(TestServer.SPA, "+12015550911");
            Path data = server.dataDir().resolve("data");
            assertThat(data.resolve("phonepass.db")).exists();
            assertOwnerOnly(data);
        }
    }

    @Test
    void startWhenExistingFolderAndDatabaseAreWorldReadableThenNarrowed() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path dir = Files.createTempDirectory("phonepass-perm");
        try {
            try (TestServer first = new TestServer(TestServer.DEFAULT_YAML, dir)) {
                first.startAndReadCode(TestServer.SPA, "+12015550912");
            }
            Path data = dir.resolve("data");
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(data.resolve("phonepass.db"), PosixFilePermissions.fromString("rw-r--r--"));
            try (TestServer again = new TestServer(TestServer.DEFAULT_YAML, dir)) {
                again.startAndReadCode(TestServer.SPA, "+12015550913");
                assertOwnerOnly(data);
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    private static void assertOwnerOnly(Path data) throws Exception {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(data)) {
            all = walk.toList();
        }
        assertThat(all).hasSizeGreaterThan(3);
        for (Path p : all) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            assertThat(perms)
                    .as(data.relativize(p) + " " + PosixFilePermissions.toString(perms))
                    .doesNotContainAnyElementsOf(OTHERS);
        }
    }
}
