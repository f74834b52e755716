package org.phonepass.server.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's file-descriptor limit, which bounds how many connections the server can hold: every connection is
 * a descriptor, and so are the database files, the pool's connections, Redis and the log. Checked once at start
 * (docs/deployment.md, "File descriptors"): below {@link #RECOMMENDED_MINIMUM} a warning says how to raise it, and
 * the server stops accepting new connections {@link #RESERVED} descriptors before the limit, so that a flood of
 * connections delays new clients instead of failing the database and the log for everyone.
 */
final class FileDescriptors {
    /** Below this soft limit the start warns. */
    static final long RECOMMENDED_MINIMUM = 4096;
    /** Descriptors kept for everything but client connections. */
    static final int RESERVED = 256;

    private static final Logger log = LoggerFactory.getLogger(FileDescriptors.class);
    private static final AtomicBoolean warned = new AtomicBoolean();

    private FileDescriptors() {}

    /**
     * The soft RLIMIT_NOFILE as the JVM sees it (after it raised it to the hard limit), when the OS tells. On Linux it
     * is read from {@code /proc/self/limits}, the same figure the JVM's operating-system bean reports: asking the bean
     * loaded about 170 classes of the JVM's management interface at every start (docs/benchmarks.md, "Start-up, a
     * margin"). Elsewhere, or when that file cannot be read, the bean answers as before.
     */
    static OptionalLong limit() {
        OptionalLong fromProc = fromProcLimits(PROC_LIMITS);
        return fromProc != null ? fromProc : fromManagementBean();
    }

    private static final Path PROC_LIMITS = Path.of("/proc/self/limits");

    /**
     * The soft limit of the {@code Max open files} line of a {@code /proc/<pid>/limits} file: empty for
     * {@code unlimited} (as the bean, which reports RLIM_INFINITY as -1), null when the file or the line is not
     * there or not as expected.
     */
    static OptionalLong fromProcLimits(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (String line : lines) {
            if (!line.startsWith("Max open files ")) {
                continue;
            }
            String[] fields = line.substring("Max open files ".length()).trim().split("\\s+");
            if (fields.length < 2) {
                return null;
            }
            if (fields[0].equals("unlimited")) {
                return OptionalLong.empty();
            }
            try {
                long soft = Long.parseLong(fields[0]);
                return soft > 0 ? OptionalLong.of(soft) : OptionalLong.empty();
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static OptionalLong fromManagementBean() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** How many connections the server may hold at once for the given limit, or 0 for no cap (limit unknown). */
    static int connectionCap(OptionalLong limit) {
        if (limit.isEmpty()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(limit.getAsLong() - RESERVED, limit.getAsLong() / 2));
    }

    /** The warning for a limit, or null when it is enough. */
    static String warning(OptionalLong limit) {
        if (limit.isEmpty() || limit.getAsLong() >= RECOMMENDED_MINIMUM) {
            return null;
        }
        return "the file-descriptor limit is " + limit.getAsLong() + ", so the server can hold at most about "
                + connectionCap(limit) + " connections; raise it to at least " + RECOMMENDED_MINIMUM
                + " (65536 recommended): LimitNOFILE= in the systemd unit, --ulimit nofile= for a container, "
                + "ulimit -n in a shell (docs/deployment.md, \"File descriptors\")";
    }

    /** Reads the limit and warns, once per process, when it is low. Returns the connection cap (0: none). */
    static int checkAtStart() {
        OptionalLong limit = limit();
        String warning = warning(limit);
        if (warning != null && warned.compareAndSet(false, true)) {
            log.warn(warning);
        }
        return connectionCap(limit);
    }
}
