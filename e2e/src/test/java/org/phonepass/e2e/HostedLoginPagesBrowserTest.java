package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The hosted SMS login pages in headless Chromium, started from a real {@code /authorize} (docs/hosted-login.md):
 * axe-core (from npm, pinned in e2e/web/package.json) finds no violation on any page and state; every page and state
 * is saved as a screenshot in English and French on a phone-sized (390×844) and a desktop (1280×800) viewport,
 * under target/screenshots/HostedLoginPagesBrowserTest; the pages reflow at 320 CSS pixels (400 % zoom of a
 * 1280-pixel window); a keyboard alone signs in; and WebOTP fills and sends the code.
 *
 * <p>One browser and one server for the whole class. Headless Chromium on a desktop cannot receive an SMS, so the
 * WebOTP test replaces {@code navigator.credentials.get} with a scripted shim installed before the page's own
 * script runs, and hands it the code as a phone would.
 */
class HostedLoginPagesBrowserTest {
    private static final String FOLDER = "HostedLoginPagesBrowserTest";
    private static StaticSite site;
    private static PhonepassUnderTest server;
    private static Browser browser;
    private static String axe;

    @BeforeAll
    static void start() throws IOException {
        E2eEnvironment.requireBrowserAndBundles();
        if (!Files.isRegularFile(E2eEnvironment.vendorDir().resolve("axe.min.js"))) {
            throw new IllegalStateException("axe-core is missing from " + E2eEnvironment.vendorDir()
                    + "; run .ci/install-browser-deps (npm ci and the bundle build) again");
        }
        axe = Files.readString(E2eEnvironment.vendorDir().resolve("axe.min.js"));
        site = StaticSite.start();
        server = PhonepassUnderTest.start(site.origin());
        site.configure(server.domain(), server.clientId());
        browser = Browser.start(server.spkiPin(), FOLDER, "en-US,en");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (site != null) {
            site.close();
        }
    }

    @Test
    void everyPageAndStateInTwoLanguagesHasNoAxeViolationAndIsCapturedOnPhoneAndDesktop() {
        for (String lang : new String[] {"en", "fr"}) {
            BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
            authorize(lang);
            browser.visible("#phone");
            assertThat(browser.script("return document.documentElement.lang")).isEqualTo(lang);
            capture(lang + "-number");

            Browser.replaceText(browser.find("#phone"), "12");
            browser.find("#number-form button[type=submit]").click();
            browser.visible("#phone[aria-invalid=true]");
            assertThat(browser.find("#form-error").getText()).isNotBlank();
            capture(lang + "-number-invalid");

            Browser.replaceText(browser.find("#phone"), phone.national());
            browser.find("#number-form button[type=submit]").click();
            browser.visible("#code");
            assertThat(browser.find("#resend").isEnabled()).isFalse();
            capture(lang + "-code");

            String code = server.latestCode(phone.e164());
            browser.find("#code").sendKeys(wrong(code));
            browser.find("#code-form button[type=submit]").click();
            browser.visible("#code[aria-invalid=true]");
            capture(lang + "-code-wrong");

            if (server.advanceClock(Duration.ofSeconds(31))) {
                // Two more wrong codes use the code up (max_attempts: 3).
                for (int i = 0; i < 2; i++) {
                    browser.find("#code").sendKeys(wrong(code));
                    browser.find("#code-form button[type=submit]").click();
                    browser.visible("#code[aria-invalid=true]");
                }
                capture(lang + "-code-used-up");
                browser.open(browser.driver().getCurrentUrl().replaceAll("[?&]resent=1", ""));
                browser.waitFor(
                        "the resend button to be enabled",
                        d -> d.findElement(By.id("resend")).isEnabled());
                browser.find("#resend").click();
                browser.visible(".pp-notice");
                capture(lang + "-code-resent");
                code = server.latestCode(phone.e164());
            }

            browser.find("#code").sendKeys(code);
            browser.find("#code-form button[type=submit]").click();
            browser.waitFor(
                    "the app's callback with a code", d -> d.getCurrentUrl().startsWith(site.origin() + "/?code="));

            // Too many codes for one number (limits.start_per_phone_hourly, 5 by default): the number page says so.
            BrowserTestBase.Phone busy = BrowserTestBase.newPhone();
            authorize(lang);
            String numberPage = browser.driver().getCurrentUrl();
            for (int i = 0; i < 6 && browser.findAll("#form-error:not(:empty)").isEmpty(); i++) {
                browser.open(numberPage);
                Browser.replaceText(browser.visible("#phone"), busy.national());
                browser.find("#number-form button[type=submit]").click();
                browser.waitFor(
                        "the code page or an error",
                        d -> !d.findElements(By.cssSelector("#code")).isEmpty()
                                || !d.findElements(By.cssSelector("#form-error:not(:empty)"))
                                        .isEmpty());
            }
            assertThat(browser.find("#phone").isDisplayed()).isTrue();
            capture(lang + "-number-rate-limited");

            // A page of a login that is over: the product's error page.
            browser.open(server.baseUrl() + "/u/login?state=over&ui_locales=" + lang);
            browser.visible("h1");
            capture(lang + "-expired");
        }
    }

