package org.phonepass.server.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Phonepass node as a separate JVM ({@code java -cp <this test classpath> org.phonepass.server.Main --config}),
 * so that it can be killed with SIGKILL ({@link Process#destroyForcibly()}) like a crashed machine: no shutdown
 * hook, no graceful close, connections cut mid-request. The node listens on plain HTTP on a loopback port (the
 * role a TLS-terminating load balancer plays in production), and logs to a file that {@link #logTail} shows when
 * a test fails.
 */
final class NodeProcess implements AutoCloseable {
    private final String name;
    private final int port;
    private final Path dir;
    private final Path log;
    private final String yaml;
    private Process process;

    private NodeProcess(String name, int port, Path dir, String yaml) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.log = dir.resolve(name + ".log");
        this.yaml = yaml;
    }

    /**
     * Writes the node's settings (the shared {@code commonYaml} plus its own port and data folder) and launches it;
     * {@link ClusterHttp#awaitReady} waits for it.
     */
    static NodeProcess launch(String name, Path parent, String commonYaml) {
        try {
            Path dir = Files.createDirectories(parent.resolve(name));
            int port = freePort();
            String yaml = commonYaml + "\nhttp_port: " + port + "\ndata_dir: " + dir.resolve("data") + "\n";
            NodeProcess node = new NodeProcess(name, port, dir, yaml);
            node.start();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (Re)starts the process with the same settings and port. */
    void start() throws IOException {
        Path config = dir.resolve("phonepass.yaml");
        Files.writeString(config, yaml);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start: three of these share two cores with the test and the databases.
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.phonepass.server.Main");
        command.add("--config");
        command.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // Only the settings file configures the node: no PHONEPASS_* variable of the surrounding shell leaks in.
        pb.environment().keySet().removeIf(k -> k.startsWith("PHONEPASS_"));
        process = pb.start();
    }

    String name() {
        return name;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the JVM gets no chance to run anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last lines of the node's log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return name + " log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return name + " log unreadable: " + e;
        }
    }

    /** Graceful stop (SIGTERM runs the node's shutdown hook), then SIGKILL if it lingers. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(Duration.ofSeconds(15).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
