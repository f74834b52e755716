package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Unmodified Lock 11.35.1, 12.5.1 and 14.3.0 (from npm) in Chromium against Phonepass, passwordless SMS with a code
 * (docs/spa.md#cross-origin-authentication): the settings script, the phone screen, the code screen, the wrong-code
 * message, a resend, and the authenticated event with a verified profile.
 */
class LockEmbeddedTest extends BrowserTestBase {

    private void submitPhone(Phone phone) {
        WebElement input = browser.visible("input[name=phoneNumber]");
        Browser.replaceText(input, phone.national().replace(" ", "").replace("-", ""));
        browser.find(".auth0-lock-submit").click();
    }

    private void submitCode(String code) {
        WebElement input = browser.visible("input[name=vcode]");
        Browser.replaceText(input, code);
        browser.find(".auth0-lock-submit").click();
    }

    @ParameterizedTest(name = "Lock {0}")
    @ValueSource(strings = {"11", "12", "14"})
    void phoneCodeWrongCodeResendAndAuthenticated(String major) {
        Phone phone = newPhone();
        browser.open(site.url("/harness/lock" + major + ".html"));
        browser.script("showLock();");
        browser.visible("input[name=phoneNumber]");
        browser.screenshot("1-phone");
        assertThat(serverRequests("GET", "/client/e2e-embedded.js")).hasSize(1);
        assertThat(browser.findAll(".auth0-lock-badge"))
                .as("no 'Protected by Auth0' badge")
                .isEmpty();

        submitPhone(phone);
        browser.visible("input[name=vcode]");
        browser.screenshot("2-code");
        String first = server.latestCode(phone.e164());

        submitCode(first.equals("000000") ? "111111" : "000000");
        WebElement error = browser.visible(".auth0-global-message-error");
        browser.screenshot("3-wrong-code");
        assertThat(error.getText()).isEqualTo("WE'RE SORRY, SOMETHING WENT WRONG");
        assertThat(map(browser.script("return window.authErrors[0];")))
                .containsEntry("error", "invalid_user_password")
                .containsEntry("description", "Wrong phone number or verification code.");

        // Resend: back to the phone screen, a new code.
        browser.driver().findElement(By.linkText("Did not get the code?")).click();
        submitPhone(phone);
        browser.visible("input[name=vcode]");
        browser.screenshot("4-resent");
        browser.waitFor(
                "a second code",
                Duration.ofSeconds(10),
                d -> server.inbox(phone.e164()).size() >= 2 ? true : null);
        String second = server.latestCode(phone.e164());

        submitCode(second);
        Map<String, Object> authenticated = map(browser.waitFor(
                "the authenticated event and the profile",
                Duration.ofSeconds(30),
                d -> browser.script("return window.authenticated || null;")));
        browser.screenshot("5-authenticated");
        assertThat(authenticated.get("err")).isNull();
        Map<String, Object> result = map(authenticated.get("result"));
        // Lock hands over auth0-js's camel-cased web_message result.
        assertThat(map(result.get("idTokenPayload")))
                .containsEntry("phoneNumber", phone.e164())
                .containsEntry("phoneNumberVerified", true)
                .containsEntry("aud", "e2e-embedded");
        assertThat(map(authenticated.get("profile")))
                .containsEntry("phone_number", phone.e164())
                .containsEntry("phone_number_verified", true);
        assertThat(serverRequests("POST", "/co/authenticate")).hasSize(2);
    }
}