    @Test
    void aKeyboardAloneSignsInInTheOrderThePageReads() {
        BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
        authorize("en");
        browser.visible("#phone");
        // Start where a person's Tab starts: the heading, clicked (it is not focusable itself).
        browser.find("h1").click();
        Actions keys = new Actions(browser.driver());
        keys.sendKeys(Keys.TAB).perform();
        assertThat(activeId()).isEqualTo("country");
        keys.sendKeys(Keys.TAB).perform();
        assertThat(activeId()).isEqualTo("phone");
        keys.sendKeys(phone.national()).perform();
        // Formatting as you type, from libphonenumber's grouping for the US.
        assertThat(browser.find("#phone").getAttribute("value"))
                .isEqualTo("(201) 555-0" + phone.e164().substring(9));
        keys.sendKeys(Keys.TAB).perform();
        assertThat(browser.script("return document.activeElement.type")).isEqualTo("submit");
        keys.sendKeys(Keys.ENTER).perform();
        browser.visible("#code");
        // The code field has the focus on arrival; then the button, then the change-number link (the resend
        // button is disabled while it counts down).
        assertThat(activeId()).isEqualTo("code");
        keys.sendKeys(Keys.TAB).perform();
        assertThat(browser.script("return document.activeElement.textContent")).isEqualTo("Continue");
        keys.sendKeys(Keys.TAB).perform();
        assertThat(browser.script("return document.activeElement.textContent"))
                .isEqualTo("Use a different phone number");
        keys.sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB), Keys.chord(Keys.SHIFT, Keys.TAB))
                .perform();
        assertThat(activeId()).isEqualTo("code");
        keys.sendKeys(server.latestCode(phone.e164()), Keys.ENTER).perform();
        browser.waitFor("the app's callback with a code", d -> d.getCurrentUrl().startsWith(site.origin() + "/?code="));
    }

    @Test
    void webOtpFillsTheCodeFromTheSmsAndSendsTheForm() {
        ChromeDriver chrome = (ChromeDriver) browser.driver();
        // The shim stands where Chromium's WebOTP would: it records what the page asked for and resolves with the
        // code when the test hands it one, as the browser does once the person allows it.
        Map<String, Object> added =
                chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                        window.OTPCredential = window.OTPCredential || function OTPCredential() {};
                        Object.defineProperty(navigator, 'credentials', { configurable: true, value: {
                          get(options) {
                            window.__otpRequest = JSON.stringify(options.otp);
                            return new Promise((resolve) => {
                              window.__deliverOtp = (code) => resolve({ type: 'otp', id: 'sms', code });
                            });
                          },
                        }});
                        """));
        try {
            BrowserTestBase.Phone phone = BrowserTestBase.newPhone();
            authorize("en");
            Browser.replaceText(browser.visible("#phone"), phone.national());
            browser.find("#number-form button[type=submit]").click();
            browser.visible("#code");
            browser.waitFor(
                    "the page to ask for the SMS code", d -> browser.script("return window.__otpRequest") != null);
            assertThat(browser.script("return window.__otpRequest")).isEqualTo("{\"transport\":[\"sms\"]}");
            browser.script("window.__deliverOtp(arguments[0])", server.latestCode(phone.e164()));
            browser.waitFor(
                    "the app's callback with a code", d -> d.getCurrentUrl().startsWith(site.origin() + "/?code="));
        } finally {
            chrome.executeCdpCommand(
                    "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", added.get("identifier")));
        }
    }

    // ---- helpers ----

    private static void authorize(String lang) {
        String verifier = "verifier-" + "x".repeat(40);
        String challenge;
        try {
            challenge = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        browser.open(server.baseUrl() + "/authorize?response_type=code&client_id=" + server.clientId()
                + "&redirect_uri=" + URLEncoder.encode(site.origin() + "/", StandardCharsets.UTF_8)
                + "&scope=openid&prompt=login&state=st&code_challenge=" + challenge
                + "&code_challenge_method=S256&ui_locales="
                + lang);
        browser.waitFor("the number page", d -> d.getCurrentUrl().contains("/u/login?state="));
    }

    private static String activeId() {
        return (String) browser.script("return document.activeElement.id");
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }

    /**
     * On a phone and a desktop viewport: axe-core finds nothing, and a screenshot is saved; at 320 CSS pixels
     * (1280 at 400 %) nothing scrolls sideways.
     */
    private static void capture(String name) {
        ChromeDriver chrome = (ChromeDriver) browser.driver();
        try {
            viewport(chrome, 320, 640, 1, true);
            assertThat(browser.script(
                            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
                    .as(name + " reflows at 320 CSS pixels")
                    .isEqualTo(true);
            viewport(chrome, 390, 844, 2, true);
            assertNoAxeViolations(name + " (phone)");
            browser.screenshot(name + "-phone");
            viewport(chrome, 1280, 800, 1, false);
            assertNoAxeViolations(name + " (desktop)");
            browser.screenshot(name + "-desktop");
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private static void viewport(ChromeDriver chrome, int width, int height, int scale, boolean mobile) {
        chrome.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", scale, "mobile", mobile));
    }

    private static void assertNoAxeViolations(String where) {
        if (!Boolean.TRUE.equals(browser.script("return typeof window.axe === 'object'"))) {
            browser.script(axe);
        }
        Object result = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {
                  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                  resultTypes: ['violations'],
                }).then((r) => done(JSON.stringify(r.violations.map((v) => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary),
                }))))).catch((e) => done('axe failed: ' + e));
                """);
        assertThat(result).as("axe-core violations on " + where).isEqualTo("[]");
    }
}
