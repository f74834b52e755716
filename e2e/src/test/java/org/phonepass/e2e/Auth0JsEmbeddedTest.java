package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unmodified auth0-js 9.32.0 and 10.2.1 (from npm) in Chromium against Phonepass, the embedded SMS login of
 * docs/spa.md#cross-origin-authentication: passwordlessStart, passwordlessLogin by redirect (parseHash with its full
 * id_token check: RS256 signature against the JWKS, iss, aud, nonce, exp, at_hash) and in the hidden iframe,
 * client.userInfo, checkSession from the server session, and logout. This Chromium blocks third-party cookies by
 * default, as Safari and incognito windows do: the logins work there too (docs/spa.md#third-party-cookies), and
 * checkSession, which needs the session cookie in a third-party iframe, runs in a profile that allows them.
 */
class Auth0JsEmbeddedTest extends BrowserTestBase {

    private String page(String major) {
        return site.url("/harness/auth0js" + major + ".html");
    }

    private Map<String, Object> start(String phone) {
        return map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newWebAuth().passwordlessStart({connection: 'sms', send: 'code', phoneNumber: arguments[0]},"
                        + "  function (err, res) {"
                        + "    log('passwordlessStart -> ' + JSON.stringify(plain(err) || res));"
                        + "    done({err: plain(err), res: plain(res)});"
                        + "  });",
                phone));
    }

    private Map<String, Object> popupLogin(String phone, String code) {
        return map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newWebAuth().passwordlessLogin({connection: 'sms', phoneNumber: arguments[0],"
                        + "  verificationCode: arguments[1], popup: true}, function (err, r) {"
                        + "    log('passwordlessLogin(popup) -> ' + JSON.stringify(plain(err) || r));"
                        + "    done({err: plain(err), result: plain(r)});"
                        + "  });",
                phone,
                code));
    }

    private Map<String, Object> checkSession() {
        return map(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "newWebAuth().checkSession({}, function (err, r) {"
                + "  log('checkSession -> ' + JSON.stringify(plain(err) || r));"
                + "  done({err: plain(err), result: plain(r)});"
                + "});"));
    }

    @ParameterizedTest(name = "auth0-js {0}")
    @ValueSource(strings = {"9", "10"})
    void redirectLoginParseHashUserInfoCheckSessionAndLogout(String major) {
        useBrowserAllowingThirdPartyCookies();
        Phone phone = newPhone();
        browser.open(page(major));
        Map<String, Object> started = start(phone.e164());
        assertThat(started.get("err")).as("passwordlessStart error").isNull();
        browser.screenshot("1-code-sent");
        String code = server.latestCode(phone.e164());

        // Redirect mode: /co/authenticate, then a top-level navigation to /authorize that comes back with tokens.
        browser.script(
                "newWebAuth().passwordlessLogin({connection: 'sms', phoneNumber: arguments[0],"
                        + " verificationCode: arguments[1]}, function (err) {"
                        + "  log('passwordlessLogin -> ' + JSON.stringify(plain(err)));"
                        + "});",
                phone.e164(),
                code);
        browser.waitFor(
                "the redirect back with tokens",
                Duration.ofSeconds(20),
                d -> d.getCurrentUrl().contains("#access_token=") ? true : null);
        Browser.NetworkRequest co = serverRequests("POST", "/co/authenticate").get(0);
        assertThat(PhonepassUnderTest.json(co.postData()).toString())
                .isEqualTo("{\"client_id\":\"e2e-embedded\",\"username\":\"" + phone.e164() + "\",\"otp\":\"" + code
                        + "\",\"realm\":\"sms\",\"credential_type\":"
                        + "\"http://auth0.com/oauth/grant-type/passwordless/otp\"}");
        Map<String, Object> parsed = map(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "newWebAuth().parseHash(function (err, r) {"
                + "  log('parseHash -> ' + JSON.stringify(plain(err) || r));"
                + "  done({err: plain(err), result: plain(r)});"
                + "});"));
        browser.screenshot("2-parsed-hash");
        assertThat(parsed.get("err")).as("parseHash error").isNull();
        Map<String, Object> result = map(parsed.get("result"));
        assertThat(result).containsKeys("accessToken", "idToken", "expiresIn").containsEntry("tokenType", "Bearer");
        Map<String, Object> payload = map(result.get("idTokenPayload"));
        assertThat(payload)
                .containsEntry("iss", server.issuer())
                .containsEntry("aud", "e2e-embedded")
                .containsEntry("phone_number", phone.e164())
                .containsEntry("phone_number_verified", true)
                .containsKeys("nonce", "at_hash", "sid", "auth_time");

        Map<String, Object> info = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newWebAuth().client.userInfo(arguments[0], function (err, p) {"
                        + "  log('userInfo -> ' + JSON.stringify(plain(err) || p));"
                        + "  done({err: plain(err), profile: p});"
                        + "});",
                result.get("accessToken")));
        assertThat(info.get("err")).isNull();
        assertThat(map(info.get("profile")))
                .containsEntry("sub", payload.get("sub"))
                .containsEntry("phone_number", phone.e164());

        // The session /authorize started answers checkSession (a hidden iframe, prompt=none, web_message).
        Map<String, Object> silent = checkSession();
        browser.screenshot("3-check-session");
        assertThat(silent.get("err")).as("checkSession error").isNull();
        assertThat(map(map(silent.get("result")).get("idTokenPayload"))).containsEntry("sub", payload.get("sub"));

        browser.script("newWebAuth().logout({returnTo: pageUrl});");
        browser.waitFor(
                "the way back from logout",
                Duration.ofSeconds(20),
                d -> d.getCurrentUrl().equals(page(major)) ? true : null);
        browser.screenshot("4-logged-out");
        Map<String, Object> after = checkSession();
        assertThat(map(after.get("err"))).containsEntry("error", "login_required");
    }

    @ParameterizedTest(name = "auth0-js {0}")
    @ValueSource(strings = {"9", "10"})
    void iframeLoginRefusesAWrongCodeWithAuth0sErrorThenSignsIn(String major) {
        Phone phone = newPhone();
        browser.open(page(major));
        assertThat(start(phone.e164()).get("err")).isNull();
        String code = server.latestCode(phone.e164());
        String wrong = code.equals("000000") ? "111111" : "000000";

        Map<String, Object> refused = popupLogin(phone.e164(), wrong);
        browser.screenshot("1-wrong-code");
        assertThat(map(refused.get("err")))
                .containsEntry("code", "access_denied")
                .containsEntry("description", "Wrong phone number or verification code.")
                .containsEntry("error", "access_denied")
                .containsEntry("error_description", "Wrong phone number or verification code.");

        Map<String, Object> ok = popupLogin(phone.e164(), code);
        browser.screenshot("2-signed-in");
        assertThat(ok.get("err")).as("passwordlessLogin(popup) error").isNull();
        Map<String, Object> result = map(ok.get("result"));
        assertThat(result).containsKeys("accessToken", "idToken");
        // The web_message result is camel-cased by auth0-js, the payload included.
        assertThat(map(result.get("idTokenPayload")))
                .containsEntry("phoneNumber", phone.e164())
                .containsEntry("phoneNumberVerified", true);
        assertThat(serverRequests("GET", "/authorize"))
                .anySatisfy(
                        r -> assertThat(r.url()).contains("login_ticket=", "response_mode=web_message", "prompt=none"));
        // Third-party cookies are blocked here: the session cookie never reaches checkSession's iframe.
        assertThat(map(checkSession().get("err"))).containsEntry("error", "login_required");
    }

    @ParameterizedTest(name = "auth0-js {0}")
    @ValueSource(strings = {"9", "10"})
    void redirectLoginWhenThirdPartyCookiesBlocked(String major) {
        Phone phone = newPhone();
        browser.open(page(major));
        assertThat(start(phone.e164()).get("err")).isNull();
        String code = server.latestCode(phone.e164());
        browser.script(
                "newWebAuth().passwordlessLogin({connection: 'sms', phoneNumber: arguments[0],"
                        + " verificationCode: arguments[1]}, function (err) {"
                        + "  log('passwordlessLogin -> ' + JSON.stringify(plain(err)));"
                        + "});",
                phone.e164(),
                code);
        browser.waitFor(
                "the redirect back with tokens",
                Duration.ofSeconds(20),
                d -> d.getCurrentUrl().contains("#access_token=") ? true : null);
        Map<String, Object> parsed = map(browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "newWebAuth().parseHash(function (err, r) {"
                + "  log('parseHash -> ' + JSON.stringify(plain(err) || r));"
                + "  done({err: plain(err), result: plain(r)});"
                + "});"));
        browser.screenshot("1-parsed-hash");
        assertThat(parsed.get("err")).as("parseHash error").isNull();
        assertThat(map(map(parsed.get("result")).get("idTokenPayload"))).containsEntry("phone_number", phone.e164());
    }
}
