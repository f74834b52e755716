package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.phonepass.server.tls.TlsMaterial;

/**
 * What an HTTPS request keeps while it waits asynchronously (a start waiting on a slow SMS vendor): Jetty holds the
 * connection's request buffer until the request completes, and over TLS it had raised that buffer to the TLS
 * session's 16 kB (20 kB from the pool); 1 024 waiting starts held 20 MB of heap that way (docs/benchmarks.md,
 * "1 024 connections, the heap per waiting request"). The HTTPS connector as {@link HttpApi} builds it keeps
 * {@link HttpApi#REQUEST_BUFFER_BYTES}, and still reads heads and bodies larger than that.
 */
class WaitingRequestBuffersTest {
    private static final int WAITING = 24;

    @TempDir
    Path dir;

    private Server server;
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private CountDownLatch arrived = new CountDownLatch(WAITING);

    @AfterEach
    void stop() throws Exception {
        waiting.forEach(Runnable::run);
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void httpsConnectorWhenRequestsWaitThenEachKeepsOnlyTheSmallRequestBuffer() throws Exception {
        ArrayByteBufferPool.Tracking pool = trackingPool();
        ServerConnector connector = start(pool, true);

        long held = heldWhileWaiting(connector, pool);

        assertThat(held / WAITING).isLessThanOrEqualTo(HttpApi.REQUEST_BUFFER_BYTES);
    }

    @Test
    void jettyDefaultWhenRequestsWaitThenEachKeepsATlsSizedBufferForComparison() throws Exception {
        ArrayByteBufferPool.Tracking pool = trackingPool();
        ServerConnector connector = start(pool, false);

        long held = heldWhileWaiting(connector, pool);

        assertThat(held / WAITING).isGreaterThanOrEqualTo(16 * 1024);
    }

    @Test
    void httpsConnectorWhenTheHeadOrBodyIsLargerThanTheRequestBufferThenItIsStillRead() throws Exception {
        ServerConnector connector = start(trackingPool(), true);
        HttpClient client = client();
        String base = "https://127.0.0.1:" + connector.getLocalPort();
        String body = "x".repeat(40_000);

        HttpResponse<String> large = client.send(
                HttpRequest.newBuilder(URI.create(base + "/echo"))
                        .header("X-Padding", "p".repeat(12_000))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> tooLarge = client.send(
                HttpRequest.newBuilder(URI.create(base + "/echo"))
                        .header("X-Padding", "p".repeat(17_000))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(large.statusCode()).isEqualTo(200);
        assertThat(large.body()).isEqualTo("12000 " + body.length());
        // The head limit (HttpApi.httpConfiguration, 16 kB) is what it was: 431 past it.
        assertThat(tooLarge.statusCode()).isEqualTo(431);
    }

    @Test
    void httpConfigurationThenNoHeaderCachePerConnection() {
        HttpConfiguration http = new HttpConfiguration();
        HttpApi.httpConfiguration(http);

        assertThat(http.getHeaderCacheSize()).isZero();
        assertThat(http.getInputBufferSize()).isEqualTo(HttpApi.REQUEST_BUFFER_BYTES);
    }

    /** Sends {@link #WAITING} POSTs that the server holds, and returns the pool's bytes out while all of them wait. */
    private long heldWhileWaiting(ServerConnector connector, ArrayByteBufferPool.Tracking pool) throws Exception {
        HttpClient client = client();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            answers.add(client.sendAsync(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/wait"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"client_id\":\"c\",\"connection\":\"sms\",\"phone_number\":\"+15555550100\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
        long held = pool.getLeaks().stream().mapToLong(b -> b.capacity()).sum();

        Runnable r;
        while ((r = waiting.poll()) != null) {
            r.run();
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("sent");
        }
        return held;
    }

    /** The connectors' pool (HttpApi.bufferPool's bounds), counting the buffers out. */
    private static ArrayByteBufferPool.Tracking trackingPool() {
        return new ArrayByteBufferPool.Tracking(
                0, -1, -1, Integer.MAX_VALUE, HttpApi.POOLED_HEAP_BYTES, HttpApi.POOLED_DIRECT_BYTES);
    }

    /**
     * The HTTPS connector as HttpApi builds it; without its request-buffer listener when {@code small} is false.
     * {@code /wait} reads the body and holds the request until the test answers it, as a start waits on its vendor;
     * {@code /echo} answers with the length of a header and of the body.
     */
    private ServerConnector start(ArrayByteBufferPool pool, boolean small) throws Exception {
        TlsMaterial tls = TlsMaterial.devCertificate(dir, List.of());
        HttpConfiguration http = new HttpConfiguration();
        HttpApi.httpConfiguration(http);
        server = new Server();
        ServerConnector connector = HttpApi.httpsConnector(server, http, tls, pool);
        if (!small) {
            connector.getEventListeners().stream()
                    .filter(l -> l instanceof HttpApi.RequestBufferSize)
                    .toList()
                    .forEach(connector::removeEventListener);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((body, failure) -> {
                    if (failure != null) {
                        Response.writeError(request, response, callback, failure);
                    } else if (request.getHttpURI().getPath().equals("/wait")) {
                        waiting.add(() -> response.write(true, utf8("sent"), callback));
                        arrived.countDown();
                    } else {
                        String padding = request.getHeaders().get("X-Padding");
                        response.write(
                                true, utf8((padding == null ? 0 : padding.length()) + " " + body.length()), callback);
                    }
                });
                return true;
            }
        });
        server.start();
        return connector;
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private HttpClient client() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "dev", TlsMaterial.devCertificate(dir, List.of()).certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLParameters parameters = new SSLParameters();
        // The dev certificate names localhost and 127.0.0.1; the client checks it as a browser would.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(context)
                .sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }
}
