package org.phonepass.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.otp.ConsumeResult;
import org.phonepass.store.sql.SqlStorage;

/**
 * The embedded store's challenge paths on a real SQLite file: {@code create} (one write transaction, as in a start)
 * and {@code consume} of a live challenge (one write transaction, as in a verify), each durable per commit when
 * {@code synchronous} is {@code full}. Each consume gets a fresh challenge, made outside the measured time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChallengeStoreBench {
    private static final String CLIENT = "bench-client";

    @Param({"full", "normal"})
    public String synchronous;

    private Path dir;
    private SqlStorage storage;
    private ChallengeStore store;
    private CodeHasher hasher;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong phones = new AtomicLong();

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("phonepass-jmh-store");
        storage = SqlStorage.embedded(dir.resolve("phonepass.db"), synchronous.equals("full"));
        store = storage.challenges();
        byte[] key = new byte[32];
        random.nextBytes(key);
        hasher = new CodeHasher(key);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A distinct valid US number per call: +1 201 555 01xx is reserved for fiction, so vary the exchange too. */
    String nextPhone() {
        long n = phones.incrementAndGet();
        return String.format("+1201%03d%04d", 200 + (n / 10_000) % 700, n % 10_000);
    }

    Challenge challenge(String phone) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        Instant now = Instant.now();
        return new Challenge(
                HexFormat.of().formatHex(id),
                CLIENT,
                phone,
                hasher.hash(CLIENT, phone, "123456"),
                now,
                now.plus(Duration.ofMinutes(5)),
                0,
                3);
    }

    @Benchmark
    public Challenge create() {
        Challenge c = challenge(nextPhone());
        store.create(c, 0);
        return c;
    }

    /** One live challenge, made before the measured call. */
    @State(Scope.Thread)
    public static class Pending {
        String phone;
        byte[] hash;

        @Setup(Level.Invocation)
        public void make(ChallengeStoreBench bench) {
            phone = bench.nextPhone();
            Challenge c = bench.challenge(phone);
            bench.store.create(c, 0);
            hash = c.codeHash();
        }
    }

    @Benchmark
    public ConsumeResult consume(Pending pending) {
        ConsumeResult r = store.consume(CLIENT, pending.phone, pending.hash, Instant.now());
        if (!r.isAccepted()) {
            throw new IllegalStateException("consume refused a live challenge: " + r.outcome());
        }
        return r;
    }
}
