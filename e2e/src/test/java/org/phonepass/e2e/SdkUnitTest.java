package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs js/test/index.html, phonepass.js's own unit tests, in Chromium: one JUnit test per browser test. */
class SdkUnitTest {

    @TestFactory
    List<DynamicTest> phonepassJsUnitTestsPassInChromium() {
        try (StaticSite site = StaticSite.start();
                Browser browser = Browser.start(null, "sdk-unit-tests")) {
            browser.open(site.url("/sdk/test/index.html"));
            browser.waitFor(
                    "the SDK unit tests to finish",
                    Duration.ofSeconds(60),
                    d -> browser.script("return window.__phonepassTestResults && window.__phonepassTestResults.done"));
            browser.screenshot("sdk-unit-tests");
            @SuppressWarnings("unchecked")
            Map<String, Object> results = (Map<String, Object>) browser.script("return window.__phonepassTestResults");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tests = (List<Map<String, Object>>) results.get("results");
            assertThat(tests).as("browser unit tests found").hasSizeGreaterThanOrEqualTo(20);
            return tests.stream()
                    .map(t -> DynamicTest.dynamicTest(
                            String.valueOf(t.get("name")),
                            () -> assertThat((Boolean) t.get("ok"))
                                    .as(String.valueOf(t.get("error")))
                                    .isTrue()))
                    .toList();
        }
    }
}
