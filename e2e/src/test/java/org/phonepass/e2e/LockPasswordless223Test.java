package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Items 11-17 of docs/auth0-compatibility.md#what-the-browser-suite-checks: unmodified Lock passwordless 2.2.3
 * (with its auth0-js 6.8.0) inline on a page, with autoclose:false so every screen can be seen, driven as a user
 * would drive it.
 */
class LockPasswordless223Test extends BrowserTestBase {

    @BeforeEach
    void openHarness() {
        browser.open(site.url("/harness/lock.html"));
    }

    private void openLock() {
        browser.script("openLock()");
        browser.visible("input[name=phoneNumber]");
    }

    private void submitPhone(String typed) {
        WebElement input = browser.visible("input[name=phoneNumber]");
        Browser.replaceText(input, typed);
        browser.find(".auth0-lock-submit").click();
    }

    private void submitCode(String code) {
        WebElement input = browser.visible("input[name=vcode]");
        Browser.replaceText(input, code);
        browser.find(".auth0-lock-submit").click();
    }

    @SuppressWarnings("unchecked")
    private List<List<Object>> callbacks() {
        return (List<List<Object>>) browser.script("return window.lockCallbacks");
    }

    private List<Object> awaitCallback() {
        browser.waitFor("the lock.sms callback", d -> !callbacks().isEmpty());
        return callbacks().get(0);
    }

    private void signIn(Phone phone) {
        submitPhone(phone.national());
        browser.waitForText("An SMS with the code has been sent to " + phone.lockDisplay() + ".");
        submitCode(server.latestCode(phone.e164()));
        browser.waitForText("Thanks for signing in.");
    }

