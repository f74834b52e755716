package org.phonepass.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver (never a Selenium Manager download), with a
 * fresh profile, the flags this closed network needs, and the Phonepass dev certificate trusted by its SPKI pin.
 * It records what the page sent on the wire (Chromium's performance log) and saves numbered screenshots.
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path userDataDir;
    private final Path screenshots;
    private final List<JsonNode> events = new ArrayList<>();
    private int shot;

    private Browser(ChromeDriver driver, ChromeDriverService service, Path userDataDir, Path screenshots) {
        this.driver = driver;
        this.service = service;
        this.userDataDir = userDataDir;
        this.screenshots = screenshots;
    }

    /**
     * @param spkiPin    base64 SHA-256 of the server certificate's SubjectPublicKeyInfo, or null
     * @param screenshotFolder folder under target/screenshots for this test's screens
     */
    public static Browser start(String spkiPin, String screenshotFolder) {
        return start(spkiPin, screenshotFolder, "en-US,en");
    }

    /** @param acceptLanguage the browser's language list, sent as Accept-Language */
    public static Browser start(String spkiPin, String screenshotFolder, String acceptLanguage) {
        return start(spkiPin, screenshotFolder, acceptLanguage, Map.of());
    }

    /**
     * A browser that blocks third-party cookies as Safari, Firefox's strict mode and private windows do: the
     * profile preference {@code profile.cookie_controls_mode} = 1 ("block third-party cookies", the setting
     * chrome://settings/cookies writes), which Debian's headless Chromium honours from the first request on. (Debian's
     * Chromium 156 headless, with no preference set, already blocks them; the preference makes the test independent
     * of that default.)
     */
    public static Browser startBlockingThirdPartyCookies(String spkiPin, String screenshotFolder) {
        return start(spkiPin, screenshotFolder, "en-US,en", Map.of("profile.cookie_controls_mode", 1));
    }

    /**
     * A browser that sends cookies to cross-site frames, as desktop Chrome does by default: the profile preference
     * {@code profile.cookie_controls_mode} = 0 ("allow third-party cookies").
     */
    public static Browser startAllowingThirdPartyCookies(String spkiPin, String screenshotFolder) {
        return start(spkiPin, screenshotFolder, "en-US,en", Map.of("profile.cookie_controls_mode", 0));
    }

    /**
     * @param allowThirdPartyCookies true: a profile that keeps and sends third-party cookies, as Chrome's default
     *                               profile does; false: this Chromium's default, which blocks them (like Safari,
     *                               Firefox in strict mode and incognito windows)
     */
    public static Browser start(
            String spkiPin, String screenshotFolder, String acceptLanguage, boolean allowThirdPartyCookies) {
        return start(
                spkiPin,
                screenshotFolder,
                acceptLanguage,
                allowThirdPartyCookies
                        ? Map.of("profile.cookie_controls_mode", 0, "profile.block_third_party_cookies", false)
                        : Map.of());
    }

    /** @param extraPrefs further profile preferences (dotted names) */
    public static Browser start(
            String spkiPin, String screenshotFolder, String acceptLanguage, Map<String, Object> extraPrefs) {
        E2eEnvironment.requireBrowserAndBundles();
        try {
            Path userData = Files.createTempDirectory("phonepass-e2e-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(E2eEnvironment.chromium().toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    "--disable-extensions",
                    "--disable-dev-shm-usage",
                    "--no-default-browser-check",
                    "--password-store=basic",
                    "--window-size=1200,1000",
                    "--user-data-dir=" + userData);
            if (spkiPin != null) {
                options.addArguments("--ignore-certificate-errors-spki-list=" + spkiPin);
            }
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            Map<String, Object> prefs = new java.util.HashMap<>(extraPrefs);
            prefs.put("intl.accept_languages", acceptLanguage);
            options.setExperimentalOption("prefs", prefs);
            options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(E2eEnvironment.chromedriver().toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            Path shots = E2eEnvironment.screenshotsDir().resolve(screenshotFolder);
            Files.createDirectories(shots);
            try (Stream<Path> old = Files.list(shots)) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            return new Browser(driver, service, userData, shots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs an async script; the script calls {@code arguments[arguments.length - 1]} with its result. */
    public Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /**
     * Polls the condition until it answers non-null / true. An element that went stale between being found and being
     * read (the page was replaced by a navigation or a form post in between) counts as "not yet", whether
     * chromedriver reports it as a stale element or, when the node left the document while it was being read, as
     * "unhandled inspector error: Node with given id does not belong to the document".
     */
    public <T> T waitFor(String what, Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout)
                .withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    try {
                        return condition.apply(d);
                    } catch (org.openqa.selenium.WebDriverException e) {
                        if (e.getMessage() != null && e.getMessage().contains(DETACHED_NODE)) {
                            return null;
                        }
                        throw e;
                    }
                });
    }

    private static final String DETACHED_NODE = "does not belong to the document";

    public <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return waitFor(what, Duration.ofSeconds(15), condition);
    }

    /** Waits until an element matching css is displayed and returns it. */
    public WebElement visible(String css) {
        return waitFor(
                css + " to be visible",
                d -> d.findElements(By.cssSelector(css)).stream()
                        .filter(WebElement::isDisplayed)
                        .findFirst()
                        .orElse(null));
    }

    /** Waits until the page's visible text contains text. */
    public void waitForText(String text) {
        waitFor(
                "the page to show \"" + text + "\"",
                d -> d.findElement(By.tagName("body")).getText().contains(text));
    }

    /**
     * Replaces an input's text with keystrokes (select all, delete, type), so that React's change events fire;
     * WebElement.clear() alone leaves Lock's state holding the old value. Waits while an opening animation
     * (Lock's modal) still covers the input.
     */
    public static void replaceText(WebElement input, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                input.click();
                break;
            } catch (ElementNotInteractableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                PhonepassUnderTest.sleep(100);
            }
        }
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        input.sendKeys(text);
    }

    public String bodyText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Saves target/screenshots/FOLDER/NN-name.png and returns the file. */
    public Path screenshot(String name) {
        try {
            shot++;
            Path file = screenshots.resolve(String.format("%02d-%s.png", shot, name));
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests the page made, oldest first, read from the performance log (kept across calls). */
    public List<NetworkRequest> requests() {
        drainPerformanceLog();
        List<NetworkRequest> out = new ArrayList<>();
        for (JsonNode e : events) {
            String method = e.path("method").asText();
            JsonNode params = e.path("params");
            if ("Network.requestWillBeSent".equals(method)) {
                JsonNode req = params.path("request");
                out.add(new NetworkRequest(
                        params.path("requestId").asText(),
                        req.path("method").asText(),
                        req.path("url").asText(),
                        JSON.convertValue(req.path("headers"), Map.class),
                        req.path("postData").isMissingNode()
                                ? null
                                : req.path("postData").asText(),
                        params.path("type").asText()));
            }
        }
        return out;
    }

    /** Raw network events of a type (e.g. Network.responseReceived), oldest first. */
    public List<JsonNode> networkEvents(String method) {
        drainPerformanceLog();
        return events.stream()
                .filter(e -> method.equals(e.path("method").asText()))
                .toList();
    }

    public void forgetNetwork() {
        drainPerformanceLog();
        events.clear();
    }

    private void drainPerformanceLog() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode message = JSON.readTree(entry.getMessage()).path("message");
                if (message.path("method").asText().startsWith("Network.")) {
                    events.add(message);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Console messages of the page so far (for failure messages). */
    public List<String> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getLevel() + " " + e.getMessage())
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> walk = Files.walk(userDataDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp profile is harmless
            }
        }
    }

    /** One request as Chromium sent it. */
    public record NetworkRequest(
            String id, String method, String url, Map<String, Object> headers, String postData, String type) {
        public String header(String name) {
            for (Map.Entry<String, Object> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return String.valueOf(h.getValue());
                }
            }
            return null;
        }
    }
}
