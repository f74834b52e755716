package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;

/**
 * The admin console's access control over HTTP (docs/management.md#console-security): who can sign in, what a
 * session cookie is, and what a cross-site request, a non-admin number, a forged cookie or a guessed code gets.
 */
class AdminConsoleHttpTest {
    static final String ADMIN = "+12015550142";
    static final String OTHER_ADMIN = "+12015550143";
    static final String NOT_ADMIN = "+12015550144";
    static final String GUESSED_ADMIN = "+12015550145";
    /** Signs in once for the dashboard's and the connection page's figures (each number has its own start limits). */
    static final String VIEWING_ADMIN = "+12015550152";

    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.DEFAULT_YAML + """
                        admin:
                          phone_numbers: ["+12015550142", "+12015550143", "+12015550145", "+12015550152"]
                          session_idle_timeout: 15m
                          session_max_lifetime: 8h
                          currency: EUR
                          sms_prices: {US: 0.0079, default: 0.05}
                        """, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A browser's view: the cookies it holds, sent back on each request. */
    static final class Visitor {
        String login = "";
        String session = "";

        String cookies() {
            StringBuilder b = new StringBuilder();
            if (!login.isEmpty()) {
                b.append("__Host-phonepass-admin-login=").append(login);
            }
            if (!session.isEmpty()) {
                b.append(b.length() == 0 ? "" : "; ")
                        .append("__Host-phonepass-admin=")
                        .append(session);
            }
            return b.toString();
        }

        Response get(String path) {
            Response r = cookies().isEmpty() ? server.get(path) : server.get(path, "Cookie", cookies());
            keep(r);
            return r;
        }

        Response post(String path, Map<String, String> form, String... headers) {
            String[] all = cookies().isEmpty() ? headers : concat(headers, "Cookie", cookies());
            Response r = server.postForm(path, form, all);
            keep(r);
            return r;
        }

        void keep(Response r) {
            for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
                if (!e.getKey().equalsIgnoreCase("set-cookie")) {
                    continue;
                }
                for (String c : e.getValue()) {
                    String value = c.substring(c.indexOf('=') + 1, c.indexOf(';'));
                    if (c.startsWith("__Host-phonepass-admin-login=")) {
                        login = value;
                    } else if (c.startsWith("__Host-phonepass-admin=")) {
                        session = value;
                    }
                }
            }
        }

        /** Signs in through both forms; answers the code step's response. */
        Response signIn(String phone) {
            String token = field(get("/admin/login").body(), "token");
            Response sent = post("/admin/login", TestServer.map("token", token, "phone_number", phone));
            assertThat(sent.status()).isEqualTo(303);
            assertThat(sent.header("Location")).isEqualTo("/admin/login/code");
            Response codePage = get("/admin/login/code");
            return post(
                    "/admin/login/code",
                    TestServer.map("token", field(codePage.body(), "token"), "code", server.latestCode(phone)));
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a hidden field " + name + " in " + html).isTrue();
        return m.group(1);
    }

