package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;

/**
 * The sample app's auth0-js 9 page (examples/jquery-sms-spa/auth0js9.html): the article's own-UI flow on
 * passwordlessStart, passwordlessLogin (redirect) and parseHash, in this Chromium, which blocks third-party cookies.
 */
class SampleAuth0Js9Test extends BrowserTestBase {

    @Test
    void phoneCodeRedirectAndSignedIn() {
        Phone phone = newPhone();
        browser.open(site.url("/auth0js9.html"));
        Browser.replaceText(browser.visible("input.phone-number"), phone.e164());
        browser.screenshot("1-phone");
        browser.find("button.send-sms").click();
        browser.visible("input.code");
        browser.screenshot("2-code");
        String code = server.latestCode(phone.e164());

        Browser.replaceText(browser.visible("input.code"), code.equals("000000") ? "111111" : "000000");
        browser.find("button.login").click();
        browser.waitForText("Couldn't login Wrong phone number or verification code.");
        browser.screenshot("3-wrong-code");

        Browser.replaceText(browser.visible("input.code"), code);
        browser.find("button.login").click();
        // The page leaves for /authorize and comes back: elements of the old page go stale meanwhile.
        browser.waitFor("the signed-in view", Duration.ofSeconds(20), d -> {
            try {
                return d.findElement(By.cssSelector(".signed-in")).isDisplayed() ? true : null;
            } catch (WebDriverException e) {
                return null;
            }
        });
        browser.screenshot("4-signed-in");
        assertThat(browser.find("#profile-name").getText()).isEqualTo(phone.e164());
        assertThat(browser.bodyText()).contains("Welcome " + phone.e164());
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(site.url("/auth0js9.html"));
    }
}
