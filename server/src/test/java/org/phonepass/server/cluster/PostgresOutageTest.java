package org.phonepass.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;
import org.phonepass.testkit.ExternalServices;

/**
 * Two nodes on PostgreSQL alone (no Redis: codes and abuse limits live in PostgreSQL too), started in this JVM.
 * Node A reaches PostgreSQL through a {@link TcpProxy} that the test cuts and restores, which is what a PostgreSQL
 * restart looks like from a node (connections reset, new ones refused) without restarting the server other
 * engineers' tests share; node B connects directly.
 */
class PostgresOutageTest {
    private static ExternalServices.PostgresDatabase db;
    private static TcpProxy proxy;
    private static TestServer nodeA;
    private static TestServer nodeB;
    private static final AtomicInteger nextPhone = new AtomicInteger(5000);

    @BeforeAll
    static void start() throws Exception {
        db = ExternalServices.postgresDatabase();
        URI direct = URI.create(db.url().substring("jdbc:".length()));
        proxy = new TcpProxy(direct.getHost(), direct.getPort());
        String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getRawPath()
                + (direct.getRawQuery() == null ? "" : "?" + direct.getRawQuery());
        String hmac = ClusterYaml.randomKey();
        String master = ClusterYaml.randomKey();
        nodeA = new TestServer(ClusterYaml.common(viaProxy, db.user(), db.password(), null, null, hmac, master), null);
        nodeB = new TestServer(ClusterYaml.common(db.url(), db.user(), db.password(), null, null, hmac, master), null);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, proxy}) {
            if (c != null) {
                c.close();
            }
        }
        if (db != null) {
            db.drop();
        }
    }

    private static String phone() {
        return "+1201555" + nextPhone.getAndIncrement();
    }

    private static Response start(TestServer node, String phone) {
        return node.postForm(
                "/passwordless/start",
                TestServer.map("client_id", ClusterHttp.CLIENT, "connection", "sms", "phone_number", phone));
    }

    private static Response verify(TestServer node, String phone, String code) {
        return node.postJson(
                "/oauth/token",
                Map.of(
                        "grant_type",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "client_id",
                        ClusterHttp.CLIENT,
                        "username",
                        phone,
                        "otp",
                        code,
                        "realm",
                        "sms",
                        "scope",
                        "openid"));
    }

    /** The PostgreSQL limiter: sends spread over both nodes at once share one budget per number. */
    @Test
    void sendLimitsInPostgresHoldAcrossNodes() throws Exception {
        String phone = phone();
        List<Integer> statuses =
                concurrently(8, i -> start(i % 2 == 0 ? nodeA : nodeB, phone).status());
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(ClusterYaml.SENDS_PER_PHONE);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(8 - ClusterYaml.SENDS_PER_PHONE);
    }

    /**
     * While node A's PostgreSQL is gone, every request on it that needs the database fails within the pool's
     * 5 s connection timeout with a 503 and an error body (never a 500, never a hang), readiness says DOWN, and
     * node B is unaffected. When PostgreSQL is back, node A serves again by itself, and a code sent before the
     * outage still works: nothing was lost.
     */
    @Test
    void postgresOutageGives503WithABodyAndTheNodeRecoversByItself() throws Exception {
        String before = phone();
        assertThat(start(nodeA, before).status()).isEqualTo(200);
        String code = nodeA.latestCode(before);
        assertThat(nodeA.get("/health/ready").status()).isEqualTo(200);

        proxy.cut();
        try {
            List<Response> during = concurrentlyResponses(
                    6,
                    i -> i == 0
                            ? verify(nodeA, before, code)
                            : i == 1 ? nodeA.get("/health/ready") : start(nodeA, phone()));
            for (Response r : during) {
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.json()).as("a JSON error body: " + r.body()).isNotNull();
            }
            Response verifyDuring = during.get(0);
            assertThat(verifyDuring.text("error")).isEqualTo("temporarily_unavailable");
            assertThat(verifyDuring.text("error_description")).isNotBlank();
            assertThat(verifyDuring.header("Retry-After")).isNotNull();
            assertThat(during.get(1).json().get("checks").get("database").asText())
                    .isEqualTo("DOWN");
            for (int i = 2; i < during.size(); i++) {
                assertThat(during.get(i).text("error")).isEqualTo("temporarily_unavailable");
            }
            // The other node, whose database path is intact, keeps serving.
            assertThat(start(nodeB, phone()).status()).isEqualTo(200);
        } finally {
            proxy.restore();
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status;
        do {
            status = nodeA.get("/health/ready").status();
            if (status != 200) {
                Thread.sleep(200);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).as("node A ready again without a restart").isEqualTo(200);
        Response after = verify(nodeA, before, code);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(start(nodeA, phone()).status()).isEqualTo(200);
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(int i) throws Exception;
    }

    private static List<Integer> concurrently(int n, Call<Integer> call) throws Exception {
        return run(n, call);
    }

    private static List<Response> concurrentlyResponses(int n, Call<Response> call) throws Exception {
        return run(n, call);
    }

    private static <T> List<T> run(int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> task = () -> call.run(index);
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                // A hung request would fail here: the pool's connection timeout is 5 s.
                results.add(f.get(20, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
