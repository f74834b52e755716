package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;

/**
 * The jQuery sample app (examples/jquery-sms-spa) end to end, once per client library, as a user uses it:
 * type the number, submit, read the code from the dev inbox, type it, see the profile.
 */
class SampleAppTest extends BrowserTestBase {

    /** The three ways the sample signs in. */
    enum Library {
        /** index.html, "Sign in with Lock": Lock passwordless 2.2.3, lock.sms({autoclose: true}). */
        LOCK("index.html"),
        /** index.html, own UI on auth0-js 7.6.1 with the working login({phoneNumber, passcode}) call. */
        AUTH0_JS_7_6_1("index.html"),
        /** phonepass.html, own UI running the article's code verbatim on phonepass.js from the server. */
        PHONEPASS_JS("phonepass.html");

        final String page;

        Library(String page) {
            this.page = page;
        }
    }

    private void open(Library lib) {
        browser.open(site.url("/" + lib.page));
        if (lib == Library.PHONEPASS_JS) {
            browser.waitFor(
                    "phonepass.js to load from the server",
                    d -> browser.find("button.send-sms").isEnabled());
        }
    }

    private void enterPhone(Library lib, String e164, String national) {
        if (lib == Library.LOCK) {
            if (browser.findAll("input[name=phoneNumber]").stream().noneMatch(e -> e.isDisplayed())) {
                browser.find(".lock-signin").click();
            }
            Browser.replaceText(browser.visible("input[name=phoneNumber]"), national);
            browser.screenshot("phone-entry");
            browser.find(".auth0-lock-submit").click();
        } else {
            Browser.replaceText(browser.visible("input.phone-number"), e164);
            browser.screenshot("phone-entry");
            browser.find("button.send-sms").click();
        }
    }

    private void awaitCodeScreen(Library lib, Phone phone) {
        if (lib == Library.LOCK) {
            browser.waitForText("An SMS with the code has been sent to " + phone.lockDisplay() + ".");
        } else {
            browser.visible("input.code");
        }
        browser.screenshot("code-entry");
    }

    private void enterCode(Library lib, String code) {
        if (lib == Library.LOCK) {
            Browser.replaceText(browser.visible("input[name=vcode]"), code);
            browser.find(".auth0-lock-submit").click();
        } else {
            Browser.replaceText(browser.visible("input.code"), code);
            browser.find("button.login").click();
        }
    }

    private String wrongCodeMessage(Library lib) {
        return lib == Library.LOCK
                ? "Wrong phone number or verification code"
                : "Couldn't login Wrong phone number or verification code.";
    }

