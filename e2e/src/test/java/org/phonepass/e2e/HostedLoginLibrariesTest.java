package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.phonepass.server.dev.SampleAppServer;

/**
 * Today's browser libraries, unmodified from npm, against the hosted login (docs/hosted-login.md#client-libraries-as-the-browser-suite-runs-them):
 * auth0-spa-js 2.28.3 (redirect login through the hosted SMS pages, the code exchange, getUser, silent
 * authentication in the iframe with {@code web_message}, refresh tokens, logout and {@code login_required} after
 * it), oidc-client-ts 3.5.0 (signinRedirect, signinCallback, signinSilent, signoutRedirect, all from discovery), the
 * two answers to browsers that block third-party cookies, and the examples/spa-js-sms sample as the dev server serves
 * it.
 *
 * <p>One Phonepass server and one browser for the class (a second browser, which blocks third-party cookies, for the
 * tests that need it); every test starts with the browser's cookies and storage cleared. Three app origins:
 *
 * <ul>
 *   <li>{@code http://localhost:A}: a different site from the server {@code https://localhost:B}, since sites are
 *       schemeful (the scheme differs), as every app on another domain is;
 *   <li>{@code https://localhost:C}: the same site as the server (same scheme, same registrable host; ports do not
 *       count), which is what an app at {@code app.example.com} with Phonepass at {@code login.example.com} is.
 *       {@code localhost} resolves on every machine with no resolver rules in the browser, and the site
 *       rule (scheme plus registrable host, ports ignored) needs no public-suffix reasoning for it;
 *   <li>{@code http://localhost:S}: the sample app, served by the dev server's {@link SampleAppServer}.
 * </ul>
 *
 * Screenshots of every hosted page state these flows reach, on a phone and a desktop viewport, are saved under
 * target/screenshots/HostedLoginLibrariesTest.
 */
class HostedLoginLibrariesTest {
    private static final String FOLDER = "HostedLoginLibrariesTest";
    private static final String CLIENT = "e2e-hosted";
    private static final String SPA_HARNESS = "/harness/spa-js.html";
    private static final String OIDC_HARNESS = "/harness/oidc.html";
    /** auth0-spa-js with refresh tokens; the cache in localStorage so that its token calls run on the page. */
    private static final String REFRESH = "{useRefreshTokens: true, cacheLocation: 'localstorage'}";

    private static StaticSite site;
    private static StaticSite sameSite;
    private static String sampleOrigin;
    private static SampleAppServer sample;
    private static InProcessPhonepass server;
    private static Browser browser;
    private static Browser blocking;

