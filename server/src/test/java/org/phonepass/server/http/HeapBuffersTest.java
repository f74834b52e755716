package org.phonepass.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The connectors read and write through heap buffers, which the collector frees within {@code -Xmx}; Jetty's default
 * direct buffers, once dropped by the bounded pool, stayed resident outside the heap until an old-generation
 * collection (docs/benchmarks.md, "1 024 connections under 256 MiB").
 */
class HeapBuffersTest {
    @Test
    void httpConfigurationWhenRequestsAreServedThenTheConnectorTakesOnlyHeapBuffers() throws Exception {
        HttpConfiguration http = new HttpConfiguration();
        HttpApi.httpConfiguration(http);

        ArrayByteBufferPool pool = serve(http, 20);

        assertThat(pool.getHeapMemory()).isPositive();
        assertThat(pool.getDirectMemory()).isZero();
    }

    @Test
    void jettyDefaultsWhenRequestsAreServedThenDirectBuffersForComparison() throws Exception {
        ArrayByteBufferPool pool = serve(new HttpConfiguration(), 20);

        assertThat(pool.getDirectMemory()).isPositive();
    }

    /** Serves {@code requests} requests with a body on one connector and returns its pool, the buffers given back. */
    private static ArrayByteBufferPool serve(HttpConfiguration http, int requests) throws Exception {
        ArrayByteBufferPool pool = (ArrayByteBufferPool) HttpApi.bufferPool();
        Server server = new Server();
        ServerConnector connector =
                new ServerConnector(server, null, null, pool, -1, -1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                // The body is read before the answer: left unread, Jetty closes the connection after answering, and
                // the client could take that connection from its pool for the next request as it closed.
                Content.Source.consumeAll(request);
                response.write(true, ByteBuffer.wrap("{\"ok\":true}".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/x"))
                                .POST(HttpRequest.BodyPublishers.ofString("phone_number=%2B15555550100"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{\"ok\":true}");
            }
        } finally {
            server.stop();
        }
        return pool;
    }
}
