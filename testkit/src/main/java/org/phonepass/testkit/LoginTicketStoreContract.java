package org.phonepass.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.phonepass.core.login.LoginTicket;
import org.phonepass.core.login.LoginTicketStore;

/** The behaviour every {@link LoginTicketStore} must have. Stores may be shared between tests: hashes are random. */
public abstract class LoginTicketStoreContract {
    /** A fixed point in the present: Redis expires keys by its own clock, so the tickets must live now. */
    protected final Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

    protected abstract LoginTicketStore store();

    private static byte[] hash() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    protected LoginTicket ticket(Instant expiresAt) {
        return new LoginTicket(
                "client-a", "sms|000000000000000000000001", "https://app.example", "co-1", hash(), t0, expiresAt);
    }

    @Test
    void findWhenSavedThenSameTicketAndStillUsable() {
        byte[] h = hash();
        LoginTicket t = ticket(t0.plus(Duration.ofSeconds(60)));
        store().save(h, t);
        assertThat(store().find(h.clone(), t0)).contains(t);
        assertThat(store().consume(h.clone(), t0)).contains(t);
    }

    @Test
    void consumeWhenUsedOnceThenNeverAgain() {
        byte[] h = hash();
        store().save(h, ticket(t0.plus(Duration.ofSeconds(60))));
        assertThat(store().consume(h, t0)).isPresent();
        assertThat(store().consume(h, t0)).isEmpty();
        assertThat(store().find(h, t0)).isEmpty();
    }

    @Test
    void consumeWhenExpiredThenEmpty() {
        byte[] h = hash();
        store().save(h, ticket(t0.plus(Duration.ofSeconds(60))));
        assertThat(store().find(h, t0.plus(Duration.ofSeconds(60)))).isEmpty();
        assertThat(store().consume(h, t0.plus(Duration.ofSeconds(60)))).isEmpty();
    }

    @Test
    void consumeWhenUnknownThenEmpty() {
        assertThat(store().consume(hash(), t0)).isEmpty();
    }

    @Test
    void consumeWhenRacedThenExactlyOneWins() throws Exception {
        byte[] h = hash();
        store().save(h, ticket(t0.plus(Duration.ofSeconds(60))));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Optional<LoginTicket>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> store().consume(h.clone(), t0));
            }
            long won = 0;
            for (Future<Optional<LoginTicket>> f : pool.invokeAll(calls)) {
                won += f.get().isPresent() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteExpiredRemovesOnlyExpired() {
        byte[] old = hash();
        byte[] live = hash();
        store().save(old, ticket(t0.minus(Duration.ofSeconds(1))));
        store().save(live, ticket(t0.plus(Duration.ofSeconds(60))));
        // A store whose keys expire by themselves (Redis) has nothing left to delete.
        assertThat(store().deleteExpired(t0)).isBetween(0, 1);
        assertThat(store().find(old, t0.minus(Duration.ofSeconds(10)))).isEmpty();
        assertThat(store().find(live, t0)).isPresent();
    }
}
