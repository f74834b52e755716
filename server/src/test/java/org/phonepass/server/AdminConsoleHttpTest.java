package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.server.TestServer.Response;
import org.phonepass.server.authorize.AuthorizeEndpoints;

/**
 * The admin console's access control over HTTP (docs/management.md#console-security): the sign-in through the hosted
 * login pages as an OpenID Connect client of the server, the session cookie bound to the hosted session, and what a
 * cross-site request, a non-admin number, a forged or replayed callback, a code of another client, a forged cookie
 * or an ended hosted session gets.
 */
class AdminConsoleHttpTest {
    static final String ADMIN = "+12015550142";
    static final String OTHER_ADMIN = "+12015550143";
    static final String NOT_ADMIN = "+12015550144";
    static final String THIRD_ADMIN = "+12015550145";
    static final String FOURTH_ADMIN = "+12015550149";
    static final String CONSOLE = "__Host-phonepass-admin";
    static final String LOGIN = "__Host-phonepass-admin-login";
    static final String HOSTED = "__Host-phonepass_session";
    static final String M2M = "m2m-ops";
    static final String M2M_SECRET = "ops-secret-ops-secret-ops-secret-ops-secret-4";
    static final String YAML = TestServer.DEFAULT_YAML.replace("clients:\n", """
                    clients:
                      - client_id: m2m-ops
                        name: Operations
                        client_secret: ops-secret-ops-secret-ops-secret-ops-secret-4
                        grants: [client_credentials]
                        api_grants:
                          - audience: management
                            scopes: [read:clients, create:clients, update:clients, delete:clients]
                    """) + """
                    admin:
                      phone_numbers: ["+12015550142", "+12015550143", "+12015550145", "+12015550149", "+12015550152"]
                      session_idle_timeout: 15m
                      session_max_lifetime: 8h
                      currency: EUR
                      sms_prices: {US: 0.0079, default: 0.05}
                    limits:
                      # Every test signs an admin in with a new code: the per-number limits are not what this
                      # class tests (HostedLoginLimitsTest does), so they are raised above what it sends.
                      start_per_phone_hourly: {capacity: 100}
                      start_per_phone_daily: {capacity: 100}
                    """;
    static final String GUESSED_ADMIN = "+12015550145";
    /** Signs in once for the dashboard's and the connection page's figures (each number has its own start limits). */
    static final String VIEWING_ADMIN = "+12015550152";

    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(YAML, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * A browser's view of one server (or of several nodes behind one name, sharing the jar): the cookies it holds,
     * sent back on each request, and the way through the hosted pages. It follows no redirect by itself.
     */
    static final class Visitor {
        final TestServer on;
        final Map<String, String> jar;
        /** The last URL /authorize sent the browser back to the console with. */
        String lastCallback;

        Visitor() {
            this(server, new LinkedHashMap<>());
        }

        Visitor(TestServer on, Map<String, String> jar) {
            this.on = on;
            this.jar = jar;
        }

        /** The same browser, talking to another node. */
        Visitor on(TestServer node) {
            return new Visitor(node, jar);
        }

        /** The console session cookie's value, or "". */
        String session() {
            return jar.getOrDefault(CONSOLE, "");
        }

        String cookies() {
            return jar.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "));
        }

        Response get(String pathOrUrl, String... headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathOrUrl)).GET();
            return send(b, headers);
        }

