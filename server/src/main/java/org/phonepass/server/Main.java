package org.phonepass.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar phonepass.jar}: starts the server; subcommands for operators. */
@Command(name = "phonepass", mixinStandardHelpOptions = true, version = "Phonepass 0.1.0",
        description = "Passwordless SMS login server that speaks Auth0's protocol.",
        subcommands = {Main.HashSecret.class, RotateKeysCommand.class})
public final class Main implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML settings file (default: $PHONEPASS_CONFIG, else built-in dev defaults)")
    Path config;

    public static void main(String[] args) {
        asyncPoolForSmallMachines();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /**
     * On a machine with 2 CPUs or fewer the common ForkJoinPool has a parallelism of 1, and CompletableFuture then
     * runs every async step on a new thread. The JDK's HttpClient (SMS vendors, hooks) hands each response to that
     * default pool, so each SMS sent started and ended a thread (docs/benchmarks.md). A parallelism of 2 makes the
     * common pool serve them instead. An explicit setting wins; this must run before the pool is first used.
     */
    static void asyncPoolForSmallMachines() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(key, "2");
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Path file = config;
        if (file == null && System.getenv("PHONEPASS_CONFIG") != null && !System.getenv("PHONEPASS_CONFIG").isBlank()) {
            file = Path.of(System.getenv("PHONEPASS_CONFIG"));
        }
        PhonepassServer server;
        try {
            Settings settings = new ConfigLoader().load(file, System.getenv());
            server = new PhonepassServer(settings, Clock.systemUTC()).start();
        } catch (ConfigException e) {
            System.err.println("phonepass: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "phonepass-shutdown"));
        System.out.println(StartupBanner.text(server));
        stopped.await();
        return 0;
    }

    /** Prints the hash to put in {@code client_secret_hash}, for a secret read from standard input. */
    @Command(name = "hash-secret", description = "Read a client secret from standard input and print its hash "
            + "for clients[].client_secret_hash.")
    static final class HashSecret implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (secret == null || secret.strip().length() < 32) {
                System.err.println("phonepass: give a secret of at least 32 characters on standard input");
                return 2;
            }
            System.out.println(ClientSecrets.hash(secret.strip()));
            return 0;
        }
    }
}
