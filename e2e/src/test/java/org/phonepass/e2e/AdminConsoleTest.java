package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * The admin console in Chromium (docs/management.md#console): the console sends a signed-out browser to the hosted
 * login pages, refuses a number that is not an admin's, lets an admin in with the code from the dev inbox; every page
 * renders with its charts under the strict CSP; sign-out ends it, and Back shows no console page. axe-core finds no
 * WCAG 2.2 AA violation on any page or state, and each one is captured on a desktop and a phone screen
 * (target/screenshots/AdminConsoleTest/...).
 */
class AdminConsoleTest extends BrowserTestBase {
    private static final Dimension DESKTOP = new Dimension(1280, 900);
    private static final Dimension PHONE = new Dimension(390, 844);

    @Test
    void adminSignsInAndEveryPageIsAccessibleOnDesktopAndPhone() {
        assumeTrue(server instanceof InProcessPhonepass, "the console needs the in-process server's admin number");
        // Something to show: a user who logged in through the API, and one refused start.
        Phone user = newPhone();
        server.postForm(
                "/passwordless/start",
                "client_id=" + server.clientId() + "&connection=sms&phone_number=" + enc(user.e164()));
        String userCode = server.latestCode(user.e164());
        assertThat(server.postForm(
                                "/oauth/ro",
                                "client_id=" + server.clientId() + "&connection=sms&grant_type=password&username="
                                        + enc(user.e164()) + "&password=" + userCode + "&scope=openid")
                        .statusCode())
                .isEqualTo(200);
        // A toll-free number: refused by the default number-type rule, and counted as a refusal.
        assertThat(server.postForm(
                                "/passwordless/start",
                                "client_id=" + server.clientId() + "&connection=sms&phone_number=%2B18002255288")
                        .statusCode())
                .isEqualTo(400);

        String base = server.baseUrl();
        // Signed out, the console sends the browser to the hosted login pages.
        browser.open(base + "/admin/dashboard");
        visible("#phone");
        assertThat(path()).startsWith("/u/login?state=");
        check("sign-in");

        // A number that is not an admin's signs in on the pages, and the console refuses it.
        Phone stranger = newPhone();
        signInOnThePages(stranger.e164(), () -> server.latestCode(stranger.e164()));
        visible("#signin-message");
        assertThat(path()).startsWith("/admin/callback?");
        assertThat(browser.find("h1").getText()).isEqualTo("Not an administrator");
        check("not-admin");
        // Its hosted session is reused, and refused again: no way in by reloading.
        browser.open(base + "/admin/users");
        visible("#signin-message");
        assertThat(browser.find("h1").getText()).isEqualTo("Not an administrator");

        // "Sign in with another number": the hosted pages again, whatever the session.
        browser.find("#signin-link").click();
        visible("#phone");
        Browser.replaceText(browser.find("#phone"), InProcessPhonepass.ADMIN_PHONE);
        browser.find("#number-form button[type=submit]").click();
        visible("#code");
        String code = server.latestCode(InProcessPhonepass.ADMIN_PHONE);
        browser.find("#code").sendKeys(code.equals("000000") ? "111111" : "000000");
        browser.find("#code-form button[type=submit]").click();
        visible("#code[aria-invalid=true]");
        check("code-wrong");
        Browser.replaceText(browser.find("#code"), code);
        browser.find("#code-form button[type=submit]").click();
        visible("#h-totals");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(base + "/admin/dashboard");
        waitForCharts();
        assertThat(browser.find("#total-sent").getText()).isNotEqualTo("0");
        assertThat(browser.findAll("#chart-days canvas")).isNotEmpty();
        assertThat(browser.findAll("#chart-countries canvas")).isNotEmpty();
        assertThat(browser.findAll("#chart-refusals canvas")).isNotEmpty();
        // Every provider's attempts, from the tally all servers share: the dev inbox sent the codes above.
        assertThat(browser.find("#providers tbody").getText()).startsWith("dev");
        assertThat(browser.findAll("#chart-provider-latency canvas")).isNotEmpty();
        assertThat(browser.findAll("#chart-provider-failed canvas")).isNotEmpty();
        check("dashboard");

        browser.find("#range").sendKeys("Last 30 days");
        browser.find("form.range button").click();
        browser.waitFor("the 30-day range", d -> d.getCurrentUrl().contains("range=30d"));
        waitForCharts();
        assertThat(browser.findAll("#chart-days canvas")).isNotEmpty();
        check("dashboard-30-days");

        browser.open(base + "/admin/users");
        browser.visible("#phone_number").sendKeys(user.e164());
        browser.find("form.stack button[type=submit]").click();
        browser.visible("table a");
        check("users-found");
        browser.find("table a").click();
        browser.visible("#user-phone");
        assertThat(browser.find("#user-phone").getText()).isEqualTo(user.e164());
        check("user");

        // The page after each click already shows a notice, so the wait is for the status the click sets.
        browser.find("#block").click();
        awaitStatus("Blocked");
        browser.visible("#notice");
        check("user-blocked");
        browser.find("#block").click();
        awaitStatus("Active");
        browser.visible("#notice");

        browser.find("#delete").click();
        browser.visible("#confirm_phone_number").sendKeys("+12015550999");
        browser.find("form.stack button[type=submit]").click();
        browser.visible("#delete-error");
        check("user-delete-mismatch");
        browser.find("#confirm_phone_number").sendKeys(user.e164());
        browser.find("form.stack button[type=submit]").click();
        browser.visible("#notice");
        check("user-deleted");

        browser.open(base + "/admin/users?phone_number=" + enc("+12015550999"));
        browser.visible("#search-error");
        check("users-none");

        browser.open(base + "/admin/clients");
        browser.waitForText(server.clientId());
        check("clients");
        browser.find("#new-client").click();
        browser.visible("#name").sendKeys("Console test app");
        browser.find("#app_type").sendKeys("Web app with a server");
        browser.find("#confidential").click();
        browser.find("#callbacks").sendKeys("https://app.example.com/callback");
        check("client-new");
        browser.find("#save").click();
        browser.visible("#client-secret");
        check("client-secret-once");
        String clientId = browser.find("#client-id").getText();
        browser.find("a[href='/admin/clients/" + clientId + "']").click();
        browser.visible("#rotate");
        browser.find("#callbacks").sendKeys("\nnot a url");
        browser.find("#save").click();
        browser.visible("#form-message");
        check("client-edit-refused");

        // Deleting it asks for its id first.
        browser.find("#delete-client").click();
        browser.visible("#confirm_client_id");
        check("client-delete");
        browser.find("#confirm_client_id").sendKeys(server.clientId());
        browser.find("#confirm-delete").click();
        browser.visible("#delete-error");
        check("client-delete-mismatch");
        browser.find("#confirm_client_id").sendKeys(clientId);
        browser.find("#confirm-delete").click();
        browser.visible("#notice");
        assertThat(browser.find("#notice").getText()).contains(clientId);
        assertThat(browser.findAll("a[href='/admin/clients/" + clientId + "']")).isEmpty();
        check("client-deleted");
        // Gone for good: the list read again no longer has it.
        browser.open(base + "/admin/clients");
        browser.waitForText(server.clientId());
        assertThat(browser.bodyText()).doesNotContain(clientId);

        browser.open(base + "/admin/connection");
        browser.visible("#template");
        assertThat(browser.bodyText()).contains("Your verification code is: 999999", "1 segment(s), GSM-7");
        check("connection");
        Browser.replaceText(browser.find("#template"), "Votre code : @@password@@ – valable 5 min");
        browser.find("#preview").click();
        browser.visible("#form-message");
        assertThat(browser.bodyText()).contains("Votre code : 999999", "UCS-2");
        check("connection-preview");

        // Sign-out from a page the browser can go back to; the signed-out page; then Back shows no console page.
        browser.open(base + "/admin/users");
        visible("#phone_number");
        browser.find(".signout button").click();
        visible("#signin-message");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(base + "/admin/signed-out");
        check("signed-out");
        browser.driver().navigate().back();
        visible("#phone");
        assertThat(path()).startsWith("/u/login?state=");
        assertThat(browser.findAll("#phone_number")).isEmpty();
        // The hosted session ended with the console's: the dashboard asks for a number and a new code.
        browser.open(base + "/admin/dashboard");
        visible("#phone");
        assertThat(path()).startsWith("/u/login?state=");

        assertThat(browser.console())
                .as("no CSP violation or script error")
                .noneMatch(line -> line.contains("Content Security Policy")
                        || (line.startsWith("SEVERE") && !line.contains("Failed to load resource")));
    }

    @Test
    void frenchBrowserGetsTheSignInPagesInFrench() {
        assumeTrue(server instanceof InProcessPhonepass, "the console needs the in-process server's admin number");
        browser.close();
        browser = Browser.start(server.spkiPin(), "AdminConsoleTest/french", "fr-FR,fr");
        browser.open(server.baseUrl() + "/admin/login");
        visible("#phone");
        assertThat(browser.script("return document.documentElement.lang")).isEqualTo("fr");
        check("sign-in-fr");
        Phone stranger = newPhone();
        signInOnThePages(stranger.e164(), () -> server.latestCode(stranger.e164()));
        visible("#signin-message");
        assertThat(browser.find("h1").getText()).isEqualTo("Pas administrateur");
        assertThat(browser.script("return document.documentElement.lang")).isEqualTo("fr");
        check("not-admin-fr");
        browser.open(server.baseUrl() + "/admin/signed-out");
        visible("#signin-message");
        assertThat(browser.find("h1").getText()).isEqualTo("Déconnecté");
        check("signed-out-fr");
    }

    /** On the hosted number page: types the number, sends it, then types the code the dev inbox got. */
    private void signInOnThePages(String phone, java.util.function.Supplier<String> code) {
        Browser.replaceText(browser.visible("#phone"), phone);
        browser.find("#number-form button[type=submit]").click();
        visible("#code");
        browser.find("#code").sendKeys(code.get());
        browser.find("#code-form button[type=submit]").click();
    }

    /** The current URL's path and query. */
    private String path() {
        java.net.URI uri = java.net.URI.create(browser.driver().getCurrentUrl());
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Waits for an element; when it does not come, says where the browser is and what it shows. */
    private void visible(String css) {
        try {
            browser.visible(css);
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "no " + css + " on " + browser.driver().getCurrentUrl() + ": " + browser.bodyText(), e);
        }
    }

    private void waitForCharts() {
        browser.waitFor(
                "the charts to be drawn",
                d -> "ready".equals(browser.script("return document.documentElement.dataset.charts")));
    }

    /** axe-core on the page as it is, then a screenshot on a desktop and on a phone screen. */
    private void check(String state) {
        browser.driver().manage().window().setSize(DESKTOP);
        assertNoViolations(state + " (desktop)");
        browser.screenshot(state + "-desktop");
        browser.driver().manage().window().setSize(PHONE);
        // Reflow (WCAG 1.4.10): on a phone nothing scrolls sideways but the tables' own scroll regions.
        browser.waitFor(state + " to fit the phone's width", d -> (Boolean)
                browser.script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"));
        assertNoViolations(state + " (phone)");
        browser.screenshot(state + "-phone");
        browser.driver().manage().window().setSize(DESKTOP);
    }

    private void assertNoViolations(String where) {
        String axe;
        try {
            axe = Files.readString(E2eEnvironment.vendorDir().resolve("axe.min.js"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        browser.script(axe);
        Object result = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                    'wcag22aa', 'best-practice'] } })
                  .then((r) => done(JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact,
                      help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + ' ' + n.failureSummary) })))))
                  .catch((e) => done('axe failed: ' + e));
                """);
        assertThat(String.valueOf(result)).as("axe-core violations on " + where).isEqualTo("[]");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Waits until the user page shows this status (the page is replaced by each block or unblock). */
    private void awaitStatus(String status) {
        browser.waitFor(
                "the user's status to read " + status,
                d -> status.equals(d.findElement(org.openqa.selenium.By.cssSelector("#user-status"))
                                .getText())
                        ? Boolean.TRUE
                        : null);
    }
}
