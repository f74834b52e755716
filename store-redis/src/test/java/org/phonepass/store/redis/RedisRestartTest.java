package org.phonepass.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.otp.ConsumeResult.Outcome;
import org.phonepass.testkit.ExternalServices;
import org.slf4j.LoggerFactory;

/**
 * A node keeps working across a Redis restart. It restarts a private {@code redis-server} on a free port (the
 * shared one belongs to everyone's tests), which also empties Redis's script cache, so the {@code NOSCRIPT}
 * fallback runs too.
 */
class RedisRestartTest {
    private static final String CLIENT = "client-restart";
    private static final String PHONE = "+15005550006";
    private final CodeHasher hasher = new CodeHasher(new byte[32]);
    private Process server;
    private RedisStorage storage;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @AfterEach
    void stop() throws InterruptedException {
        ((Logger) LoggerFactory.getLogger(RedisStorage.class)).detachAppender(log);
        if (storage != null) {
            storage.close();
        }
        if (server != null) {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Process startRedis(Path binary, int port) throws IOException, InterruptedException {
        // No persistence: the restart loses every key, the harshest case for the node.
        Process p = new ProcessBuilder(
                        binary.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not start on port " + port);
    }

    private Challenge challenge(String code, Instant at) {
        return new Challenge(
                "restart-" + code,
                CLIENT,
                PHONE,
                hasher.hash(CLIENT, PHONE, code),
                at,
                at.plus(Duration.ofMinutes(3)),
                0,
                3);
    }

    private Outcome consume(ChallengeStore store, String code, Instant at) {
        return store.consume(CLIENT, PHONE, hasher.hash(CLIENT, PHONE, code), at)
                .outcome();
    }

    @Test
    void whenRedisRestartsThenNodeFailsFastMeanwhileAndRecoversByItself() throws Exception {
        Path binary = ExternalServices.executable("redis-server");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = startRedis(binary, port);
        log.start();
        ((Logger) LoggerFactory.getLogger(RedisStorage.class)).addAppender(log);
        storage = RedisStorage.connect("redis://127.0.0.1:" + port, "phonepass:");
        ChallengeStore store = storage.challenges();
        Instant t0 = Instant.now();
        store.create(challenge("111111", t0), 0);
        assertThat(storage.isHealthy()).isTrue();

        server.destroy();
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
        awaitHealthy(false);
        long before = System.nanoTime();
        assertThatThrownBy(() -> consume(store, "111111", t0)).isInstanceOf(RedisStoreException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - before))
                .as("rejected at once, not after a timeout")
                .isLessThan(Duration.ofSeconds(1));

        server = startRedis(binary, port);
        awaitHealthy(true);
        // The restart lost the code (no persistence): it fails closed, and a new code works.
        assertThat(consume(store, "111111", t0)).isEqualTo(Outcome.NO_LIVE_CHALLENGE);
        store.create(challenge("222222", t0), 0);
        assertThat(consume(store, "222222", t0)).isEqualTo(Outcome.ACCEPTED);

        assertThat(log.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("connection lost")
                        .contains("127.0.0.1:" + port));
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("connection re-established"));
    }

    private void awaitHealthy(boolean expected) throws InterruptedException {
        // Lettuce's reconnect backoff grows to a few seconds during the first outage seconds.
        Instant deadline = Instant.now().plusSeconds(30);
        while (storage.isHealthy() != expected) {
            assertThat(Instant.now()).as("isHealthy() == %s in time", expected).isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
