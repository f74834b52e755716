package org.phonepass.server.tls;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders readable by their owner only (where the file system knows POSIX permissions). The data folder
 * holds phone numbers, IP addresses and, in dev mode, the signing keys, so it and everything Phonepass writes in it
 * are created this way (docs/security.md, "Files on disk").
 */
public final class SecretFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private SecretFiles() {}

    /**
     * Writes {@code content} to a new file that is owner-only from its creation (never readable by others, not even
     * for a moment), then moves it into place in one step, so a crash never leaves a half-written secret.
     */
    public static void write(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        ownerOnlyDirectory(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attributes(OWNER_ONLY));
        try {
            Files.writeString(temp, content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Creates the folder (and missing parents) so that only its owner may list or enter it; a folder that already
     * exists with wider permissions is narrowed. Parents that had to be created get the default permissions: only
     * the folder itself is Phonepass's.
     */
    public static void ownerOnlyDirectory(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (!Files.isDirectory(absolute)) {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            try {
                Files.createDirectory(absolute, attributes(OWNER_ONLY_DIR));
                return;
            } catch (FileAlreadyExistsException raced) {
                // Created meanwhile (another node's start): narrowed below like any existing folder.
            }
        }
        narrow(absolute, OWNER_ONLY_DIR);
    }

    /** Creates an empty owner-only file unless it exists; an existing file with wider permissions is narrowed. */
    public static void ownerOnlyFile(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            narrow(file, OWNER_ONLY);
        }
    }

    /** Narrows an existing file to owner-only; nothing when it does not exist. */
    public static void narrowIfPresent(Path file) throws IOException {
        if (Files.exists(file)) {
            narrow(file, OWNER_ONLY);
        }
    }

    private static void narrow(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (posix() && !Files.getPosixFilePermissions(path).equals(wanted)) {
            Files.setPosixFilePermissions(path, wanted);
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
