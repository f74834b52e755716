package org.phonepass.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.otp.Challenge;

/**
 * Races the {@code ChallengeStore} interface cannot show: after concurrent {@code create}s for one phone, how many
 * rows are still live. Run against each dialect by the top-level subclasses (Surefire skips nested classes).
 */
abstract class ChallengeRaceChecks {
    private static final String CLIENT = "client-race";
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract SqlStorage storage();

    private static String phone() {
        return "+3361" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    private Challenge challenge(String phone) {
        byte[] id = new byte[12];
        byte[] hash = new byte[32];
        ThreadLocalRandom.current().nextBytes(id);
        ThreadLocalRandom.current().nextBytes(hash);
        return new Challenge(
                HexFormat.of().formatHex(id), CLIENT, phone, hash, t0, t0.plus(Duration.ofMinutes(3)), 0, 3);
    }

    private void createConcurrently(String phone, int threads, int keepPrevious) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    storage().challenges().create(challenge(phone), keepPrevious);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private int liveRows(String phone) {
        return storage().jdbc().withConnection(c -> {
            try (PreparedStatement ps = Jdbc.prepare(
                            c,
                            "SELECT count(*) FROM challenges WHERE client_id = ? " + "AND phone = ? AND state = 'live'",
                            CLIENT,
                            phone);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void createWhenConcurrentForOnePhoneThenExactlyOneCodeStaysLive() throws Exception {
        for (int round = 0; round < 5; round++) {
            String phone = phone();
            createConcurrently(phone, 8, 0);
            assertThat(liveRows(phone)).as("round %d", round).isEqualTo(1);
        }
    }

    @Test
    void createWhenConcurrentWithKeepPreviousThenThatManyMoreStayLive() throws Exception {
        for (int round = 0; round < 5; round++) {
            String phone = phone();
            createConcurrently(phone, 8, 2);
            assertThat(liveRows(phone)).as("round %d", round).isEqualTo(3);
        }
    }
}