    private void assertSignedIn(Phone phone) {
        browser.visible(".signed-in");
        browser.screenshot("signed-in");
        String idToken = (String) browser.script("return localStorage.getItem('userToken')");
        assertThat(idToken).as("localStorage.userToken").isNotBlank();
        // what the server recorded: the stored token is this number's user, and the page shows that user
        JsonNode user = server.tokeninfo(idToken);
        assertThat(user.path("phone_number").asText()).isEqualTo(phone.e164());
        assertThat(browser.find("#profile-user-id").getText())
                .isEqualTo(user.path("user_id").asText());
        assertThat(jwtPayload(idToken).path("sub").asText())
                .isEqualTo(user.path("user_id").asText());
        assertThat(browser.find("#profile-name").getText())
                .isEqualTo(user.path("name").asText());
        assertThat(browser.find("#profile-json").getText()).contains(phone.e164());
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void signsInWithTheCodeFromTheSmsAndKeepsTheToken(Library lib) {
        Phone phone = newPhone();
        int before = server.inbox(phone.e164()).size();
        open(lib);
        enterPhone(lib, phone.e164(), phone.national());
        awaitCodeScreen(lib, phone);
        assertThat(server.inbox(phone.e164())).as("one SMS recorded").hasSize(before + 1);
        enterCode(lib, server.latestCode(phone.e164()));
        assertSignedIn(phone);
        if (lib != Library.LOCK) {
            assertThat(browser.find("#notice").getText())
                    .isEqualTo("Welcome " + browser.find("#profile-name").getText());
        } else {
            assertThat(browser.findAll(".auth0-lock-submit"))
                    .as("autoclose: the Lock closed")
                    .noneMatch(e -> e.isDisplayed());
        }
        // a reload keeps the session from localStorage
        browser.driver().navigate().refresh();
        browser.visible(".signed-in");
        browser.screenshot("after-reload");
        assertThat(browser.find("#profile-json").getText()).contains(phone.e164());
        browser.find("button.logout").click();
        browser.waitFor(
                "the phone form after logout", d -> browser.find(".lock-signin").isDisplayed());
        assertThat(browser.script("return localStorage.getItem('userToken')"))
                .as("token removed")
                .isNull();
        browser.screenshot("logged-out");
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void aWrongCodeShowsWrongPhoneNumberOrVerificationCode(Library lib) {
        Phone phone = newPhone();
        open(lib);
        enterPhone(lib, phone.e164(), phone.national());
        awaitCodeScreen(lib, phone);
        String code = server.latestCode(phone.e164());
        enterCode(lib, Auth0Js761Test.wrong(code));
        browser.waitForText(wrongCodeMessage(lib));
        browser.screenshot("wrong-code");
        assertThat(browser.findAll(".signed-in").get(0).isDisplayed()).isFalse();
        assertThat(browser.script("return localStorage.getItem('userToken')")).isNull();
        // the server kept the code alive after one wrong try: the right one still signs in
        enterCode(lib, code);
        assertSignedIn(phone);
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void anInvalidNumberIsRefused(Library lib) {
        String invalid = "+15555550100";
        open(lib);
        enterPhone(lib, invalid, "555-555 0100");
        if (lib == Library.LOCK) {
            browser.waitForText("The phone number is invalid");
        } else {
            // the article shows the server's own error_description
            JsonNode err = PhonepassUnderTest.json(server.postForm(
                            "/passwordless/start",
                            "client_id="
                                    + URLEncoder.encode(server.clientId(), StandardCharsets.UTF_8)
                                    + "&connection=sms&phone_number=%2B15555550100")
                    .body());
            assertThat(err.path("error").asText()).isEqualTo("bad.phone_number");
            browser.waitForText(
                    "error sending SMS: " + err.path("error_description").asText());
            assertThat(browser.find("input.code").isDisplayed())
                    .as("still on the phone form")
                    .isFalse();
        }
        browser.screenshot("invalid-number");
        assertThat(server.inbox(invalid)).as("no SMS recorded").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void didNotGetTheCodeThenResendKillsTheFirstCode(Library lib) {
        Phone phone = newPhone();
        int before = server.inbox(phone.e164()).size();
        open(lib);
        enterPhone(lib, phone.e164(), phone.national());
        awaitCodeScreen(lib, phone);
        browser.waitFor("the first SMS", d -> server.inbox(phone.e164()).size() == before + 1);
        String first = server.latestCode(phone.e164());

        browser.driver().findElement(By.linkText("Did not get the code?")).click();
        browser.screenshot("did-not-get-the-code");
        if (lib == Library.LOCK) {
            browser.visible("input[name=phoneNumber]");
            browser.find(".auth0-lock-submit").click();
        } else {
            browser.visible("input.phone-number");
            browser.find("button.send-sms").click();
        }
        browser.waitFor("a second SMS", d -> server.inbox(phone.e164()).size() == before + 2);
        awaitCodeScreen(lib, phone);
        String second = server.latestCode(phone.e164());

        if (!first.equals(second)) {
            enterCode(lib, first);
            browser.waitForText(wrongCodeMessage(lib));
            browser.screenshot("first-code-rejected");
        }
        enterCode(lib, second);
        assertSignedIn(phone);
    }
}
