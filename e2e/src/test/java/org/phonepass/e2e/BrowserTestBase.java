package org.phonepass.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * One Phonepass server and one page origin per test class, a fresh Chromium profile per test. Phone numbers
 * are unique in the JVM so no two tests share codes or users.
 */
abstract class BrowserTestBase {

    private static final AtomicInteger NEXT_PHONE = new AtomicInteger(100);

    static StaticSite site;
    static PhonepassUnderTest server;
    Browser browser;
    /** Where this test's screenshots go. */
    String screenshotFolder;

    @BeforeAll
    static void startServers() {
        E2eEnvironment.requireBrowserAndBundles();
        site = StaticSite.start();
        server = PhonepassUnderTest.start(site.origin());
        site.configure(server.domain(), server.clientId());
    }

    @AfterAll
    static void stopServers() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (site != null) {
            site.close();
            site = null;
        }
    }

    @BeforeEach
    void openBrowser(TestInfo info) {
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        String display = info.getDisplayName();
        String suffix = display.startsWith(method + "(")
                ? ""
                : "-" + display.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
        String folder = getClass().getSimpleName() + "/" + method + suffix;
        screenshotFolder = folder;
        browser = Browser.start(server.spkiPin(), folder);
    }

    /** Replaces this test's browser with one whose profile keeps and sends third-party cookies. */
    void useBrowserAllowingThirdPartyCookies() {
        browser.close();
        browser = Browser.start(server.spkiPin(), screenshotFolder, "en-US,en", true);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** A fresh valid US number, +1 201-555-01xx. */
    static Phone newPhone() {
        int n = NEXT_PHONE.getAndIncrement();
        if (n > 199) {
            throw new IllegalStateException("ran out of +1 201-555-01xx test numbers");
        }
        return new Phone("+12015550" + n, "201-555 0" + n);
    }

    /** The requests the page sent to the Phonepass server, oldest first. */
    List<Browser.NetworkRequest> serverRequests() {
        return browser.requests().stream()
                .filter(r -> r.url().startsWith(server.baseUrl() + "/"))
                .toList();
    }

    List<Browser.NetworkRequest> serverRequests(String method, String path) {
        return serverRequests().stream()
                .filter(r ->
                        r.method().equals(method) && r.url().split("\\?")[0].equals(server.baseUrl() + path))
                .toList();
    }

    static JsonNode decodeTelemetry(String header) {
        return PhonepassUnderTest.json(
                new String(Base64.getUrlDecoder().decode(header.replace("=", "")), StandardCharsets.UTF_8));
    }

    static JsonNode jwtPayload(String jwt) {
        return PhonepassUnderTest.json(
                new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** A test number in E.164 and as typed into Lock with US selected. */
    record Phone(String e164, String national) {
        /** How Lock 2.2.3 shows the number on its code screen. */
        String lockDisplay() {
            return "+1 " + national;
        }
    }
}
