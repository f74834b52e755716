package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A body over {@code http.max_body_bytes} gets its 413 even while the client is still sending it: the server reads
 * the rest and drops it (up to 1 MiB) instead of closing a connection with bytes unread, which the kernel turns into
 * a reset that made the client lose the answer (a few in a hundred for bodies over 50 kB on Jetty 12).
 */
class OversizedBodyTest {
    @Test
    void bodiesFrom50kbTo200kbWhenPostedThenEveryOneGets413Json() {
        try (TestServer server = new TestServer()) {
            for (int i = 0; i < 60; i++) {
                byte[] body = new byte[50_000 + i * 2_500];
                Arrays.fill(body, (byte) 'a');
                TestServer.Response r = server.send(server.request("/oauth/token")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                assertThat(r.status()).as("a body of %d bytes", body.length).isEqualTo(413);
                assertThat(r.text("error")).isNotBlank();
            }
        }
    }
}
