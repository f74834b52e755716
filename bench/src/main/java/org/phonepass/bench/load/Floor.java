package org.phonepass.bench.load;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.phonepass.bench.jmh.MemoryKeyStore;
import org.phonepass.bench.jmh.SigningBench;
import org.phonepass.server.keys.NimbusTokenSigner;

/**
 * The signing floor, measured in the same run as the load: RS256 id_tokens per second signed by the server's own
 * {@link NimbusTokenSigner} on as many threads as there are cores, with no server running. A verify cannot beat
 * this divided by the signatures it needs.
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
        NimbusTokenSigner signer = new NimbusTokenSigner(
                new MemoryKeyStore(), "https://localhost:8443/", Clock.systemUTC(), Duration.ofDays(2));
        List<Window> out = new ArrayList<>();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int w = -1; w < windows; w++) {
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
            if (w >= 0) {
                out.add(new Window(count.get() / secs, cpuNanos.get() / 1e6 / count.get()));
            }
        }
        return out;
    }
}
