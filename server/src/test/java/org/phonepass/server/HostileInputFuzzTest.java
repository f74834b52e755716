package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.phonepass.server.TestServer.Response;

/**
 * Generated hostile input against every endpoint over real HTTPS: random and truncated bodies, wrong and missing
 * content types, invalid UTF-8, huge fields, random JSON shapes, random query strings, header floods. The answer is
 * always below 500, and every error is Auth0's JSON {@code error}/{@code error_description}; or, for what Jetty
 * refuses before any handler runs, a 4xx or a closed connection.
 *
 * <p>The normal suite runs {@code jqwik.tries.default} tries per property (300, see
 * {@code src/test/resources/junit-platform.properties}); docs/security.md gives the command for a large run.
 */
class HostileInputFuzzTest {
    static TestServer server;
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> POST_PATHS = List.of(
            "/passwordless/start",
            "/oauth/ro",
            "/oauth/token",
            "/oauth/revoke",
            "/tokeninfo",
            "/userinfo",
            "/.well-known/jwks.json",
            "/nope");
    static final List<String> GET_PATHS = List.of(
            "/passwordless/start",
            "/oauth/ro",
            "/tokeninfo",
            "/userinfo",
            "/.well-known/jwks.json",
            "/.well-known/openid-configuration",
            "/user/geoloc/country",
            "/logout",
            "/v2/logout",
            "/avatar.svg",
            "/health",
            "/dev/sms",
            "/dev/sms.json",
            "/metrics",
            "/nope/%ff");
    static final List<String> FIELDS = List.of(
            "client_id",
            "connection",
            "phone_number",
            "send",
            "authParams",
            "grant_type",
            "username",
            "password",
            "otp",
            "realm",
            "scope",
            "audience",
            "refresh_token",
            "token",
            "id_token",
            "client_secret",
            "cbx",
            "nonce",
            "state",
            "returnTo",
            "to",
            "bot_token");

    @BeforeContainer
    static void start() {
        server = new TestServer();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    /** The rule every answer obeys. */
    static void assertSafe(String what, Response r) {
        assertThat(r.status())
                .as(what + " -> " + r.status() + " " + abbreviate(r.body()))
                .isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.json()).as(what + " -> " + abbreviate(r.body())).isNotNull();
            JsonNode error = r.json().get("error");
            assertThat(error).as(what + " -> " + abbreviate(r.body())).isNotNull();
            assertThat(r.json().get("error_description")).isNotNull();
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() < 300 ? s : s.substring(0, 300) + "...";
    }

