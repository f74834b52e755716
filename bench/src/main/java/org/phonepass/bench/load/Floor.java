package org.phonepass.bench.load;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.phonepass.bench.jmh.MemoryKeyStore;
import org.phonepass.bench.jmh.SigningBench;
import org.phonepass.server.config.Settings;
import org.phonepass.server.crypto.CryptoProviders;
import org.phonepass.server.keys.NimbusTokenSigner;

/**
 * The signing floor, measured in the same run as the load: RS256 id_tokens per second signed by the server's own
 * {@link NimbusTokenSigner} on as many threads as there are cores, with no server running. A verify cannot beat
 * this divided by the signatures it needs. Measured for the JDK's provider (the reference every ratio is taken
 * against) and for the native provider the server uses by default (docs/security.md#crypto-provider), windows of
 * the two interleaved so that both see the same minutes of a shared machine.
 */
final class Floor {
    private Floor() {}

    /** One window: signatures per second, and milliseconds of CPU (thread CPU time) per signature. */
    record Window(double perSecond, double cpuMsPerSignature) {}

    /**
     * Each window after one warm-up window. The CPU per signature holds on a shared machine, where signatures per
     * second only say what share of the cores this JVM got.
     */
    static List<Window> measure(int threads, Duration window, int windows) throws InterruptedException {
        return measure(threads, window, windows, List.of(CryptoProviders.jdk())).get(0);
    }

    /** The windows of each provider, in the order given; window w of every provider runs before window w + 1. */
    static List<List<Window>> measure(int threads, Duration window, int windows, List<CryptoProviders.Choice> cryptos)
            throws InterruptedException {
        List<List<Window>> out = new ArrayList<>();
        List<NimbusTokenSigner> signers = new ArrayList<>();
        for (CryptoProviders.Choice crypto : cryptos) {
            signers.add(new NimbusTokenSigner(
                    new MemoryKeyStore(),
                    "https://localhost:8443/",
                    Clock.systemUTC(),
                    Duration.ofDays(2),
                    java.util.Set.of(),
                    crypto));
            out.add(new ArrayList<>());
        }
        for (int w = -1; w < windows; w++) {
            for (int i = 0; i < signers.size(); i++) {
                Window one = window(signers.get(i), threads, window);
                if (w >= 0) {
                    out.get(i).add(one);
                }
            }
        }
        return out;
    }

    /** The native provider when it loads here, else null. */
    static CryptoProviders.Choice nativeProvider() {
        // Not installed in this JVM: the driver's own HTTPS client keeps the JDK's providers, as before.
        try {
            var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            return accp.getLoadingError() == null
                    ? new CryptoProviders.Choice(Settings.CryptoProvider.AUTO, accp, null)
                    : null;
        } catch (LinkageError e) {
            return null;
        }
    }

    private static Window window(NimbusTokenSigner signer, int threads, Duration window) throws InterruptedException {
        List<Window> out = new ArrayList<>();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int w = 0; w < 1; w++) {
            AtomicLong count = new AtomicLong();
            AtomicLong cpuNanos = new AtomicLong();
            long end = System.nanoTime() + window.toNanos();
            List<Thread> workers = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long local = 0;
                    int sink = 0;
                    while (System.nanoTime() < end) {
                        sink += signer.sign(SigningBench.idTokenClaims(), "JWT").length();
                        local++;
                    }
                    cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
                    count.addAndGet(local + (sink == 42 ? 1 : 0));
                });
                th.start();
                workers.add(th);
            }
            for (Thread th : workers) {
                th.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            out.add(new Window(count.get() / secs, cpuNanos.get() / 1e6 / count.get()));
        }
        return out.get(0);
    }
}
