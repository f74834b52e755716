package org.phonepass.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.phonepass.server.TestServer;
import org.phonepass.testkit.ExternalServices;

/**
 * Three Phonepass nodes as three JVM processes on loopback, behind no balancer (the test is the balancer), on one
 * throwaway PostgreSQL database and one Redis key prefix, with the same code HMAC key, master key and public URL.
 * With Redis configured, codes and the abuse limits live in Redis and everything durable in PostgreSQL.
 *
 * <p>Skipped with a message when PostgreSQL or Redis is missing, failed instead under {@code CI=true}
 * ({@link ExternalServices}). The SIGKILL test runs last because it leaves one node dead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeTest {
    private static ExternalServices.PostgresDatabase db;
    private static ExternalServices.RedisTarget redis;
    private static Path dir;
    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static final ClusterHttp http = new ClusterHttp();
    private static final AtomicInteger nextPhone = new AtomicInteger(1000);

    @BeforeAll
    static void startCluster() throws Exception {
        db = ExternalServices.postgresDatabase();
        redis = ExternalServices.redis();
        dir = Files.createTempDirectory("phonepass-cluster");
        String yaml = ClusterYaml.common(
                db.url(),
                db.user(),
                db.password(),
                redis.url(),
                redis.keyPrefix(),
                ClusterYaml.randomKey(),
                ClusterYaml.randomKey());
        for (int i = 1; i <= 3; i++) {
            nodes.add(NodeProcess.launch("node" + i, dir, yaml));
        }
        for (NodeProcess node : nodes) {
            http.awaitReady(node, Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (NodeProcess node : nodes) {
            node.close();
        }
        if (db != null) {
            db.drop();
        }
        if (redis != null) {
            deleteRedisKeys();
        }
        if (dir != null) {
            TestServer.deleteTree(dir);
        }
    }

    private static NodeProcess node(int i) {
        return nodes.get(i - 1);
    }

    private static String phone() {
        return "+1201555" + nextPhone.getAndIncrement();
    }

    @Test
    @Order(1)
    void codeSentThroughNode1IsVerifiedOnNode2AndRefreshedOnNode3() throws Exception {
        String phone = phone();
        assertThat(http.start(node(1).base(), phone).status()).isEqualTo(200);
        String code = http.code(node(1).base(), phone);

        ClusterHttp.Reply tokens = http.verify(node(2).base(), phone, code);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(claims(tokens.text("id_token")).get("iss").asText()).isEqualTo(ClusterYaml.PUBLIC_URL + "/");

        ClusterHttp.Reply refreshed = http.refresh(node(3).base(), tokens.text("refresh_token"));
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertThat(refreshed.text("refresh_token")).isNotBlank().isNotEqualTo(tokens.text("refresh_token"));
        assertThat(claims(refreshed.text("id_token")).get("sub").asText())
                .isEqualTo(claims(tokens.text("id_token")).get("sub").asText());

        // Rotation is shared too: the used token replayed on node 1 is refused and revokes the family everywhere.
        assertThat(http.refresh(node(1).base(), tokens.text("refresh_token")).status())
                .isEqualTo(403);
        assertThat(http.refresh(node(2).base(), refreshed.text("refresh_token")).status())
                .isEqualTo(403);
        // And the code, used once on node 2, is dead on every node.
        assertThat(http.verify(node(3).base(), phone, code).status()).isNotEqualTo(200);
        // Node 2 sent the writes after the accepted code without waiting for them; none of them failed.
        assertThat(http.get(node(2).base() + "/metrics").body())
                .contains("phonepass_redis_writes_after_success_failed_total 0.0");
    }

    /**
     * An attacker spreads 15 wrong guesses evenly over the three nodes, all at once. With per-node limits each node
     * would allow 5 (15 in all); shared, exactly {@value ClusterYaml#WRONG_CODES_PER_PHONE} are evaluated, and
     * then the number is locked on every node, even against the right code. Tolerance: none. Each decision is one
     * atomic Redis script, and the bucket refills one token per 12 minutes, far longer than this test.
     */
    @Test
    @Order(2)
    void wrongGuessesSpreadOverNodesGainNothing() throws Exception {
        String phone = phone();
        assertThat(http.start(node(1).base(), phone).status()).isEqualTo(200);
        String code = http.code(node(1).base(), phone);
        String wrong = String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);

        List<Integer> statuses = concurrently(
                15, i -> http.verify(node(i % 3 + 1).base(), phone, wrong).status());
        long evaluated = statuses.stream().filter(s -> s != 429).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        assertThat(statuses).allMatch(s -> s == 403 || s == 429);
        assertThat(evaluated).isEqualTo(ClusterYaml.WRONG_CODES_PER_PHONE);
        assertThat(refused).isEqualTo(15 - ClusterYaml.WRONG_CODES_PER_PHONE);

        for (NodeProcess node : nodes) {
            ClusterHttp.Reply locked = http.verify(node.base(), phone, code);
            assertThat(locked.status()).as(node.name() + ": " + locked.body()).isEqualTo(429);
            assertThat(locked.text("error")).isEqualTo("too_many_attempts");
        }
    }

    /** Twelve sends to one number spread over the nodes at once: exactly the per-number budget gets through. */
    @Test
    @Order(3)
    void sendLimitsHoldAcrossNodes() throws Exception {
        String phone = phone();
        List<Integer> statuses =
                concurrently(12, i -> http.start(node(i % 3 + 1).base(), phone).status());
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(ClusterYaml.SENDS_PER_PHONE);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(12 - ClusterYaml.SENDS_PER_PHONE);
    }

    private record Login(String phone, String code, String sub, String refreshToken, String verifiedBy) {}

    /**
     * Four clients log in continuously, each through a start on one node and a verification on another; after 12
     * logins node 2 is SIGKILLed. Clients that meet the dead node (mid-request or refused) retry on another one, as
     * a load balancer's retry or the user's second tap would. Afterwards: every client finished, no code was
     * accepted twice, every phone has exactly one complete user whose id every token carries, and every refresh
     * token issued (including by the dead node) still works on the survivors.
     */
    @Test
    @Order(4)
    void nodeKilledUnderLoadLosesNothingAndClientsRetryElsewhere() throws Exception {
        int clients = 4;
        int loginsEach = 10;
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger roundRobin = new AtomicInteger();
        Map<String, AtomicInteger> acceptedPerCode = new ConcurrentHashMap<>();
        List<Login> logins = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch killed = new CountDownLatch(1);

        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        try {
            Future<?> killer = pool.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (completed.get() < 12 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                node(2).kill();
                killed.countDown();
                return null;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < loginsEach; i++) {
                        logins.add(login(phone(), roundRobin, retries, acceptedPerCode));
                        completed.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            killer.get(5, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(killed.getCount()).as("node 2 was killed during the load").isZero();
        assertThat(node(2).isAlive()).isFalse();
        assertThat(logins).hasSize(clients * loginsEach);
        assertThat(retries.get())
                .as("requests that met the dead node and were retried elsewhere")
                .isPositive();

        // No code verified twice, by the test's count...
        assertThat(acceptedPerCode.values()).allMatch(n -> n.get() == 1);
        // ...and by asking the survivors: every accepted code is dead.
        for (Login login : logins) {
            assertThat(http.verify(node(1).base(), login.phone(), login.code()).status())
                    .isNotEqualTo(200);
        }

        // No user created twice, none half-written, and every token names the one user of its phone.
        try (Connection c = DriverManager.getConnection(db.url(), credentials())) {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT phone FROM users GROUP BY phone HAVING count(*) > 1");
                    ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a phone with two users").isFalse();
            }
            for (Login login : logins) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, created_at, updated_at, last_login, "
                        + "logins_count FROM users WHERE phone = ?")) {
                    ps.setString(1, login.phone());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("user of " + login.phone()).isTrue();
                        assertThat("sms|" + rs.getString("id")).isEqualTo(login.sub());
                        assertThat(rs.getLong("created_at")).isPositive();
                        assertThat(rs.getLong("updated_at")).isPositive();
                        assertThat(rs.getObject("last_login")).isNotNull();
                        assertThat(rs.getLong("logins_count")).isGreaterThanOrEqualTo(1);
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
        }

        // Refresh tokens issued by any node, the dead one included, are durable and work on the survivors.
        long issuedByDeadNode = logins.stream()
                .filter(l -> l.verifiedBy().equals(node(2).name()))
                .count();
        for (Login login : logins) {
            ClusterHttp.Reply r = http.refresh(node(3).base(), login.refreshToken());
            assertThat(r.status()).as(login + ": " + r.body()).isEqualTo(200);
        }
        System.out.printf(
                "multi-node kill: %d logins, %d verified by the killed node, %d retries%n",
                logins.size(), issuedByDeadNode, retries.get());
    }

    /** One client's login, retrying on another node whenever a node does not answer or answers 503. */
    private static Login login(
            String phone, AtomicInteger roundRobin, AtomicInteger retries, Map<String, AtomicInteger> acceptedPerCode)
            throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            NodeProcess sender = node(Math.floorMod(roundRobin.getAndIncrement(), 3) + 1);
            String code;
            try {
                ClusterHttp.Reply started = http.start(sender.base(), phone);
                if (started.status() >= 500) {
                    retries.incrementAndGet();
                    continue;
                }
                assertThat(started.status()).as(started.body()).isEqualTo(200);
                code = http.code(sender.base(), phone);
            } catch (IOException e) {
                retries.incrementAndGet();
                continue;
            }
            assertThat(code).isNotNull();
            // Verify on the other nodes, one after the other, with the same code until one answers.
            for (int k = 1; k <= 2; k++) {
                NodeProcess verifier = node(Math.floorMod(nodes.indexOf(sender) + k, 3) + 1);
                ClusterHttp.Reply r;
                try {
                    r = http.verify(verifier.base(), phone, code);
                } catch (IOException e) {
                    retries.incrementAndGet();
                    continue;
                }
                if (r.status() == 200) {
                    acceptedPerCode
                            .computeIfAbsent(phone + "/" + code, x -> new AtomicInteger())
                            .incrementAndGet();
                    return new Login(
                            phone,
                            code,
                            claims(r.text("id_token")).get("sub").asText(),
                            r.text("refresh_token"),
                            verifier.name());
                }
                if (r.status() >= 500) {
                    retries.incrementAndGet();
                    continue;
                }
                // The code is gone: a node that died after consuming it never answered. Start again.
                retries.incrementAndGet();
                break;
            }
        }
        throw new AssertionError("no login for " + phone + " after 20 attempts");
    }

    @FunctionalInterface
    private interface Call {
        int run(int i) throws Exception;
    }

    /** Runs {@code n} calls at once (released together) and returns their results in order. */
    private static List<Integer> concurrently(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<Integer> task = () -> {
                    go.await();
                    return call.run(index);
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static JsonNode claims(String jwt) throws IOException {
        String payload = jwt.split("\\.")[1];
        return ClusterHttp.JSON.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    private static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        if (!db.password().isEmpty()) {
            p.setProperty("password", db.password());
        }
        return p;
    }

    private static void deleteRedisKeys() {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync()
                        .scan(
                                cursor,
                                ScanArgs.Builder.matches(redis.keyPrefix() + "*")
                                        .limit(500));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}
