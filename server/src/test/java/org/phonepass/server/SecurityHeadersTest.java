package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/**
 * Every HTML page the server renders (the dev inbox, the logout page) forbids framing and inline script through its
 * CSP, turns off MIME sniffing and sends no referrer. (Dev endpoints in production mode: ProductionModeTest.)
 */
class SecurityHeadersTest {
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
    void htmlPagesWhenServedThenCarryCspWithFrameAncestorsNosniffAndReferrerPolicy() {
        server.startAndReadCode(TestServer.SPA, "+12015550189");
        for (String path : List.of("/dev/sms", "/logout", "/v2/logout")) {
            Response r = server.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.header("Content-Type")).as(path).startsWith("text/html");
            String csp = r.header("Content-Security-Policy");
            assertThat(csp)
                    .as(path)
                    .contains("frame-ancestors 'none'")
                    .contains("default-src 'none'")
                    .doesNotContain("script-src");
            assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(r.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(r.header("X-Frame-Options")).as(path).isEqualTo("DENY");
        }
    }

    @Test
    void errorAnswersWhenJettyRefusesBeforeAnyRouteThenStillJsonWithNosniff() throws Exception {
        String huge = "x".repeat(20_000);
        RawHttps.Answer answer = RawHttps.exchange(
                server,
                ("GET /health HTTP/1.1\r\nHost: localhost\r\n" + "Connection: close\r\nX-Big: " + huge + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(answer.status()).isEqualTo(431);
        assertThat(answer.head().toLowerCase(java.util.Locale.ROOT))
                .contains("content-type: application/json")
                .contains("x-content-type-options: nosniff");
        assertThat(answer.body()).contains("\"error\":\"invalid_request\"").doesNotContain(huge.substring(0, 100));
    }
}