    private static Response post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = server.request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return server.send(b);
    }

    // ------------------------------------------------------------------ properties

    @Property
    void randomBytesWithAnyContentTypeNeverCauseA5xx(
            @ForAll("postPaths") String path, @ForAll("contentTypes") String type, @ForAll("randomBytes") byte[] body) {
        assertSafe(path + " " + type, post(path, type, body));
    }

    @Property
    void randomJsonShapesNeverCauseA5xx(@ForAll("postPaths") String path, @ForAll("jsonObjects") String body) {
        assertSafe(
                path + " " + abbreviate(body), post(path, "application/json", body.getBytes(StandardCharsets.UTF_8)));
    }

    @Property
    void formBodiesWithHostileValuesNeverCauseA5xx(
            @ForAll("postPaths") String path, @ForAll("forms") String body, @ForAll("cuts") double cut) {
        // A truncated form is what a client that died mid-write leaves, including half a percent-escape.
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] truncated = Arrays.copyOf(bytes, (int) Math.round(bytes.length * cut));
        assertSafe(path + " " + abbreviate(body), post(path, "application/x-www-form-urlencoded", truncated));
    }

    @Property
    void truncatedValidRequestsNeverCauseA5xx(@ForAll("validBodies") String body, @ForAll("cuts") double cut) {
        String[] parts = body.split(" ", 3);
        byte[] bytes = parts[2].getBytes(StandardCharsets.UTF_8);
        byte[] truncated = Arrays.copyOf(bytes, (int) Math.floor(bytes.length * cut));
        assertSafe(body, post(parts[0], parts[1], truncated));
    }

    @Property
    void randomQueryStringsAndHeadersNeverCauseA5xx(
            @ForAll("getPaths") String path,
            @ForAll("queryStrings") String query,
            @ForAll("headerValues") String headerValue) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path + "?" + query))
                .GET()
                .header("Authorization", headerValue)
                .header("Origin", headerValue)
                .header("Accept-Language", headerValue)
                .header("X-Request-Language", headerValue)
                .header("X-Forwarded-For", headerValue)
                .header("X-Request-Id", headerValue)
                .header("Auth0-Client", headerValue);
        Response r = server.send(b);
        assertSafe(path + "?" + query, r);
    }

    @Property(tries = 40)
    void headerFloodsAreRefusedOrServedButNeverA5xx(@ForAll("headerCounts") int count, @ForAll("headerSizes") int size)
            throws Exception {
        StringBuilder request = new StringBuilder("POST /passwordless/start HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n");
        String value = "v".repeat(size);
        for (int i = 0; i < count; i++) {
            request.append("X-Flood-").append(i).append(": ").append(value).append("\r\n");
        }
        request.append("\r\n{}");
        RawHttps.Answer answer = RawHttps.exchange(server, request.toString().getBytes(StandardCharsets.US_ASCII));
        if (!answer.closedWithoutAnswer()) {
            assertThat(answer.status()).as(answer.head()).isBetween(400, 499);
            if (!answer.cut()) {
                assertThat(JSON.readTree(answer.body()).has("error"))
                        .as(answer.body())
                        .isTrue();
            } else {
                // A refusal the reset overtook (RawHttps.Answer#cut): what arrived of its body is the start of the
                // JSON error every refusal begins with, or goes on from it.
                String start = "{\"error\":";
                assertThat(answer.body().startsWith(start) || start.startsWith(answer.body()))
                        .as(answer.body())
                        .isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> postPaths() {
        return Arbitraries.of(POST_PATHS);
    }

    @Provide
    Arbitrary<String> getPaths() {
        return Arbitraries.of(GET_PATHS);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of(
                "application/json",
                "application/x-www-form-urlencoded",
                "text/plain",
                "multipart/form-data; boundary=x",
                "application/json; charset=iso-8859-1",
                "application/x-www-form-urlencoded; charset=utf-16",
                "application/jose+json",
                "",
                ";;;",
                "application/xml",
                "*/*",
                "application/json;;charset=");
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        // Over the 16 KiB body limit: must be 413, never read whole.
        Arbitrary<byte[]> huge = Arbitraries.integers()
                .between(16 * 1024 + 1, 200_000)
                .map(n -> {
                    byte[] b = new byte[n];
                    Arrays.fill(b, (byte) 'a');
                    return b;
                });
        Arbitrary<byte[]> invalidUtf8 = Arbitraries.of(
                new byte[] {(byte) 0xc3, (byte) 0x28},
                new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                "{\"client_id\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8),
                "client_id=%ff%fe&connection=sms".getBytes(StandardCharsets.US_ASCII),
                "client_id=%c3%28".getBytes(StandardCharsets.US_ASCII),
                "{\"client_id\":\"sample-spa\",\"x\":\"\\ud800\"}".getBytes(StandardCharsets.US_ASCII));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, small),
                net.jqwik.api.Tuple.of(1, huge),
                net.jqwik.api.Tuple.of(2, invalidUtf8));
    }

    /** Strings a script would try: empty, control characters, lone surrogates, long ones, lookalikes. */
    @Provide
    Arbitrary<String> hostileStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(10),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(4),
                Arbitraries.integers().between(8_000, 20_000).map("9"::repeat),
                Arbitraries.of(
                        "sample-spa",
                        "backend",
                        "otp-only",
                        "legacy-jsonp",
                        "sms",
                        "code",
                        "password",
                        "+12015550199",
                        "+1 (201) 555-0199",
                        "http://auth0.com/oauth/grant-type/passwordless/otp",
                        "refresh_token",
                        "openid profile offline_access",
                        "123456",
                        "__auth0jp0",
                        "alert(1)//",
                        "https://evil.example",
                        "null",
                        "[]",
                        "{}",
                        "%",
                        "%%",
                        "%2",
                        "\u2028",
                        "NaN",
                        "1e309",
                        "-0",
                        "0x10",
                        "../../etc/passwd",
                        "' OR 1=1 --"));
    }

    @Provide
    Arbitrary<Object> jsonValues() {
        return Arbitraries.lazyOf(
                () -> hostileStrings().map(s -> (Object) s),
                () -> Arbitraries.longs().map(l -> (Object) l),
                () -> Arbitraries.doubles().map(d -> (Object) d),
                () -> Arbitraries.of(true, false).map(b -> (Object) b),
                () -> Arbitraries.just((Object) null),
                () -> jsonValues().list().ofMaxSize(4).map(l -> (Object) l),
                () -> Combinators.combine(fieldNames(), jsonValues()).as((k, v) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put(k, v);
                    return (Object) m;
                }));
    }

    @Provide
    Arbitrary<String> fieldNames() {
        return Arbitraries.oneOf(
                Arbitraries.of(FIELDS),
                Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.integers().between(200, 400).map("k"::repeat));
    }

    @Provide
    Arbitrary<String> jsonObjects() {
        Arbitrary<String> objects = Arbitraries.maps(fieldNames(), jsonValues())
                .ofMaxSize(12)
                .map(m -> {
                    try {
                        return JSON.writeValueAsString(m);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        Arbitrary<String> notObjects = Arbitraries.of(
                "[]",
                "[1,2]",
                "\"text\"",
                "42",
                "null",
                "true",
                "{",
                "{\"a\":1,\"a\":2}",
                "{\"client_id\":\"sample-spa\"}x",
                "[".repeat(5_000),
                "{\"a\":" + "[".repeat(3000));
        Arbitrary<String> manyFields = Arbitraries.integers().between(60, 400).map(n -> {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"v\"");
            }
            return sb.append('}').toString();
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, objects),
                net.jqwik.api.Tuple.of(2, notObjects),
                net.jqwik.api.Tuple.of(1, manyFields));
    }

    @Provide
    Arbitrary<String> forms() {
        Arbitrary<String> pair = Combinators.combine(fieldNames(), hostileStrings())
                .as((k, v) -> TestServer.enc(k) + "=" + TestServer.enc(v));
        Arbitrary<String> rawPair =
                Arbitraries.strings().withChars("=&%+abc09xyzé\u0000").ofMaxLength(30);
        return Arbitraries.oneOf(pair, rawPair).list().ofMaxSize(80).map(l -> String.join("&", l));
    }

    @Provide
    Arbitrary<String> validBodies() {
        List<String> bodies = new ArrayList<>();
        bodies.add("/passwordless/start application/x-www-form-urlencoded client_id=sample-spa&connection=sms"
                + "&phone_number=%2B12015550198");
        bodies.add("/passwordless/start application/json {\"client_id\":\"sample-spa\",\"connection\":\"sms\","
                + "\"send\":\"code\",\"phone_number\":\"+12015550197\",\"authParams\":{\"scope\":\"openid\"}}");
        bodies.add("/oauth/ro application/x-www-form-urlencoded client_id=sample-spa&connection=sms"
                + "&grant_type=password&username=%2B12015550196&password=123456&scope=openid");
        bodies.add(
                "/oauth/token application/json {\"grant_type\":\"http://auth0.com/oauth/grant-type/passwordless/otp\","
                        + "\"client_id\":\"sample-spa\",\"username\":\"+12015550195\",\"otp\":\"123456\",\"realm\":\"sms\"}");
        bodies.add("/oauth/token application/x-www-form-urlencoded grant_type=refresh_token&client_id=sample-spa"
                + "&refresh_token=abc");
        bodies.add("/oauth/revoke application/json {\"client_id\":\"sample-spa\",\"token\":\"abc\"}");
        bodies.add("/tokeninfo application/json {\"id_token\":\"eyJhbGciOiJSUzI1NiJ9.e30.c2ln\"}");
        return Arbitraries.of(bodies);
    }

    @Provide
    Arbitrary<Double> cuts() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<String> queryStrings() {
        // Every byte percent-encoded, so invalid UTF-8 and control bytes reach the server as the client sent them.
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(200)
                .map(bytes -> {
                    StringBuilder sb = new StringBuilder();
                    for (byte b : bytes) {
                        sb.append('%').append(String.format("%02x", b & 0xff));
                    }
                    return sb.toString();
                })
                .flatMap(encoded -> Arbitraries.of(
                        encoded,
                        "cbx=__auth0jp0&" + encoded,
                        "id_token=" + encoded + "&cbx=f",
                        "client_id=sample-spa&connection=sms&phone_number=" + encoded + "&cbx=cb",
                        "to=" + encoded,
                        "returnTo=" + encoded,
                        "cbx=" + encoded));
    }

    @Provide
    Arbitrary<String> headerValues() {
        // The HTTP client refuses control characters in header values, so these are what a client can send.
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(100),
                Arbitraries.of(
                        "Bearer ",
                        "Bearer a.b.c",
                        "Basic Og==",
                        "Basic %%%",
                        "1.2.3.4, ::1, x",
                        "eyJuYW1lIjoiYXV0aDAuanMifQ",
                        "*",
                        "null",
                        "en;q=abc, *;q=0"),
                Arbitraries.integers().between(1_000, 6_000).map("x"::repeat));
    }

    @Provide
    Arbitrary<Integer> headerCounts() {
        return Arbitraries.of(1, 50, 200, 1_000, 5_000);
    }

    @Provide
    Arbitrary<Integer> headerSizes() {
        return Arbitraries.of(1, 100, 4_000, 20_000, 70_000);
    }
}