    @BeforeAll
    static void start() throws IOException {
        E2eEnvironment.requireBrowserAndBundles();
        List<String> missing = new java.util.ArrayList<>();
        for (String bundle : List.of("auth0-spa-js-2.28.3.js", "oidc-client-ts-3.5.0.js")) {
            if (!Files.isRegularFile(E2eEnvironment.vendorDir().resolve(bundle))) {
                missing.add("the npm bundle " + E2eEnvironment.vendorDir().resolve(bundle));
            }
        }
        Path sampleDir = E2eEnvironment.repoRoot().resolve("examples/spa-js-sms");
        if (!Files.isDirectory(sampleDir.resolve("node_modules/@auth0/auth0-spa-js"))) {
            missing.add("examples/spa-js-sms/node_modules");
        }
        if (!missing.isEmpty()) {
            String message = "missing: " + String.join(", ", missing) + "; " + E2eEnvironment.HOW_TO_INSTALL;
            if (E2eEnvironment.isCi()) {
                org.junit.jupiter.api.Assertions.fail(message + " (CI=true: the browser suite must run)");
            }
            assumeTrue(false, message);
        }
        assumeTrue(
                System.getProperty("phonepass.e2e.server") == null,
                "needs the in-process server: its client lists this class's origins");
        site = StaticSite.start();
        sameSite = StaticSite.bindHttps();
        int samplePort = freePort();
        sampleOrigin = "http://localhost:" + samplePort;
        String a = site.origin();
        String c = sameSite.origin();
        server = InProcessPhonepass.launch(
                a,
                "  - client_id: " + CLIENT + "\n"
                        + "    name: Hosted login suite\n"
                        + "    allowed_origins: [" + a + ", " + c + ", " + sampleOrigin + "]\n"
                        + "    callbacks: [" + a + SPA_HARNESS + ", " + a + OIDC_HARNESS + ", "
                        + a + "/harness/oidc-silent.html, " + c + SPA_HARNESS + ", " + sampleOrigin + "/]\n");
        // The same-site app serves with the server's own key: its certificate is the one the browser trusts by pin.
        sameSite.startTls(server.tls().keyStore(), server.tls().password());
        site.configure(server.domain(), CLIENT);
        sameSite.configure(server.domain(), CLIENT);
        sample = SampleAppServer.start(sampleDir, samplePort, server.domain(), CLIENT);
        browser = Browser.startAllowingThirdPartyCookies(server.spkiPin(), FOLDER + "/third-party-cookies-allowed");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {browser, blocking, sample, server, sameSite, site}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing the rest matters more
                }
            }
        }
    }

    @BeforeEach
    void cleanBrowsers() {
        clean(browser);
        if (blocking != null) {
            clean(blocking);
        }
    }

    // ---- auth0-spa-js ----

    @Test
    void spaJsSignsInThroughTheHostedPageRenewsInTheIframeAndGetsLoginRequiredAfterLogout() {
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        browser.open(site.url(SPA_HARNESS));
        browser.script("spa().loginWithRedirect()");

        Map<String, String> authorize = query(firstRequest(browser, "GET", "/authorize"));
        assertThat(authorize)
                .containsEntry("response_type", "code")
                .containsEntry("response_mode", "query")
                .containsEntry("connection", "sms")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("scope", "openid profile email");
        // spa-js's state and nonce are base64 with '=' padding; the callback must carry them back unchanged.
        assertThat(authorize.get("state")).endsWith("=");

        signInOnHostedPage(browser, phone, "spa-js");
        awaitCallback(browser, site.url(SPA_HARNESS));
        assertThat(query(browser.driver().getCurrentUrl()).get("state")).isEqualTo(authorize.get("state"));

        Map<String, Object> user =
                ok(browser.asyncScript("var done = arguments[arguments.length - 1]; window.client = spa();"
                        + "report(client.handleRedirectCallback().then(function () { return client.getUser(); }),"
                        + " done);"));
        String sub = (String) user.get("sub");
        assertThat(sub).isNotBlank();
        Map<String, Object> claims = ok(browser.asyncScript(
                "var done = arguments[arguments.length - 1]; report(client.getIdTokenClaims(), done);"));
        assertThat(claims.get("nonce")).isEqualTo(authorize.get("nonce"));
        JsonNode profile = server.tokeninfo((String) claims.get("__raw"));
        assertThat(profile.path("phone_number").asText()).isEqualTo(phone.e164());

        // getTokenSilently with no refresh token: the hidden iframe, prompt=none, web_message, from the session.
        browser.forgetNetwork();
        Map<String, Object> renewed = ok(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(client.getTokenSilently({cacheMode: 'off', detailedResponse: true}), done);"));
        assertThat((String) renewed.get("access_token")).isNotBlank();
        assertThat(jwtSub((String) renewed.get("id_token"))).isEqualTo(sub);
        Map<String, String> silent = query(firstRequest(browser, "GET", "/authorize"));
        assertThat(silent)
                .containsEntry("prompt", "none")
                .containsEntry("response_mode", "web_message")
                .containsEntry("redirect_uri", site.url(SPA_HARNESS));
        assertThat(tokenGrants(browser)).containsExactly("authorization_code");
        // The cross-origin token call carries spa-js's telemetry header (so it is preflighted; the preflight of the
        // first exchange is cached by now).
        Browser.NetworkRequest exchange =
                serverRequests(browser, "POST", "/oauth/token").get(0);
        assertThat(BrowserTestBase.decodeTelemetry(exchange.header("Auth0-Client"))
                        .path("name")
                        .asText())
                .isEqualTo("auth0-spa-js");

        // logout() ends the server session: the next silent call answers login_required.
        browser.script("client.logout({logoutParams: {returnTo: location.origin + location.pathname}})");
        browser.waitFor("the way back from /v2/logout", d -> d.getCurrentUrl().equals(site.url(SPA_HARNESS)));
        assertThat(browser.requests().stream().anyMatch(r -> r.url().startsWith(server.baseUrl() + "/v2/logout?")))
                .isTrue();
        Map<String, Object> after = err(browser.asyncScript(
                "var done = arguments[arguments.length - 1]; report(spa().getTokenSilently(), done);"));
        assertThat(after.get("error")).isEqualTo("login_required");
    }

    @Test
    void spaJsRenewsWithRefreshTokensWithoutTheIframeAndFallsBackToLoginRequiredAfterLogout() {
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        String sub = signInWithSpaJs(browser, site, phone, REFRESH, "spa-js-refresh-tokens");

        browser.forgetNetwork();
        Map<String, Object> renewed = ok(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(spa(" + REFRESH + ").getTokenSilently({cacheMode: 'off', detailedResponse: true}),"
                + " done);"));
        // A fresh id_token on refresh, for the same person.
        assertThat(jwtSub((String) renewed.get("id_token"))).isEqualTo(sub);
        assertThat(tokenGrants(browser)).containsExactly("refresh_token");
        Browser.NetworkRequest refresh =
                serverRequests(browser, "POST", "/oauth/token").get(0);
        assertThat(form(refresh.postData()))
                .containsEntry("redirect_uri", site.url(SPA_HARNESS))
                .containsEntry("connection", "sms")
                .containsEntry("client_id", CLIENT);
        assertThat(serverRequests(browser, "GET", "/authorize")).as("no iframe").isEmpty();

        browser.script("spa(" + REFRESH + ").logout({logoutParams: {returnTo: location.origin + location.pathname}})");
        browser.waitFor("the way back from /v2/logout", d -> d.getCurrentUrl().equals(site.url(SPA_HARNESS)));
        // logout() dropped the tokens; with the iframe as fallback, the ended session answers login_required.
        Map<String, Object> after = err(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(spa({useRefreshTokens: true, useRefreshTokensFallback: true}).getTokenSilently(),"
                + " done);"));
        assertThat(after.get("error")).isEqualTo("login_required");
    }

    // ---- oidc-client-ts ----

    @Test
    void oidcClientTsSignsInSilentlyRenewsAndSignsOutFromDiscovery() {
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        browser.open(site.url(OIDC_HARNESS));
        browser.script("manager().signinRedirect()");
        signInOnHostedPage(browser, phone, "oidc-client-ts");
        awaitCallback(browser, site.url(OIDC_HARNESS));
        assertThat(serverRequests(browser, "GET", "/.well-known/openid-configuration"))
                .isNotEmpty();

        Map<String, Object> user = ok(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(manager().signinCallback().then(function (u) {"
                + "  return {sub: u.profile.sub, phone: u.profile.phone_number, id_token: u.id_token,"
                + "          access_token: u.access_token};"
                + "}), done);"));
        assertThat(user.get("phone")).isEqualTo(phone.e164());
        String sub = (String) user.get("sub");

        browser.forgetNetwork();
        Map<String, Object> silent = ok(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(manager().signinSilent().then(function (u) {"
                + "  return {sub: u.profile.sub, access_token: u.access_token};"
                + "}), done);"));
        assertThat(silent.get("sub")).isEqualTo(sub);
        assertThat(silent.get("access_token")).isNotEqualTo(user.get("access_token"));
        assertThat(query(firstRequest(browser, "GET", "/authorize"))).containsEntry("prompt", "none");

        browser.script("manager().signoutRedirect()");
        browser.waitFor("the way back from /oidc/logout", d -> d.getCurrentUrl().startsWith(site.url(OIDC_HARNESS)));
        Map<String, String> logout = query(firstRequest(browser, "GET", "/oidc/logout"));
        assertThat(logout)
                .containsKey("id_token_hint")
                .containsEntry("post_logout_redirect_uri", site.url(OIDC_HARNESS));
        Map<String, Object> after = err(browser.asyncScript(
                "var done = arguments[arguments.length - 1]; report(manager().signinSilent(), done);"));
        assertThat(after.get("error")).isEqualTo("login_required");
    }

    // ---- browsers that block third-party cookies ----

    @Test
    void withThirdPartyCookiesBlockedTheCrossSiteIframeGetsLoginRequiredAndRefreshTokensStillRenew() {
        Browser b = blocking();
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        String sub = signInWithSpaJs(b, site, phone, REFRESH, "blocked-cross-site");

        // The session exists (the login just made it), but the iframe on another site does not get its cookie.
        Map<String, Object> iframe = err(b.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(spa().getTokenSilently({cacheMode: 'off'}), done);"));
        assertThat(iframe.get("error")).isEqualTo("login_required");

        // Answer (a): refresh tokens need no cookie at all.
        Map<String, Object> renewed = ok(b.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(spa(" + REFRESH + ").getTokenSilently({cacheMode: 'off', detailedResponse: true}),"
                + " done);"));
        assertThat(jwtSub((String) renewed.get("id_token"))).isEqualTo(sub);
    }

    @Test
    void withThirdPartyCookiesBlockedTheIframeWorksWhenTheServerIsOnTheAppsSite() {
        Browser b = blocking();
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        // Answer (b): https://localhost:C and https://localhost:B are one site; the session cookie is first-party.
        String sub = signInWithSpaJs(b, sameSite, phone, "{}", "blocked-same-site");
        b.forgetNetwork();
        Map<String, Object> renewed = ok(b.asyncScript("var done = arguments[arguments.length - 1];"
                + "report(spa().getTokenSilently({cacheMode: 'off', detailedResponse: true}), done);"));
        assertThat(jwtSub((String) renewed.get("id_token"))).isEqualTo(sub);
        assertThat(query(firstRequest(b, "GET", "/authorize")))
                .containsEntry("prompt", "none")
                .containsEntry("response_mode", "web_message");
    }

    // ---- the sample ----

    @Test
    void theSpaJsSampleSignsInRenewsSurvivesAReloadAndLogsOutWithThirdPartyCookiesBlocked() {
        Browser b = blocking();
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        b.open(sampleOrigin + "/");
        b.visible("#login");
        assertThat(b.find("#status").getText()).isEqualTo("You are signed out.");
        b.screenshot("sample-signed-out");
        b.find("#login").click();
        signInOnHostedPage(b, phone, "sample");
        b.waitFor(
                "the sample to show the signed-in view",
                d -> b.find("#signed-in").isDisplayed());
        assertThat(b.driver().getCurrentUrl()).isEqualTo(sampleOrigin + "/");
        assertThat(b.find("#phone").getText()).isEqualTo(phone.e164());
        assertThat(b.find("#status").getText()).isEqualTo("You are signed in.");
        b.screenshot("sample-signed-in");

        b.forgetNetwork();
        b.find("#token").click();
        b.waitFor("new tokens", d -> b.find("#token-info").getText().startsWith("New access token, valid for"));
        assertThat(tokenGrants(b)).containsExactly("refresh_token");
        b.screenshot("sample-tokens-renewed");

        b.open(sampleOrigin + "/");
        b.waitFor("the signed-in view after a reload", d -> b.find("#signed-in").isDisplayed());
        assertThat(b.find("#phone").getText()).isEqualTo(phone.e164());

        b.find("#logout").click();
        b.waitFor("the signed-out view", d -> b.find("#signed-out").isDisplayed());
        assertThat(b.driver().getCurrentUrl()).isEqualTo(sampleOrigin + "/");
        assertThat(b.find("#status").getText()).isEqualTo("You are signed out.");
        b.screenshot("sample-logged-out");
    }

    // ---- helpers ----

    private static synchronized Browser blocking() {
        if (blocking == null) {
            blocking =
                    Browser.startBlockingThirdPartyCookies(server.spkiPin(), FOLDER + "/third-party-cookies-blocked");
        }
        return blocking;
    }

    /** Signs in with auth0-spa-js on the app's harness page and returns the user's sub. */
    private static String signInWithSpaJs(
            Browser b, StaticSite app, BrowserTestBase.Phone phone, String options, String shots) {
        b.open(app.url(SPA_HARNESS));
        b.script("spa(" + options + ").loginWithRedirect()");
        signInOnHostedPage(b, phone, shots);
        awaitCallback(b, app.url(SPA_HARNESS));
        Map<String, Object> user = ok(b.asyncScript("var done = arguments[arguments.length - 1]; var c = spa(" + options
                + ");" + "report(c.handleRedirectCallback().then(function () { return c.getUser(); }), done);"));
        assertThat((String) user.get("sub")).isNotBlank();
        return (String) user.get("sub");
    }

    /** The person's part: the number on the first page, the code from the dev inbox on the second. */
    private static void signInOnHostedPage(Browser b, BrowserTestBase.Phone phone, String shots) {
        b.waitFor("the hosted number page", d -> d.getCurrentUrl().startsWith(server.baseUrl() + "/u/login?"));
        b.visible("#phone");
        capture(b, shots + "-number");
        Browser.replaceText(b.find("#phone"), phone.national());
        b.find("#number-form button[type=submit]").click();
        b.visible("#code");
        capture(b, shots + "-code");
        b.find("#code").sendKeys(server.latestCode(phone.e164()));
        b.find("#code-form button[type=submit]").click();
    }

    private static void awaitCallback(Browser b, String page) {
        b.waitFor("the app's callback with a code", d -> d.getCurrentUrl().startsWith(page + "?code="));
    }

    /** A screenshot on a phone-sized and on a desktop viewport. */
    private static void capture(Browser b, String name) {
        ChromeDriver chrome = (ChromeDriver) b.driver();
        try {
            chrome.executeCdpCommand(
                    "Emulation.setDeviceMetricsOverride",
                    Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
            b.screenshot(name + "-phone");
            chrome.executeCdpCommand(
                    "Emulation.setDeviceMetricsOverride",
                    Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false));
            b.screenshot(name + "-desktop");
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** Every cookie, and the storage of every origin these tests use. */
    private static void clean(Browser b) {
        ChromeDriver chrome = (ChromeDriver) b.driver();
        chrome.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        for (String origin : List.of(site.origin(), sameSite.origin(), sampleOrigin, server.baseUrl())) {
            chrome.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
        }
        b.open("about:blank");
        b.forgetNetwork();
    }

    private static List<Browser.NetworkRequest> serverRequests(Browser b, String method, String path) {
        return b.requests().stream()
                .filter(r ->
                        r.method().equals(method) && r.url().split("\\?")[0].equals(server.baseUrl() + path))
                .toList();
    }

    private static String firstRequest(Browser b, String method, String path) {
        List<Browser.NetworkRequest> found = b.waitFor(method + " " + path + " to be sent", d -> {
            List<Browser.NetworkRequest> r = serverRequests(b, method, path);
            return r.isEmpty() ? null : r;
        });
        return found.get(0).url();
    }

    /** The grant types of the token requests the page sent, oldest first. */
    private static List<String> tokenGrants(Browser b) {
        return serverRequests(b, "POST", "/oauth/token").stream()
                .map(r -> form(r.postData()).get("grant_type"))
                .toList();
    }

    private static Map<String, String> query(String url) {
        int q = url.indexOf('?');
        return form(q < 0 ? "" : url.substring(q + 1).split("#")[0]);
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String jwtSub(String jwt) {
        return BrowserTestBase.jwtPayload(jwt).path("sub").asText();
    }

    private static Map<String, Object> ok(Object result) {
        Map<String, Object> r = BrowserTestBase.map(result);
        assertThat(r.get("err")).as("the library's error").isNull();
        return BrowserTestBase.map(r.get("ok"));
    }

    private static Map<String, Object> err(Object result) {
        Map<String, Object> r = BrowserTestBase.map(result);
        assertThat(r.get("err"))
                .as("the library's error (it answered " + r.get("ok") + ")")
                .isNotNull();
        return BrowserTestBase.map(r.get("err"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
