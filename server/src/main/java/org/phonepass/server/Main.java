package org.phonepass.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;
import org.phonepass.server.crypto.CryptoProviders;
import org.phonepass.server.tls.TlsMaterial;
import org.phonepass.store.sql.SqlStorage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar phonepass.jar}: starts the server; subcommands for operators. */
@Command(
        name = "phonepass",
        mixinStandardHelpOptions = true,
        version = "Phonepass 0.1.0",
        description = "Passwordless SMS login server that speaks Auth0's protocol.",
        subcommands = {Main.HashSecret.class, RotateKeysCommand.class})
public final class Main implements Callable<Integer> {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML settings file (default: $PHONEPASS_CONFIG, else built-in dev defaults)")
    Path config;

    /** Counted down once Logback is configured, by the thread {@link #startEarlySetUp()} starts. */
    private static volatile CountDownLatch loggingReady;

    public static void main(String[] args) throws InterruptedException {
        prepareJvm();
        startEarlySetUp();
        if (args.length == 0) {
            // The plain start, the most common one, skips building picocli's model of every command and option (a
            // sixth of a second of a cold JVM) since there is nothing to parse: call() as picocli would.
            System.exit(new Main().call());
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /**
     * Work every start does anyway, begun on a thread of its own while the main thread parses the arguments and the
     * settings (which log nothing): configuring Logback (about 500 classes and an XML parse), then loading SQLite's
     * native library, then the JDK's TLS classes, which Jetty's SSLContext needs. On two
     * cores this takes about a third of a second off the start-up. {@link #awaitLogging()} is called before the first
     * class that logs is touched, so nothing is logged while SLF4J is still initialising.
     */
    private static void startEarlySetUp() {
        CountDownLatch ready = new CountDownLatch(1);
        Thread t = new Thread(
                () -> {
                    try {
                        org.slf4j.LoggerFactory.getILoggerFactory();
                    } finally {
                        ready.countDown();
                    }
                    SqlStorage.prepareEmbedded();
                    try {
                        // With the server's empty trust store, as Jetty's context is made (TlsMaterial): the JDK's
                        // own roots are read only by the clients that need them, when they first connect.
                        TrustManagerFactory trust =
                                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                        trust.init(TlsMaterial.noClientCertificates());
                        SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
                    } catch (GeneralSecurityException e) {
                        // Jetty meets the same problem when it starts, and reports it.
                    }
                },
                "phonepass-early-setup");
        t.setDaemon(true);
        loggingReady = ready;
        t.start();
    }

    /** Waits until Logback is configured, when {@link #main} started that on another thread. */
    static void awaitLogging() {
        CountDownLatch ready = loggingReady;
        if (ready == null) {
            return;
        }
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The JDK properties first, then what may touch the classes that read them. {@code CompletableFuture}'s class
     * reads the common pool's parallelism once, when it initialises, and {@link CryptoProviders#preload()} makes a
     * {@code CompletableFuture}: run before {@link #asyncPoolForSmallMachines()}, it left a 2-core server with a new
     * thread per SMS answer, up to 240 threads with 1 024 sends in flight (docs/benchmarks.md, "1 024 connections
     * under 256 MiB").
     */
    static void prepareJvm() {
        asyncPoolForSmallMachines();
        vendorClientDefaults();
        jettyReferencesPerCacheLine();
        // The native crypto provider's library loads while the settings are read; it is installed, or not, once they
        // say which provider to use, before any key object exists (docs/security.md#crypto-provider).
        if (!"jdk"
                .equalsIgnoreCase(String.valueOf(System.getenv("PHONEPASS_CRYPTO_PROVIDER"))
                        .strip())) {
            CryptoProviders.preload();
        }
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

    /**
     * The JDK's HTTP client, which sends every SMS through a vendor, keeps per idle connection the rest of a 16 kB
     * read buffer it allocated for the connection's last answer, and on Java 17 keeps idle connections for 20
     * minutes: after a burst of 1 024 sends to a slow plain-HTTP gateway, up to 16 MB of heap held that long
     * (docs/benchmarks.md, "What the measurements changed"). Vendors answer in well under 4 kB, and newer JDKs
     * (Java 25 among them) keep an idle connection 30 s by default. Both are the JDK's documented properties
     * ({@code java.net.http}'s module description); explicit values win. This must run before the client classes
     * are first used.
     */
    static void vendorClientDefaults() {
        if (System.getProperty(KEEPALIVE_PROPERTY) == null) {
            System.setProperty(KEEPALIVE_PROPERTY, "30");
        }
        if (System.getProperty(BUFSIZE_PROPERTY) == null) {
            System.setProperty(BUFSIZE_PROPERTY, "4096");
        }
    }

    /**
     * Jetty sizes the padding of its concurrent queues by how many object references fill a 64-byte cache line, and,
     * unless {@value #JETTY_REFERENCES_PROPERTY} says, asks the JVM's diagnostic bean whether references are
     * compressed: that starts the platform MBean server and loads about 170 classes of the JVM's management
     * interface at every start, before the port opens (docs/benchmarks.md, "Start-up, a margin"). The same answer
     * comes from the size of an array element of {@code Object[]}: 4 bytes with compressed references (16 per line),
     * 8 without (8 per line). An explicit value, or a cache line other than Jetty's default, is left to Jetty.
     */
    static void jettyReferencesPerCacheLine() {
        if (System.getProperty(JETTY_REFERENCES_PROPERTY) != null
                || System.getProperty("org.eclipse.jetty.util.cacheLineBytes") != null) {
            return;
        }
        int referenceBytes = referenceBytes();
        if (referenceBytes == 4 || referenceBytes == 8) {
            System.setProperty(JETTY_REFERENCES_PROPERTY, Integer.toString(64 / referenceBytes));
        }
    }

    /** The size of an object reference in an array, from {@code sun.misc.Unsafe} (module jdk.unsupported); 0 if unknown. */
    static int referenceBytes() {
        try {
            return Class.forName("sun.misc.Unsafe")
                    .getField("ARRAY_OBJECT_INDEX_SCALE")
                    .getInt(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 0;
        }
    }

    static final String JETTY_REFERENCES_PROPERTY = "org.eclipse.jetty.util.referencesPerCacheLine";
    static final String KEEPALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";
    static final String BUFSIZE_PROPERTY = "jdk.httpclient.bufsize";

    @Override
    public Integer call() throws InterruptedException {
        Path file = config;
        if (file == null
                && System.getenv("PHONEPASS_CONFIG") != null
                && !System.getenv("PHONEPASS_CONFIG").isBlank()) {
            file = Path.of(System.getenv("PHONEPASS_CONFIG"));
        }
        PhonepassServer server;
        try {
            Settings settings =
                    new ConfigLoader().load(file, System.getenv(), crypto -> CryptoProviders.choose(crypto.provider()));
            awaitLogging();
            server = new PhonepassServer(settings, Clock.systemUTC()).start();
        } catch (ConfigException e) {
            System.err.println("phonepass: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "phonepass-shutdown"));
        System.out.println(StartupBanner.text(server));
        stopped.await();
        return 0;
    }

    /** Prints the hash to put in {@code client_secret_hash}, for a secret read from standard input. */
    @Command(
            name = "hash-secret",
            description = "Read a client secret from standard input and print its hash "
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