    @Test
    void item11_constructingTheLockAsksForTheCountryAndShowsItsDiallingCode() {
        openLock();
        browser.screenshot("phone-entry");

        assertThat(serverRequests("GET", "/user/geoloc/country"))
                .as("geoloc request")
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.header("Auth0-Client")).isNull());
        assertThat(serverRequests("OPTIONS", "/user/geoloc/country"))
                .as("a simple CORS request")
                .isEmpty();
        assertThat(server.get("/user/geoloc/country").body()).contains("\"country_code\"");
        String location = browser.find("input[name=location]").getAttribute("value");
        String country = PhonepassUnderTest.json(
                        server.get("/user/geoloc/country").body())
                .path("country_code")
                .asText();
        assertThat(country).isEqualTo("US");
        assertThat(location).as("country button").startsWith("+1");
        assertThat(browser.bodyText()).contains("Enter your phone to sign in");
    }

    @Test
    void item11_aBritishBrowserGetsGbAndTheLockShowsPlus44(org.junit.jupiter.api.TestInfo info) {
        browser.close();
        browser = Browser.start(
                server.spkiPin(),
                getClass().getSimpleName() + "/"
                        + info.getTestMethod().orElseThrow().getName(),
                "en-GB,en");
        browser.open(site.url("/harness/lock.html"));
        // the Lock applies the country only if its answer came before the phone screen is built
        String geolocId = serverRequests("GET", "/user/geoloc/country").get(0).id();
        browser.waitFor(
                "the country answer",
                d -> browser.networkEvents("Network.loadingFinished").stream()
                        .anyMatch(
                                e -> e.path("params").path("requestId").asText().equals(geolocId)));
        PhonepassUnderTest.sleep(200);
        openLock();
        browser.screenshot("phone-entry-gb");

        assertThat(serverRequests("GET", "/user/geoloc/country")).hasSize(1);
        // what the server answers a British browser
        assertThat(PhonepassUnderTest.json(server.get("/user/geoloc/country", "Accept-Language", "en-GB,en;q=0.9")
                                .body())
                        .path("country_code")
                        .asText())
                .isEqualTo("GB");
        browser.waitFor(
                "the GB dialling code",
                d -> browser.find("input[name=location]").getAttribute("value").startsWith("+44"));
        assertThat(browser.find("input[name=location]").getAttribute("value")).contains("United Kingdom");
    }

    @Test
    void item12_submittingTheNumberStartsPasswordlessAndShowsTheCodeScreen() {
        Phone phone = newPhone();
        int before = server.inbox(phone.e164()).size();
        openLock();
        browser.screenshot("phone-entry");
        submitPhone(phone.national());
        browser.waitForText("An SMS with the code has been sent to " + phone.lockDisplay() + ".");
        browser.screenshot("code-entry");

        Browser.NetworkRequest start =
                serverRequests("POST", "/passwordless/start").get(0);
        assertThat(start.postData())
                .isEqualTo("client_id=" + server.clientId() + "&phone_number=%2B"
                        + phone.e164().substring(1) + "&connection=sms");
        assertThat(decodeTelemetry(start.header("Auth0-Client")).toString())
                .isEqualTo("{\"name\":\"lock-passwordless.js\",\"version\":\"2.2.3\",\"lib_version\":\"6.8.0\"}");
        assertThat(serverRequests("OPTIONS", "/passwordless/start"))
                .as("preflight")
                .hasSize(1);
        assertThat(server.inbox(phone.e164())).as("SMS recorded").hasSize(before + 1);
    }

    @Test
    void item13_theRightCodeSignsInAndCallsBackWithTheProfileAndTokens() {
        Phone phone = newPhone();
        openLock();
        signIn(phone);
        browser.screenshot("signed-in");

        List<Object> args = awaitCallback();
        assertThat(args.get(0)).as("error").isNull();
        Map<String, Object> profile = map(args.get(1));
        String idToken = (String) args.get(2);
        assertThat(profile).containsEntry("phone_number", phone.e164());
        assertThat((String) profile.get("user_id")).startsWith("sms|");
        assertThat(jwtPayload(idToken).path("sub").asText()).isEqualTo(profile.get("user_id"));
        assertThat((String) args.get(3)).as("access_token").isNotBlank();
        Browser.NetworkRequest ro = serverRequests("POST", "/oauth/ro").get(0);
        assertThat(ro.postData())
                .contains(
                        "response_type=token",
                        "connection=sms",
                        "grant_type=password",
                        "username=%2B" + phone.e164().substring(1));
        if (!jwtPayload(idToken).has("user_id")) {
            assertThat(serverRequests("POST", "/tokeninfo"))
                    .as("profile from /tokeninfo")
                    .hasSize(1);
        }
        assertThat(server.tokeninfo(idToken).path("phone_number").asText()).isEqualTo(phone.e164());
    }

    @Test
    void item14_aWrongCodeShowsWrongPhoneNumberOrVerificationCode() {
        Phone phone = newPhone();
        openLock();
        submitPhone(phone.national());
        browser.waitForText("An SMS with the code has been sent to");
        submitCode(Auth0Js761Test.wrong(server.latestCode(phone.e164())));
        browser.waitForText("Wrong phone number or verification code");
        browser.screenshot("wrong-code");

        assertThat(awaitCallback().get(0))
                .isEqualTo(Map.of(
                        "error", "invalid_user_password", "description", "Wrong phone number or verification code."));
        assertThat(serverRequests("POST", "/tokeninfo")).isEmpty();
    }

    @Test
    void item15_anInvalidNumberShowsThePhoneNumberIsInvalid() {
        openLock();
        submitPhone("555-555 0100");
        browser.waitForText("The phone number is invalid");
        browser.screenshot("invalid-number");

        assertThat(serverRequests("POST", "/passwordless/start"))
                .singleElement()
                .satisfies(r -> assertThat(r.postData()).contains("phone_number=%2B15555550100"));
        assertThat(server.inbox("+15555550100")).as("no SMS recorded").isEmpty();
        assertThat(browser.findAll("input[name=vcode]"))
                .as("still on the phone screen")
                .isEmpty();
    }

    @Test
    void item16_didNotGetTheCodeThenResendKillsTheFirstCode() {
        Phone phone = newPhone();
        openLock();
        int before = server.inbox(phone.e164()).size();
        submitPhone(phone.national());
        browser.waitForText("An SMS with the code has been sent to");
        browser.waitFor("the first SMS", d -> server.inbox(phone.e164()).size() == before + 1);
        String first = server.latestCode(phone.e164());
        browser.driver().findElement(By.linkText("Did not get the code?")).click();
        browser.visible("input[name=phoneNumber]");
        browser.screenshot("back-to-phone");
        browser.find(".auth0-lock-submit").click();
        browser.waitFor("a second SMS", d -> server.inbox(phone.e164()).size() == before + 2);
        browser.waitForText("An SMS with the code has been sent to " + phone.lockDisplay() + ".");
        String second = server.inbox(phone.e164()).get(0).code();

        assertThat(serverRequests("POST", "/passwordless/start")).hasSize(2);
        if (!first.equals(second)) {
            submitCode(first);
            browser.waitForText("Wrong phone number or verification code");
            browser.screenshot("first-code-rejected");
            assertThat(awaitCallback().get(0))
                    .isEqualTo(Map.of(
                            "error",
                            "invalid_user_password",
                            "description",
                            "Wrong phone number or verification code."));
        }
        submitCode(second);
        browser.waitForText("Thanks for signing in.");
        browser.screenshot("second-code-signed-in");
        assertThat(callbacks().get(callbacks().size() - 1).get(0))
                .as("last callback error")
                .isNull();
    }

    @Test
    void item17_theOnlyRequestOffLocalhostIsTheCdnBadge() {
        Phone phone = newPhone();
        openLock();
        signIn(phone);
        browser.screenshot("signed-in");

        List<String> offHost = browser.requests().stream()
                .map(Browser.NetworkRequest::url)
                .filter(u -> u.startsWith("http"))
                .filter(u -> !"localhost".equals(URI.create(u).getHost())
                        && !"127.0.0.1".equals(URI.create(u).getHost()))
                .distinct()
                .toList();
        assertThat(offHost).allSatisfy(u -> assertThat(u).matches("https?://cdn\\.auth0\\.com/.*badge\\.png"));
    }
}