        Response post(String path, Map<String, String> form, String... headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.form(form)));
            return send(b, headers);
        }

        private URI uri(String pathOrUrl) {
            return URI.create(pathOrUrl.startsWith("https://") ? pathOrUrl : on.base() + pathOrUrl);
        }

        private Response send(HttpRequest.Builder b, String... headers) {
            if (headers.length > 0) {
                b.headers(headers);
            }
            if (!jar.isEmpty()) {
                b.header("Cookie", cookies());
            }
            Response r = on.send(b);
            keep(r);
            return r;
        }

        void keep(Response r) {
            for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
                if (!e.getKey().equalsIgnoreCase("set-cookie")) {
                    continue;
                }
                for (String c : e.getValue()) {
                    String pair = c.split(";", 2)[0];
                    String name = pair.substring(0, pair.indexOf('='));
                    String value = pair.substring(pair.indexOf('=') + 1);
                    if (value.isEmpty() || c.contains("Max-Age=0")) {
                        jar.remove(name);
                    } else {
                        jar.put(name, value);
                    }
                }
            }
        }

        /** Signs in from the console's sign-in page; answers the callback's response. */
        Response signIn(String phone) {
            return get(callbackUrl(phone, "/admin/login"));
        }

        /**
         * Follows {@code start} to /authorize and, when the browser has no usable hosted session, signs in on the
         * hosted pages with the code sent to {@code phone}; answers the callback URL without visiting it.
         */
        String callbackUrl(String phone, String start) {
            Response console = get(start);
            assertThat(console.status()).as(console.body()).isEqualTo(303);
            assertThat(console.header("Location")).startsWith("/authorize?");
            Response authorize = get(console.header("Location"));
            assertThat(authorize.status()).as(authorize.body()).isEqualTo(302);
            String next = authorize.header("Location");
            if (next.startsWith(AuthorizeEndpoints.LOGIN_PAGE)) {
                String tx = next.substring(next.indexOf("state=") + 6);
                Response number = get(next);
                Response sent = post(
                        "/u/login?state=" + tx, TestServer.map("csrf", field(number.body(), "csrf"), "phone", phone));
                assertThat(sent.status()).as(sent.body()).isEqualTo(303);
                Response codePage = get(sent.header("Location"));
                Response signedIn = post(
                        "/u/login/code?state=" + tx,
                        TestServer.map("csrf", field(codePage.body(), "csrf"), "code", on.latestCode(phone)));
                assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
                Response resume = get(signedIn.header("Location"));
                assertThat(resume.status()).as(resume.body()).isEqualTo(302);
                next = resume.header("Location");
            }
            assertThat(next).startsWith(on.base() + "/admin/callback?code=");
            lastCallback = next;
            return next;
        }
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

    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A GET with exactly these cookies, as a browser (or a thief) holding them would send. */
    static Response getWith(String path, String cookies) {
        return cookies.isEmpty() ? server.get(path) : server.get(path, "Cookie", cookies);
    }

    @Test
    void pagesWhenNoSessionThenRedirectedToSignIn() {
        for (String path :
                List.of("/admin", "/admin/dashboard", "/admin/users", "/admin/clients", "/admin/connection")) {
            Response r = new Visitor().get(path);
            assertThat(r.status()).as(path).isEqualTo(303);
            assertThat(r.header("Location")).as(path).isIn("/admin/login", "/admin/dashboard");
        }
        // The old first-party sign-in forms are gone.
        assertThat(server.get("/admin/login/code").status()).isEqualTo(404);
        assertThat(server.postForm("/admin/login/code", TestServer.map("code", "123456"))
                        .status())
                .isEqualTo(404);
        assertThat(server.postForm("/admin/login", TestServer.map("phone_number", ADMIN))
                        .status())
                .isEqualTo(405);
    }

    @Test
    void signInPageWhenOpenedThenAnAuthorizationRequestWithPkceStateNonceAndMaxAge() {
        Visitor v = new Visitor();
        Response login = v.get("/admin/login");
        assertThat(login.status()).isEqualTo(303);
        Map<String, String> q = query(login.header("Location"));
        assertThat(q)
                .containsEntry("response_type", "code")
                .containsEntry("client_id", "phonepass-admin-console")
                .containsEntry("redirect_uri", server.base() + "/admin/callback")
                .containsEntry("scope", "openid")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("max_age", Long.toString(8 * 3600))
                .doesNotContainKey("prompt");
        assertThat(q.get("state")).hasSize(32);
        assertThat(q.get("nonce")).hasSize(43);
        assertThat(q.get("code_challenge")).hasSize(43);
        assertThat(setCookie(login, LOGIN))
                .contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax", "; Max-Age=600")
                .doesNotContain("Domain=", q.get("state"));
        // Each sign-in gets its own state, nonce and challenge.
        Map<String, String> again = query(new Visitor().get("/admin/login").header("Location"));
        assertThat(again.get("state")).isNotEqualTo(q.get("state"));
        assertThat(again.get("nonce")).isNotEqualTo(q.get("nonce"));
        assertThat(again.get("code_challenge")).isNotEqualTo(q.get("code_challenge"));
        // "Another number" asks for a code whatever the hosted session.
        assertThat(query(new Visitor().get("/admin/login?prompt=login").header("Location")))
                .containsEntry("prompt", "login");
        // /authorize knows the console's client, with its one callback only: another redirect_uri is an error page.
        Response toPages = v.get(login.header("Location"));
        assertThat(toPages.status()).isEqualTo(302);
        assertThat(toPages.header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
        Response elsewhere = server.get(login.header("Location")
                .replace(TestServer.enc(server.base() + "/admin/callback"), TestServer.enc("https://evil.example/")));
        assertThat(elsewhere.status()).isEqualTo(400);
        assertThat(elsewhere.header("Location")).isNull();
    }

    @Test
    void adminWhenSignedInOnTheHostedPagesThenGetsASessionCookieAndThePages() {
        Visitor v = new Visitor();
        Response done = v.signIn(ADMIN);
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.header("Location")).isEqualTo("/admin/dashboard");
        String cookie = setCookie(done, CONSOLE);
        assertThat(cookie).contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax");
        assertThat(cookie).doesNotContain("Domain=");
        assertThat(v.jar).containsKey(HOSTED).doesNotContainKey(LOGIN);

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
        // Signed in already: the sign-in page goes to the dashboard.
        assertThat(v.get("/admin/login").header("Location")).isEqualTo("/admin/dashboard");
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
    void numberNotAnAdminsWhenSignedInThenRefusedWithoutAConsoleSessionAndOfferedAnotherNumber() {
        Visitor v = new Visitor();
        Response refused = v.signIn(NOT_ADMIN);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body())
                .contains("Not an administrator", PhoneNumber.mask(NOT_ADMIN))
                .contains("href=\"/admin/login?prompt=login\"");
        assertThat(setCookie(refused, CONSOLE)).isNull();
        assertThat(v.session()).isEmpty();
        assertThat(v.get("/admin/dashboard").status()).isEqualTo(303);
        // The hosted session is reused (single sign-on), and refused again: still no console session.
        Response again = v.get(v.callbackUrl(NOT_ADMIN, "/admin/login"));
        assertThat(again.status()).isEqualTo(403);
        assertThat(v.session()).isEmpty();
        // "Another number" goes to the hosted pages, whatever the session, and an admin's code gets in.
        Response other = v.get("/admin/login?prompt=login");
        assertThat(v.get(other.header("Location")).header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
        Response admitted = v.get(v.callbackUrl(FOURTH_ADMIN, "/admin/login?prompt=login"));
        assertThat(admitted.header("Location")).isEqualTo("/admin/dashboard");
        assertThat(v.get("/admin/users").status()).isEqualTo(200);
    }

    @Test
    void callbackWhenStateMissingForgedOrFromAnotherBrowserThenRefusedAndTheCodeIsUsedUp() {
        Visitor v = new Visitor();
        String url = v.callbackUrl(THIRD_ADMIN, "/admin/login");
        String state = query(url).get("state");

        // The right URL in another browser (no sign-in cookie, or one of its own): refused, and the code is spent.
        Visitor attacker = new Visitor();
        Response stolen = attacker.get(url);
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(setCookie(stolen, CONSOLE)).isNull();
        attacker.get("/admin/login");
        assertThat(attacker.jar).containsKey(LOGIN);
        assertThat(attacker.get(url).status()).isEqualTo(400);
        Response late = v.get(url);
        assertThat(late.status())
                .as("the code was used up by the refused attempts")
                .isEqualTo(400);
        assertThat(v.session()).isEmpty();

        // A forged or missing state, in the browser that started the sign-in: refused.
        String fresh = v.callbackUrl(THIRD_ADMIN, "/admin/login");
        String freshCode = query(fresh).get("code");
        String freshState = query(fresh).get("state");
        String loginCookie = v.jar.get(LOGIN);
        assertThat(v.get("/admin/callback?code=" + TestServer.enc(freshCode) + "&state=" + TestServer.enc(state))
                        .status())
                .isEqualTo(400);
        v.jar.put(LOGIN, loginCookie);
        assertThat(v.get("/admin/callback?code=" + TestServer.enc(freshCode)).status())
                .isEqualTo(400);
        v.jar.put(LOGIN, loginCookie);
        assertThat(v.get(fresh).status()).as("used up by the forged attempt").isEqualTo(400);
        // A sign-in cookie with a changed signature, or none: refused.
        String again = v.callbackUrl(THIRD_ADMIN, "/admin/login");
        String cookie = v.jar.get(LOGIN);
        v.jar.put(LOGIN, cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA"));
        assertThat(v.get(again).status()).isEqualTo(400);
        assertThat(v.get("/admin/callback").status()).isEqualTo(400);
        assertThat(v.get("/admin/callback?state=" + TestServer.enc(freshState) + "&error=access_denied")
                        .status())
                .isEqualTo(400);
        assertThat(v.session()).isEmpty();

        // The browser that started it, with the right state and a fresh code: in.
        assertThat(v.signIn(THIRD_ADMIN).header("Location")).isEqualTo("/admin/dashboard");
    }

    @Test
    void callbackWhenReplayedThenRefusedEvenWithTheSignInCookie() {
        Visitor v = new Visitor();
        String url = v.callbackUrl(OTHER_ADMIN, "/admin/login");
        String loginCookie = v.jar.get(LOGIN);
        Map<String, String> hosted = Map.of(HOSTED, v.jar.get(HOSTED));
        assertThat(v.get(url).status()).isEqualTo(303);
        String session = v.session();
        assertThat(session).isNotEmpty();
        // The same URL again, in this browser (its sign-in cookie is gone) and in one holding every cookie it had.
        assertThat(v.get(url).status()).isEqualTo(400);
        Visitor copy = new Visitor();
        copy.jar.putAll(hosted);
        copy.jar.put(LOGIN, loginCookie);
        Response replay = copy.get(url);
        assertThat(replay.status()).as("a code is single use").isEqualTo(400);
        assertThat(setCookie(replay, CONSOLE)).isNull();
        assertThat(v.get("/admin/users").status()).isEqualTo(200);
    }

    @Test
    void codeWhenIssuedToAnotherClientOrExchangedOutsideTheConsoleThenRefused() {
        Visitor v = new Visitor();
        v.signIn(ADMIN);
        v.jar.remove(CONSOLE);
        // A console sign-in begins; a code of the SPA, from the same admin's session, is brought to the callback.
        Response login = v.get("/admin/login");
        String state = query(login.header("Location")).get("state");
        Response spa = v.get("/authorize?client_id=" + TestServer.SPA + "&response_type=code&redirect_uri="
                + TestServer.enc("http://localhost:3000/") + "&scope=openid&state=s&code_challenge="
                + "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        String spaCode = query(spa.header("Location")).get("code");
        Response refused = v.get("/admin/callback?code=" + TestServer.enc(spaCode) + "&state=" + TestServer.enc(state));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(v.session()).isEmpty();

        // The console's own code cannot be exchanged at /oauth/token: only /authorize knows the console's client.
        String url = v.callbackUrl(ADMIN, "/admin/login");
        Response token = server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "authorization_code",
                        "client_id",
                        "phonepass-admin-console",
                        "code",
                        query(url).get("code"),
                        "code_verifier",
                        "x".repeat(43),
                        "redirect_uri",
                        server.base() + "/admin/callback"));
        assertThat(token.status()).as(token.body()).isBetween(400, 403);
        assertThat(token.text("access_token")).isNull();
        Response start = server.postForm(
                "/passwordless/start",
                TestServer.map("client_id", "phonepass-admin-console", "connection", "sms", "phone_number", ADMIN));
        assertThat(start.status()).as(start.body()).isBetween(400, 403);
    }

    @Test
    void consoleClientWhenAskedOfTheManagementApiThenItDoesNotExistThere() {
        Response issued = server.postForm(
                "/oauth/token",
                TestServer.map(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        M2M,
                        "client_secret",
                        M2M_SECRET,
                        "audience",
                        server.issuer() + "api/v2/"));
        assertThat(issued.status()).as(issued.body()).isEqualTo(200);
        String bearer = "Bearer " + issued.text("access_token");
        String path = "/api/v2/clients/phonepass-admin-console";
        assertThat(server.get(path, "Authorization", bearer).status()).isEqualTo(404);
        assertThat(server.send(server.request(path)
                                .header("Authorization", bearer)
                                .header("Content-Type", "application/json")
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"callbacks\":[\"https://evil.example/\"]}")))
                        .status())
                .isEqualTo(404);
        assertThat(server.send(server.request(path)
                                .header("Authorization", bearer)
                                .DELETE())
                        .status())
                .isEqualTo(404);
        assertThat(server.get("/api/v2/clients?per_page=100", "Authorization", bearer)
                        .body())
                .doesNotContain("phonepass-admin-console");
        // And the console still signs in: its client is not in the store the API changes.
        assertThat(new Visitor().signIn(OTHER_ADMIN).header("Location")).isEqualTo("/admin/dashboard");
    }

    @Test
    void hostedSessionWhenEndedThenTheConsoleSessionEndsWithIt() {
        // Ended in the store, as blocking or deleting the user does (on whichever node).
        Visitor v = new Visitor();
        v.signIn(FOURTH_ADMIN);
        assertThat(v.get("/admin/users").status()).isEqualTo(200);
        assertThat(server.server().sessions().endForUser("sms|" + userIdOf(v, FOURTH_ADMIN)))
                .isPositive();
        assertThat(v.get("/admin/users").status()).isEqualTo(303);
        assertThat(v.session()).isEmpty();

        // Ended by /v2/logout (any app's logout in this browser).
        Visitor w = new Visitor();
        w.signIn(FOURTH_ADMIN);
        assertThat(w.get("/admin/users").status()).isEqualTo(200);
        w.get("/v2/logout");
        assertThat(w.get("/admin/users").status()).isEqualTo(303);

        // A console cookie alone, or beside another person's hosted session: refused.
        Visitor admin = new Visitor();
        admin.signIn(ADMIN);
        Visitor other = new Visitor();
        other.signIn(NOT_ADMIN);
        assertThat(getWith("/admin/users", CONSOLE + "=" + admin.session()).status())
                .isEqualTo(303);
        assertThat(getWith(
                                "/admin/users",
                                CONSOLE + "=" + admin.session() + "; " + HOSTED + "=" + other.jar.get(HOSTED))
                        .status())
                .isEqualTo(303);
        assertThat(getWith(
                                "/admin/users",
                                CONSOLE + "=" + admin.session() + "; " + HOSTED + "=" + admin.jar.get(HOSTED))
                        .status())
                .isEqualTo(200);
    }

    /** The raw user id (hex) of the console's user page link for {@code phone}. */
    static String userIdOf(Visitor v, String phone) {
        Response search = v.get("/admin/users?phone_number=" + TestServer.enc(phone));
        Matcher link = Pattern.compile("href=\"/admin/users/([0-9a-f]+)\"").matcher(search.body());
        assertThat(link.find()).as(search.body()).isTrue();
        return link.group(1);
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
        assertThat(v.post("/admin/logout", TestServer.map("csrf", csrf), "Sec-Fetch-Site", "cross-site")
                        .status())
                .isEqualTo(403);
        assertThat(v.get("/admin/users").status()).isEqualTo(200);

        // Sign-out with the token ends the hosted session too: the old cookies open nothing, the next sign-in
        // needs a code, and the signed-out page says so.
        String old = v.cookies();
        Response out = v.post("/admin/logout", TestServer.map("csrf", csrf));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Location")).isEqualTo("/admin/signed-out");
        assertThat(v.jar).doesNotContainKeys(CONSOLE, HOSTED);
        assertThat(getWith("/admin/users", old).status()).isEqualTo(303);
        Response signedOut = v.get("/admin/signed-out");
        assertThat(signedOut.status()).isEqualTo(200);
        assertThat(signedOut.body()).contains("You are signed out", "href=\"/admin/login\"");
        // The hosted session is over too: the next sign-in from the old cookies goes to the hosted pages.
        Visitor back = holding(old);
        Response login = back.get("/admin/login");
        assertThat(back.get(login.header("Location")).header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
    }

    /** A browser holding exactly these cookies ("a=1; b=2"). */
    static Visitor holding(String cookies) {
        Visitor v = new Visitor();
        for (String pair : cookies.split("; ")) {
            if (pair.indexOf('=') > 0) {
                v.jar.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return v;
    }

    @Test
    void sessionCookieWhenForgedTamperedOrIdleTooLongThenRefused() {
        Visitor v = new Visitor();
        v.signIn(ADMIN);
        String cookie = v.session();
        String hosted = HOSTED + "=" + v.jar.get(HOSTED);
        assertThat(getWith("/admin/clients", CONSOLE + "=" + cookie + "; " + hosted)
                        .status())
                .isEqualTo(200);
        // The signature covers the whole value: one changed character and it is refused.
        String body = cookie.substring(0, cookie.indexOf('.'));
        String mac = cookie.substring(cookie.indexOf('.') + 1);
        String tampered = body.substring(0, body.length() - 2)
                + (body.endsWith("A") ? "B" : "A")
                + body.charAt(body.length() - 1);
        for (String forged : List.of(tampered + "." + mac, "x." + mac, cookie + "x", "", "garbage")) {
            assertThat(getWith("/admin/clients", CONSOLE + "=" + forged + "; " + hosted)
                            .status())
                    .as(forged)
                    .isEqualTo(303);
        }
        // Unused for longer than the idle timeout: over, though the hosted session lives on.
        server.clock.advance(Duration.ofMinutes(16));
        try {
            assertThat(getWith("/admin/clients", CONSOLE + "=" + cookie + "; " + hosted)
                            .status())
                    .isEqualTo(303);
        } finally {
            server.clock.advance(Duration.ofMinutes(1));
        }
    }

    @Test
    void sessionWhenUsedPastTheAbsoluteLifetimeThenOverAndTheNextSignInNeedsANewCode() {
        Visitor v = new Visitor();
        v.signIn(OTHER_ADMIN);
        // Used every 14 minutes, so never idle for long, for 8 hours after the code was typed.
        for (int minutes = 0; minutes < 8 * 60 - 14; minutes += 14) {
            server.clock.advance(Duration.ofMinutes(14));
            assertThat(v.get("/admin/users").status())
                    .as("after %d minutes", minutes + 14)
                    .isEqualTo(200);
        }
        server.clock.advance(Duration.ofMinutes(14));
        assertThat(v.get("/admin/users").status()).isEqualTo(303);
        // The hosted session still lives (3 days idle, 30 days absolute), but its code is older than the console's
        // lifetime: max_age sends the admin to the hosted pages for a new one.
        Response login = v.get("/admin/login");
        assertThat(v.get(login.header("Location")).header("Location")).startsWith(AuthorizeEndpoints.LOGIN_PAGE);
        assertThat(v.signIn(OTHER_ADMIN).header("Location")).isEqualTo("/admin/dashboard");
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
        Response gone = v.get("/admin/users/" + id);
        assertThat(gone.status()).isEqualTo(404);
        // The console's own page says what was not found, in the console's frame (not the API's JSON error).
        assertThat(gone.header("Content-Type")).startsWith("text/html");
        assertThat(gone.body()).contains("No user has this number.", "href=\"/admin/users\"");
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
        Response noClient = v.get("/admin/clients/" + clientId);
        assertThat(noClient.status()).isEqualTo(404);
        assertThat(noClient.body()).contains("There is no application with this id.");
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
