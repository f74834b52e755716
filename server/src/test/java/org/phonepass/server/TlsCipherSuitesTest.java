package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.2 is offered with AEAD ciphers and forward secrecy only (Mozilla's "intermediate"): a client that knows only
 * CBC suites cannot connect, one with ECDHE and AES-GCM or ChaCha20-Poly1305 can, and TLS 1.3 works as before.
 */
class TlsCipherSuitesTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tls12ClientWithCbcSuitesOnlyWhenHandshakingThenRefused() {
        String[] cbc = {
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256"
        };
        assertThatThrownBy(() -> RawHttps.open(server, 5_000, null, cbc).close())
                .isInstanceOf(SSLException.class);
    }

    @Test
    void tls12ClientWithAeadSuitesWhenHandshakingThenServed() throws Exception {
        for (String suite : new String[] {
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
        }) {
            try (SSLSocket s = RawHttps.open(server, 5_000, null, new String[] {suite})) {
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
                assertThat(s.getSession().getCipherSuite()).isEqualTo(suite);
                s.getOutputStream()
                        .write("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                assertThat(RawHttps.read(s.getInputStream()).status()).isEqualTo(200);
            }
        }
        try (SSLSocket s = RawHttps.open(server, 5_000)) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }
}
