package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** phonepass.js, loaded from the server's /js/phonepass.js, against the real server: promise forms and errors. */
class PhonepassSdkTest extends BrowserTestBase {

    private void openHarness(String origin) {
        browser.open(origin + "/harness/sdk.html");
        Object loaded = browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "sdkLoaded.then(function () { done(true); }, function (e) { done(String(e)); });");
        assertThat(loaded).as("phonepass.js loaded from the server").isEqualTo(true);
    }

    private Object run(String body, Object... args) {
        return browser.asyncScript(
                "var done = arguments[arguments.length - 1]; var args = arguments;"
                        + "var auth0 = new Phonepass({domain: AUTH0_DOMAIN, clientID: AUTH0_CLIENT_ID});"
                        + "Promise.resolve().then(function () {" + body + "})"
                        + ".then(function (v) { log('ok ' + JSON.stringify(v)); done({ok: v}); },"
                        + "      function (e) { log('error ' + JSON.stringify(plain(e))); done({err: plain(e)}); });",
                args);
    }

    @Test
    void theServerServesTheSdkAndItDefinesAuth0AndPhonepass() {
        openHarness(site.origin());
        assertThat(browser.script("return window.Auth0 === window.Phonepass && typeof Phonepass.version"))
                .isEqualTo("string");
        List<JsonNode> responses = browser.networkEvents("Network.responseReceived").stream()
                .filter(e -> e.path("params")
                        .path("response")
                        .path("url")
                        .asText()
                        .equals(server.baseUrl() + "/js/phonepass.js"))
                .toList();
        assertThat(responses).hasSize(1);
        JsonNode response = responses.get(0).path("params").path("response");
        assertThat(response.path("status").asInt()).isEqualTo(200);
        assertThat(response.path("mimeType").asText()).isEqualTo("text/javascript");
        browser.screenshot("sdk-loaded");
    }

    @Test
    void thePromiseFormsSignInAndReadTheProfile() {
        openHarness(site.origin());
        Phone phone = newPhone();
        Map<String, Object> started = map(run("return auth0.startPasswordless({phoneNumber: args[0]});", phone.e164()));
        assertThat(started).containsKey("ok");
        String code = server.latestCode(phone.e164());
        Map<String, Object> r =
                map(map(run("return auth0.login({phoneNumber: args[0], passcode: args[1]});", phone.e164(), code))
                        .get("ok"));
        browser.screenshot("signed-in");

        Map<String, Object> profile = map(r.get("profile"));
        assertThat((String) profile.get("user_id")).startsWith("sms|");
        assertThat(profile).containsEntry("phone_number", phone.e164()).containsEntry("phone_verified", true);
        Map<String, Object> payload = map(r.get("idTokenPayload"));
        assertThat(payload).containsEntry("iss", server.issuer()).containsEntry("sub", profile.get("user_id"));
        assertThat(server.tokeninfo((String) r.get("idToken")).path("user_id").asText())
                .isEqualTo(profile.get("user_id"));
        Browser.NetworkRequest ro = serverRequests("POST", "/oauth/ro").get(0);
        assertThat(ro.postData())
                .isEqualTo("client_id=" + server.clientId() + "&connection=sms&grant_type=password" + "&username=%2B"
                        + phone.e164().substring(1) + "&password=" + code + "&scope=openid");
        assertThat(decodeTelemetry(ro.header("Auth0-Client")).path("name").asText())
                .isEqualTo("phonepass.js");
        if (!jwtPayload((String) r.get("idToken")).has("user_id")) {
            assertThat(serverRequests("POST", "/tokeninfo")).hasSize(1);
        }

        Map<String, Object> info = map(map(run("return auth0.getUserInfo(args[0]);", r.get("accessToken")))
                .get("ok"));
        assertThat(info).containsEntry("sub", profile.get("user_id"));
        assertThat(serverRequests("GET", "/userinfo"))
                .singleElement()
                .satisfies(u -> assertThat(u.header("Authorization")).isEqualTo("Bearer " + r.get("accessToken")));
    }

    @Test
    void theArticlesCallbackFormGetsProfileIdTokenAndAccessToken() {
        openHarness(site.origin());
        Phone phone = newPhone();
        run("return auth0.startPasswordless({phoneNumber: args[0]});", phone.e164());
        String code = server.latestCode(phone.e164());
        Map<String, Object> r = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "var auth0 = new Auth0({domain: AUTH0_DOMAIN, clientID: AUTH0_CLIENT_ID});"
                        + "const phone = arguments[0]; const passcode = arguments[1];"
                        + "auth0.login({phone,passcode},function(err, profile, id_token, access_token){"
                        + "  done({err: plain(err), name: profile && profile.name, id_token: id_token, access_token: access_token,"
                        + "        count: arguments.length}); });",
                phone.e164(),
                code));
        browser.screenshot("callback-form");

        assertThat(r.get("err")).isNull();
        assertThat((String) r.get("id_token")).isNotBlank();
        assertThat((String) r.get("access_token")).isNotBlank();
        JsonNode user = server.tokeninfo((String) r.get("id_token"));
        assertThat(r.get("name")).isEqualTo(user.path("name").asText());
        assertThat(user.path("phone_number").asText()).isEqualTo(phone.e164());
    }

    @Test
    void serverErrorsKeepErrorAndErrorDescription() {
        openHarness(site.origin());
        Map<String, Object> bad = map(map(run("return auth0.startPasswordless({phoneNumber: '+15555550100'});"))
                .get("err"));
        assertThat(bad).containsEntry("error", "bad.phone_number").containsEntry("statusCode", 400L);
        assertThat((String) bad.get("error_description")).isNotBlank();
        assertThat(bad.get("message")).isEqualTo(bad.get("error_description"));

        Phone phone = newPhone();
        run("return auth0.startPasswordless({phoneNumber: args[0]});", phone.e164());
        String wrong = Auth0Js761Test.wrong(server.latestCode(phone.e164()));
        Map<String, Object> err =
                map(map(run("return auth0.login({phone: args[0], passcode: args[1]});", phone.e164(), wrong))
                        .get("err"));
        browser.screenshot("errors");
        assertThat(err)
                .containsEntry("error", "invalid_user_password")
                .containsEntry("status", 401L)
                .containsEntry("message", "Wrong phone number or verification code.");
    }

    @Test
    void aPageOriginNoClientAllowsCannotCallTheServer() {
        // http://127.0.0.1:PORT is a different origin from the allowed http://localhost:PORT
        String other = "http://127.0.0.1:" + site.port();
        openHarness(other);
        Phone phone = newPhone();
        Map<String, Object> err = map(map(run("return auth0.startPasswordless({phoneNumber: args[0]});", phone.e164()))
                .get("err"));
        browser.screenshot("origin-refused");

        assertThat(err).containsEntry("error", "network_error");
        assertThat(server.inbox(phone.e164()))
                .as("no SMS sent for a refused origin")
                .isEmpty();
    }
}
