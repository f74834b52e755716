package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * One client cannot take the server's connections from everyone else (docs/security.md, "Connections"): a cap per
 * peer address, counted on the TCP peer whatever the headers say, and a deadline for the request head (slowloris).
 * Loopback offers 127.0.0.2 as a second client address beside 127.0.0.1.
 */
class ConnectionLimitsTest {
    private static final String FLOODER = "127.0.0.2";

    @Test
    void manyConnectionsFromOneAddressWhenOverTheCapThenClosedAndOthersStillLogIn() throws Exception {
        int cap = 8;
        // X-Forwarded-For is believed from 127.0.0.3 only; the flooder sends it anyway.
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                http: {max_connections_per_address: %d, header_timeout: 60s, trusted_proxies: [127.0.0.3]}
                limits:
                  pumping: {enabled: false}
                """.formatted(cap), null)) {
            List<Socket> flood = new ArrayList<>();
            try {
                // Full TLS connections with a request each, claiming to forward for other addresses: they count
                // against the TCP peer.
                for (int i = 0; i < cap; i++) {
                    SSLSocket s = RawHttps.open(server, 10_000, FLOODER, null);
                    s.getOutputStream()
                            .write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: " + "198.51.100."
                                            + i + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    assertThat(readStatusLine(s)).startsWith("HTTP/1.1 200");
                    flood.add(s);
                }
                // Then bare TCP connections, the cheapest kind to hold: every one past the cap is closed at once.
                int closed = 0;
                for (int i = 0; i < 3 * cap; i++) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress(FLOODER, 0));
                    s.connect(new InetSocketAddress("127.0.0.1", server.server().httpsPort()), 5_000);
                    flood.add(s);
                    if (closedByServer(s, 2_000)) {
                        closed++;
                    }
                }
                assertThat(closed)
                        .as("connections past the cap of %d closed by the server", cap)
                        .isEqualTo(3 * cap);
                // Another address is served as usual while the flooder holds its connections.
                TestServer.Response login = server.login(TestServer.SPA, "+12015550741", "openid");
                assertThat(login.status()).as(login.body()).isEqualTo(200);
                assertThat(login.text("id_token")).isNotBlank();
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            // Once the flooder lets go, its address may connect again: the count follows the closes.
            SSLSocket again = reconnect(server);
            try (again) {
                again.getOutputStream()
                        .write("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                assertThat(RawHttps.read(again.getInputStream()).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void requestHeadTrickledSlowerThanTheHeaderTimeoutThenClosedLongBeforeTheIdleTimeout() throws Exception {
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                http: {header_timeout: 2s, idle_timeout: 60s}
                """, null)) {
            // A kept-alive connection that pauses between complete requests is not touched.
            try (SSLSocket polite = RawHttps.open(server, 20_000)) {
                for (int i = 0; i < 2; i++) {
                    polite.getOutputStream()
                            .write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    polite.getOutputStream().flush();
                    assertThat(readStatusLine(polite)).startsWith("HTTP/1.1 200");
                    Thread.sleep(5_000);
                }
            }
            // Slowloris: a byte of the head every 300 ms keeps the connection from ever being idle.
            try (SSLSocket slow = RawHttps.open(server, 20_000)) {
                OutputStream out = slow.getOutputStream();
                out.write(
                        "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                boolean closed = false;
                for (int i = 0; i < 100 && !closed; i++) {
                    Thread.sleep(300);
                    try {
                        out.write('a');
                        out.flush();
                    } catch (IOException e) {
                        closed = true;
                    }
                }
                if (!closed) {
                    slow.setSoTimeout(100);
                    try {
                        closed = slow.getInputStream().read() < 0;
                    } catch (SocketTimeoutException e) {
                        closed = false;
                    } catch (IOException e) {
                        closed = true;
                    }
                }
                assertThat(closed).as("a head trickled for 30 s was still open").isTrue();
            }
            // A connection that completes the TLS handshake and then sends nothing gets the same deadline.
            try (SSLSocket silent = RawHttps.open(server, 20_000)) {
                assertThat(closedByServer(silent, 10_000)).isTrue();
            }
            assertThat(server.get("/health/live").status()).isEqualTo(200);
        }
    }

    /** Waits for the server to close (a read ends) without sending an answer. */
    private static boolean closedByServer(Socket s, int waitMillis) throws IOException {
        s.setSoTimeout(waitMillis);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset, or the TLS layer seeing the close
        }
    }

    private static String readStatusLine(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        byte[] head = new byte[8192];
        int n = s.getInputStream().read(head);
        line.append(new String(head, 0, Math.max(n, 0), StandardCharsets.US_ASCII));
        return line.toString();
    }

    /** The flooder's closes reach the server asynchronously; a new connection from it is accepted soon after. */
    private static SSLSocket reconnect(TestServer server) throws Exception {
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                SSLSocket s = RawHttps.open(server, 10_000, FLOODER, null);
                return s;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
