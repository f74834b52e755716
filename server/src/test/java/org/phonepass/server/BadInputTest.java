package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/** Malformed requests get a 4xx with error and error_description, never a 5xx. */
class BadInputTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Response post(String path, String type, byte[] body) {
        return server.send(
                server.request(path).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static void assertError(Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.text("error")).isNotBlank();
        assertThat(r.text("error_description")).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void badJsonThen400() {
        for (String path : new String[] {"/passwordless/start", "/oauth/ro", "/oauth/token", "/tokeninfo"}) {
            assertError(post(path, "application/json", "{\"client_id\":".getBytes()), 400);
            assertError(post(path, "application/json", "[1,2,3]".getBytes()), 400);
            assertError(post(path, "application/json", "{\"a\":1,\"a\":2}".getBytes()), 400);
        }
    }

    @Test
    void wrongContentTypeThen415() {
        assertError(post("/passwordless/start", "text/xml", "<a/>".getBytes()), 415);
        assertError(post("/oauth/token", "multipart/form-data; boundary=x", "--x--".getBytes()), 415);
    }

    @Test
    void invalidUtf8Then400() {
        byte[] form = "client_id=sample-spa&connection=sms&phone_number=%FF%FE".getBytes();
        assertError(post("/passwordless/start", "application/x-www-form-urlencoded", form), 400);
        byte[] json = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertError(post("/oauth/token", "application/json", json), 400);
        assertError(post("/oauth/ro", "application/x-www-form-urlencoded", "a=%zz".getBytes()), 400);
    }

    @Test
    void oversizedBodyOrFieldThen4xx() {
        byte[] big = ("client_id=sample-spa&x=" + "a".repeat(20_000)).getBytes();
        assertError(post("/passwordless/start", "application/x-www-form-urlencoded", big), 413);
        byte[] field = ("client_id=sample-spa&connection=sms&phone_number=" + "1".repeat(9000)).getBytes();
        assertError(post("/passwordless/start", "application/x-www-form-urlencoded", field), 400);
    }

    @Test
    void repeatedFieldThen400() {
        byte[] form = "client_id=sample-spa&client_id=other&connection=sms&phone_number=%2B12015550601".getBytes();
        assertError(post("/passwordless/start", "application/x-www-form-urlencoded", form), 400);
    }

    @Test
    void emptyBodiesThenMissingFieldErrors() {
        assertError(post("/passwordless/start", "application/json", "{}".getBytes()), 400);
        assertError(post("/oauth/ro", "application/x-www-form-urlencoded", new byte[0]), 400);
        assertError(post("/oauth/token", "application/json", "{}".getBytes()), 400);
        assertError(post("/oauth/revoke", "application/json", "{}".getBytes()), 400);
    }

    @Test
    void nonStringJsonValuesThenHandledAsText() {
        Response r = server.postJson(
                "/passwordless/start",
                java.util.Map.of("client_id", 12345, "connection", "sms", "phone_number", 12015550602L));
        assertError(r, 400);
        assertThat(r.text("error")).isEqualTo("bad.client_id");
    }
}