    static String setCookie(Response r, String name) {
        return r.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("set-cookie"))
                .flatMap(e -> e.getValue().stream())
                .filter(c -> c.startsWith(name + "="))
                .findFirst()
                .orElse(null);
    }

    @Test
    void pagesWhenNoSessionThenRedirectedToSignIn() {
        for (String path :
                List.of("/admin", "/admin/dashboard", "/admin/users", "/admin/clients", "/admin/connection")) {
            Response r = new Visitor().get(path);
            assertThat(r.status()).as(path).isEqualTo(303);
            assertThat(r.header("Location")).as(path).isIn("/admin/login", "/admin/dashboard");
        }
        Response login = new Visitor().get("/admin/login");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Content-Type")).startsWith("text/html");
    }

    @Test
    void adminWhenSignedInWithTheCodeThenGetsAStrictSessionCookieAndThePages() {
        Visitor v = new Visitor();
        Response done = v.signIn(ADMIN);
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.header("Location")).isEqualTo("/admin/dashboard");
        String cookie = setCookie(done, "__Host-phonepass-admin");
        assertThat(cookie).contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict");
        assertThat(cookie).doesNotContain("Domain=");

        for (String path : List.of("/admin/dashboard", "/admin/users", "/admin/clients", "/admin/connection")) {
            Response page = v.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            String csp = page.header("Content-Security-Policy");
            assertThat(csp)
                    .as(path)
                    .contains("frame-ancestors 'none'", "script-src 'nonce-", "default-src 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        }
        Response dashboard = v.get("/admin/dashboard?range=1d");
        String nonce = dashboard.header("Content-Security-Policy").replaceAll(".*'nonce-([^']+)'.*", "$1");
        // Every script element carries this response's nonce; no inline handler attributes anywhere.
        Matcher scripts = Pattern.compile("<script[^>]*>").matcher(dashboard.body());
        int count = 0;
        while (scripts.find()) {
            assertThat(scripts.group()).contains("nonce=\"" + nonce + "\"");
            count++;
        }
        assertThat(count).isEqualTo(3);
        assertThat(dashboard.body()).doesNotContainPattern(" on[a-z]+=");
        // The sign-in code was sent and used: today's counts show it.
        assertThat(dashboard.body()).containsPattern("id=\"total-sent\">[1-9]");
        assertThat(dashboard.body()).containsPattern("id=\"total-verified\">[1-9]");
        // The console's assets come from the jar.
        assertThat(server.get("/admin/assets/uPlot.iife.min.js").status()).isEqualTo(200);
        assertThat(server.get("/admin/assets/dashboard.js").body()).contains("new uPlot(");
    }

    @Test
    void numberNotAnAdminsWhenSignInAskedThenNoCodeIsSentAndAnyCodeIsWrong() {
        Visitor v = new Visitor();
        String token = field(v.get("/admin/login").body(), "token");
        Response sent = v.post("/admin/login", TestServer.map("token", token, "phone_number", NOT_ADMIN));
        // The same answer as for an admin's number.
        assertThat(sent.status()).isEqualTo(303);
        assertThat(sent.header("Location")).isEqualTo("/admin/login/code");
        assertThat(server.get("/dev/sms.json?to=" + TestServer.enc(NOT_ADMIN)).json())
                .isEmpty();
        String codeToken = field(v.get("/admin/login/code").body(), "token");
        Response tried = v.post("/admin/login/code", TestServer.map("token", codeToken, "code", "123456"));
        assertThat(tried.status()).isEqualTo(400);
        assertThat(setCookie(tried, "__Host-phonepass-admin")).isNull();
        assertThat(v.get("/admin/dashboard").status()).isEqualTo(303);
    }

    @Test
    void signInWhenPostedWithoutTheFormTokenOrFromAnotherSiteThenRefused() {
        Visitor v = new Visitor();
        String token = field(v.get("/admin/login").body(), "token");
        assertThat(v.post("/admin/login", TestServer.map("phone_number", ADMIN)).status())
                .isEqualTo(403);
        assertThat(v.post("/admin/login", TestServer.map("token", "forged", "phone_number", ADMIN))
                        .status())
                .isEqualTo(403);
        // A token from another sign-in cookie does not fit this one.
        Visitor other = new Visitor();
        String otherToken = field(other.get("/admin/login").body(), "token");
        assertThat(v.post("/admin/login", TestServer.map("token", otherToken, "phone_number", ADMIN))
                        .status())
                .isEqualTo(403);
        assertThat(v.post(
                                "/admin/login",
                                TestServer.map("token", token, "phone_number", ADMIN),
                                "Origin",
                                "https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(v.post(
                                "/admin/login",
                                TestServer.map("token", token, "phone_number", ADMIN),
                                "Sec-Fetch-Site",
                                "cross-site")
                        .status())
                .isEqualTo(403);
        // No cookie at all (a cross-site form post carries none: SameSite=Strict).
        assertThat(server.postForm("/admin/login", TestServer.map("token", token, "phone_number", ADMIN))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void writeWhenCsrfTokenMissingOrWrongThenRefusedAndSessionKept() {
        Visitor v = new Visitor();
        v.signIn(OTHER_ADMIN);
        String csrf = field(v.get("/admin/users").body(), "csrf");
        assertThat(v.post("/admin/logout", Map.of()).status()).isEqualTo(403);
        assertThat(v.post("/admin/logout", TestServer.map("csrf", "x" + csrf)).status())
                .isEqualTo(403);
        assertThat(v.post("/admin/logout", TestServer.map("csrf", csrf), "Origin", "https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(v.get("/admin/users").status()).isEqualTo(200);

        // Sign-out with the token ends the session; the old cookie no longer opens a page.
        String old = v.session;
        Response out = v.post("/admin/logout", TestServer.map("csrf", csrf));
        assertThat(out.status()).isEqualTo(303);
        assertThat(server.get("/admin/users", "Cookie", "__Host-phonepass-admin=" + old)
                        .status())
                .isEqualTo(303);
    }

    @Test
    void sessionCookieWhenForgedTamperedOrIdleTooLongThenRefused() {
        Visitor v = new Visitor();
        v.signIn(ADMIN);
        String cookie = v.session;
        assertThat(server.get("/admin/clients", "Cookie", "__Host-phonepass-admin=" + cookie)
                        .status())
                .isEqualTo(200);
        // The signature covers the whole value: one changed character and it is refused.
        String body = cookie.substring(0, cookie.indexOf('.'));
        String mac = cookie.substring(cookie.indexOf('.') + 1);
        String tampered = body.substring(0, body.length() - 2)
                + (body.endsWith("A") ? "B" : "A")
                + body.charAt(body.length() - 1);
        for (String forged : List.of(tampered + "." + mac, "x." + mac, cookie + "x", "", "garbage")) {
            assertThat(server.get("/admin/clients", "Cookie", "__Host-phonepass-admin=" + forged)
                            .status())
                    .as(forged)
                    .isEqualTo(303);
        }
        // Unused for longer than the idle timeout: over.
        server.clock.advance(Duration.ofMinutes(16));
        try {
            assertThat(server.get("/admin/clients", "Cookie", "__Host-phonepass-admin=" + cookie)
                            .status())
                    .isEqualTo(303);
        } finally {
            server.clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void codeWhenGuessedThenAttemptsCountAndTheRightCodeNoLongerWorks() {
        Visitor v = new Visitor();
        String token = field(v.get("/admin/login").body(), "token");
        v.post("/admin/login", TestServer.map("token", token, "phone_number", GUESSED_ADMIN));
        String code = server.latestCode(GUESSED_ADMIN);
        String codeToken = field(v.get("/admin/login/code").body(), "token");
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 3; i++) {
            Response r = v.post("/admin/login/code", TestServer.map("token", codeToken, "code", wrong));
            assertThat(r.status()).isIn(400, 429);
        }
        Response late = v.post("/admin/login/code", TestServer.map("token", codeToken, "code", code));
        assertThat(late.status()).isIn(400, 429);
        assertThat(setCookie(late, "__Host-phonepass-admin")).isNull();
    }

    @Test
    void consoleWhenNoAdminIsNamedThenNotServed() {
        try (TestServer plain = new TestServer()) {
            assertThat(plain.get("/admin/login").status()).isEqualTo(404);
            assertThat(plain.get("/admin/dashboard").status()).isEqualTo(404);
        }
    }

    @Test
    void userWhenBlockedThroughTheConsoleThenCannotLogInAndWritesNeedTheToken() {
        String phone = "+12015550146";
        assertThat(server.login(TestServer.SPA, phone, "openid").status()).isEqualTo(200);
        Visitor v = new Visitor();
        v.signIn(ADMIN);
        Response search = v.get("/admin/users?phone_number=" + TestServer.enc(phone));
        Matcher link = Pattern.compile("href=\"/admin/users/([0-9a-f]+)\"").matcher(search.body());
        assertThat(link.find()).isTrue();
        String id = link.group(1);
        String csrf = field(v.get("/admin/users/" + id).body(), "csrf");

        // Without the token, or from another site: refused, nothing changes.
        assertThat(v.post("/admin/users/" + id + "/block", TestServer.map("blocked", "true"))
                        .status())
                .isEqualTo(403);
        assertThat(v.post(
                                "/admin/users/" + id + "/block",
                                TestServer.map("csrf", csrf, "blocked", "true"),
                                "Origin",
                                "https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(server.login(TestServer.SPA, phone, "openid").status()).isEqualTo(200);

        Response blocked = v.post("/admin/users/" + id + "/block", TestServer.map("csrf", csrf, "blocked", "true"));
        assertThat(blocked.status()).isEqualTo(200);
        assertThat(blocked.body()).contains("id=\"user-status\">Blocked");
        assertThat(server.login(TestServer.SPA, phone, "openid").status()).isEqualTo(401);

        Response unblocked = v.post("/admin/users/" + id + "/block", TestServer.map("csrf", csrf, "blocked", "false"));
        assertThat(unblocked.body()).contains("id=\"user-status\">Active");
        assertThat(server.login(TestServer.SPA, phone, "openid").status()).isEqualTo(200);

        // Deleting needs the number typed again.
        assertThat(v.post("/admin/users/" + id + "/delete", TestServer.map("csrf", csrf, "confirm_phone_number", ADMIN))
                        .status())
                .isEqualTo(400);
        assertThat(v.get("/admin/users/" + id).status()).isEqualTo(200);
        Response deleted =
                v.post("/admin/users/" + id + "/delete", TestServer.map("csrf", csrf, "confirm_phone_number", phone));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(v.get("/admin/users/" + id).status()).isEqualTo(404);
    }

    @Test
    void adminWhenBlockingOrDeletingThemselvesThenRefused() {
        Visitor v = new Visitor();
        v.signIn(ADMIN);
        Response search = v.get("/admin/users?phone_number=" + TestServer.enc(ADMIN));
        Matcher link = Pattern.compile("href=\"/admin/users/([0-9a-f]+)\"").matcher(search.body());
        assertThat(link.find()).isTrue();
        String id = link.group(1);
        String csrf = field(v.get("/admin/users/" + id).body(), "csrf");
        assertThat(v.post("/admin/users/" + id + "/block", TestServer.map("csrf", csrf, "blocked", "true"))
                        .status())
                .isEqualTo(400);
        assertThat(v.post("/admin/users/" + id + "/delete", TestServer.map("csrf", csrf, "confirm_phone_number", ADMIN))
                        .status())
                .isEqualTo(400);
        assertThat(v.get("/admin/dashboard").status()).isEqualTo(200);
    }

    @Test
    void clientWhenCreatedInTheConsoleThenItsSecretIsShownOnceAndRotationReplacesIt() {
        Visitor v = new Visitor();
        v.signIn(OTHER_ADMIN);
        String csrf = field(v.get("/admin/clients/new").body(), "csrf");
        Response created = v.post(
                "/admin/clients",
                TestServer.map(
                        "csrf",
                        csrf,
                        "name",
                        "Console <b>app</b>",
                        "app_type",
                        "regular_web",
                        "confidential",
                        "on",
                        "callbacks",
                        "https://app.example.com/callback\nhttps://app.example.com/other",
                        "allowed_origins",
                        "",
                        "allowed_logout_urls",
                        ""));
        assertThat(created.status()).isEqualTo(200);
        // Text is escaped wherever it is shown.
        assertThat(created.body()).contains("Console &lt;b&gt;app&lt;/b&gt;").doesNotContain("<b>app</b>");
        String clientId = created.body().replaceAll("(?s).*id=\"client-id\">([^<]+)<.*", "$1");
        String secret = created.body().replaceAll("(?s).*id=\"client-secret\">([^<]+)<.*", "$1");
        assertThat(secret).hasSizeGreaterThan(30);
        // The secret works at once (client_credentials is not granted: a refused grant, not a bad secret) and is
        // never shown again.
        Response edit = v.get("/admin/clients/" + clientId);
        assertThat(edit.status()).isEqualTo(200);
        assertThat(edit.body()).doesNotContain(secret).contains("https://app.example.com/other");

        Response rotated = v.post("/admin/clients/" + clientId + "/rotate-secret", TestServer.map("csrf", csrf));
        String second = rotated.body().replaceAll("(?s).*id=\"client-secret\">([^<]+)<.*", "$1");
        assertThat(second).isNotEqualTo(secret).hasSizeGreaterThan(30);
        assertThat(v.post("/admin/clients/" + clientId + "/rotate-secret", Map.of())
                        .status())
                .isEqualTo(403);

        // A bad URL is refused with the API's message, and the form keeps what was typed.
        Response bad = v.post(
                "/admin/clients/" + clientId,
                TestServer.map(
                        "csrf",
                        csrf,
                        "name",
                        "Renamed",
                        "confidential",
                        "on",
                        "callbacks",
                        "javascript:alert(1)",
                        "allowed_origins",
                        "",
                        "allowed_logout_urls",
                        ""));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"form-message\"").contains("Renamed");
        // The settings file's clients are read-only here.
        Response fromFile = v.get("/admin/clients/" + TestServer.SPA);
        assertThat(fromFile.body()).contains("id=\"read-only\"");
    }

    @Test
    void clientWhenDeletedInTheConsoleThenConfirmedByItsIdGoneEverywhereAndAuditedWithTheConsole() {
        Visitor v = new Visitor();
        v.signIn(OTHER_ADMIN);
        String csrf = field(v.get("/admin/clients/new").body(), "csrf");
        Response created = v.post(
                "/admin/clients",
                TestServer.map(
                        "csrf",
                        csrf,
                        "name",
                        "Short-lived app",
                        "app_type",
                        "spa",
                        "callbacks",
                        "https://short.example.com/cb",
                        "allowed_origins",
                        "",
                        "allowed_logout_urls",
                        ""));
        assertThat(created.status()).isEqualTo(200);
        String clientId = created.body().replaceAll("(?s).*id=\"client-id\">([^<]+)<.*", "$1");
        assertThat(v.get("/admin/clients/" + clientId).body()).contains("id=\"delete-client\"");
        Response confirm = v.get("/admin/clients/" + clientId + "/delete");
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.body()).contains("id=\"confirm_client_id\"").contains("Short-lived app");

        // Without the token, from another site, or with another id typed: refused, nothing deleted.
        assertThat(v.post("/admin/clients/" + clientId + "/delete", TestServer.map("confirm_client_id", clientId))
                        .status())
                .isEqualTo(403);
        assertThat(v.post(
                                "/admin/clients/" + clientId + "/delete",
                                TestServer.map("csrf", csrf, "confirm_client_id", clientId),
                                "Sec-Fetch-Site",
                                "cross-site")
                        .status())
                .isEqualTo(403);
        Response mismatch = v.post(
                "/admin/clients/" + clientId + "/delete",
                TestServer.map("csrf", csrf, "confirm_client_id", TestServer.SPA));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.body()).contains("id=\"delete-error\"");
        assertThat(server.postForm(
                                "/passwordless/start",
                                TestServer.map(
                                        "client_id", clientId, "connection", "sms", "phone_number", "+12015550149"))
                        .status())
                .isEqualTo(200);

        Response deleted = v.post(
                "/admin/clients/" + clientId + "/delete", TestServer.map("csrf", csrf, "confirm_client_id", clientId));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).contains("id=\"notice\"").doesNotContain("href=\"/admin/clients/" + clientId);
        assertThat(v.get("/admin/clients/" + clientId).status()).isEqualTo(404);
        assertThat(v.get("/admin/clients/" + clientId + "/delete").status()).isEqualTo(404);
        assertThat(server.postForm(
                                "/passwordless/start",
                                TestServer.map(
                                        "client_id", clientId, "connection", "sms", "phone_number", "+12015550149"))
                        .status())
                .isIn(400, 401);
        server.server().auditEvents().flush(Duration.ofSeconds(5));
        assertThat(server.server().auditEvents().recent(50))
                .anyMatch(e -> e.type() == org.phonepass.core.abuse.AuditEvent.Type.CLIENT_DELETE
                        && "phonepass-admin-console".equals(e.clientId())
                        && ("client=" + clientId).equals(e.detail()));

        // The settings file's applications cannot be deleted here either.
        assertThat(v.get("/admin/clients/" + TestServer.SPA).body()).doesNotContain("id=\"delete-client\"");
        assertThat(v.get("/admin/clients/" + TestServer.SPA + "/delete").status())
                .isEqualTo(400);
        assertThat(v.post(
                                "/admin/clients/" + TestServer.SPA + "/delete",
                                TestServer.map("csrf", csrf, "confirm_client_id", TestServer.SPA))
                        .status())
                .isEqualTo(400);
        assertThat(server.startAndReadCode(TestServer.SPA, "+12015550150")).hasSize(6);
    }

    @Test
    void dashboardAndConnectionWhenCodesWereSentThroughTheDevInboxThenItsProviderRowAndItsOwnSender() {
        server.startAndReadCode(TestServer.SPA, "+12015550151");
        Visitor v = new Visitor();
        v.signIn(VIEWING_ADMIN);
        Response dashboard = v.get("/admin/dashboard?range=1d");
        assertThat(dashboard.status()).isEqualTo(200);
        // The dev inbox is this server's provider: its attempts come from the tally in the database, none failed.
        assertThat(dashboard.body())
                .containsPattern(
                        "(?s)<table id=\"providers\">.*<th scope=\"row\">dev</th><td>[1-9][0-9]*</td><td>0</td>")
                .contains("id=\"chart-provider-latency\"", "id=\"chart-provider-failed\"", "id=\"provider-days\"");
        // Only Twilio's sender can be changed here; the dev inbox's is its own.
        Response page = v.get("/admin/connection");
        assertThat(page.body())
                .contains("id=\"sender-fixed\"")
                .contains("(dev)")
                .doesNotContain("id=\"sender\"");
    }

    @Test
    void connectionWhenSavedInTheConsoleThenTheNextCodeUsesItAndPreviewSavesNothing() {
        Visitor v = new Visitor();
        v.signIn(OTHER_ADMIN);
        String csrf = field(v.get("/admin/connection").body(), "csrf");
        Response preview = v.post(
                "/admin/connection",
                TestServer.map(
                        "csrf",
                        csrf,
                        "template",
                        "Code: @@password@@ ✓",
                        "code_length",
                        "8",
                        "code_lifetime",
                        "300",
                        "action",
                        "preview"));
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body()).contains("Code: 99999999 ✓").contains("UCS-2");
        assertThat(server.startAndReadCode(TestServer.SPA, "+12015550147")).hasSize(6);

        Response saved = v.post(
                "/admin/connection",
                TestServer.map(
                        "csrf",
                        csrf,
                        "template",
                        "Your code: @@password@@",
                        "code_length",
                        "8",
                        "code_lifetime",
                        "300",
                        "action",
                        "save"));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(server.startAndReadCode(TestServer.SPA, "+12015550148")).hasSize(8);
        Response tooLong = v.post(
                "/admin/connection",
                TestServer.map(
                        "csrf",
                        csrf,
                        "template",
                        "x".repeat(400) + "@@password@@",
                        "code_length",
                        "8",
                        "code_lifetime",
                        "300",
                        "action",
                        "save"));
        assertThat(tooLong.status()).isEqualTo(400);
        // Put back what the other tests expect.
        v.post(
                "/admin/connection",
                TestServer.map(
                        "csrf",
                        csrf,
                        "template",
                        "Your verification code is: @@password@@",
                        "code_length",
                        "6",
                        "code_lifetime",
                        "180",
                        "action",
                        "save"));
    }

    @Test
    void dashboardWhenDatesTypedOrOutOfOrderThenCustomRangeOrTheDefaultWithAMessage() {
        Visitor v = new Visitor();
        v.signIn(ADMIN);
        java.time.LocalDate today = java.time.LocalDate.ofInstant(server.clock.instant(), java.time.ZoneOffset.UTC);
        // The preset left at 7 days but the dates changed: the dates win.
        Response typed = v.get("/admin/dashboard?range=7d&from=" + today.minusDays(2) + "&to=" + today);
        assertThat(typed.status()).isEqualTo(200);
        assertThat(typed.body()).contains("From " + today.minusDays(2) + " to " + today);
        Response reversed = v.get("/admin/dashboard?range=custom&from=" + today + "&to=" + today.minusDays(3));
        assertThat(reversed.status()).isEqualTo(200);
        assertThat(reversed.body()).contains("role=\"alert\"").contains("From " + today.minusDays(6));
        Response garbage = v.get("/admin/dashboard?range=custom&from=%3Cscript%3E&to=x");
        assertThat(garbage.status()).isEqualTo(200);
        assertThat(garbage.body()).doesNotContain("<script>x");
        Response tooLong = v.get("/admin/dashboard?range=custom&from=2000-01-01&to=" + today);
        assertThat(tooLong.body()).contains("role=\"alert\"");
    }
}
