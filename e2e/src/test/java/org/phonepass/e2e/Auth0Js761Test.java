package org.phonepass.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Items 1-10 of docs/auth0-compatibility.md#what-the-browser-suite-checks: unmodified auth0-js 7.6.1 (bundled from
 * npm) in Chromium against Phonepass.
 */
class Auth0Js761Test extends BrowserTestBase {

    @BeforeEach
    void openHarness() {
        browser.open(site.url("/harness/auth0js.html"));
    }

    private Map<String, Object> start(String phone) {
        return map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient().startPasswordless({phoneNumber: arguments[0]}, function (err, res) {"
                        + "  log('startPasswordless(' + arguments[0] + ') -> ' + JSON.stringify(plain(err) || res));"
                        + "  done({err: plain(err), res: plain(res)});"
                        + "});",
                phone));
    }

    private Map<String, Object> login(String phone, String code) {
        return map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient().login({phoneNumber: arguments[0], passcode: arguments[1]}, function (err, r) {"
                        + "  log('login -> ' + JSON.stringify(plain(err) || r));"
                        + "  done({err: plain(err), result: plain(r), args: arguments.length});"
                        + "});",
                phone,
                code));
    }

    @Test
    void item1_startPasswordlessSendsTheFormWithTelemetryAfterAPreflight() {
        Phone phone = newPhone();
        int before = server.inbox(phone.e164()).size();
        Map<String, Object> r = start(phone.e164());
        browser.screenshot("start-ok");

        assertThat(r.get("err")).as("callback error").isNull();
        List<Browser.NetworkRequest> posts = serverRequests("POST", "/passwordless/start");
        assertThat(posts).hasSize(1);
        Browser.NetworkRequest post = posts.get(0);
        assertThat(post.postData())
                .isEqualTo("client_id=" + server.clientId() + "&phone_number=%2B"
                        + phone.e164().substring(1) + "&connection=sms");
        assertThat(post.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(decodeTelemetry(post.header("Auth0-Client")).toString())
                .isEqualTo("{\"name\":\"auth0.js\",\"version\":\"7.6.1\"}");
        assertThat(serverRequests("OPTIONS", "/passwordless/start"))
                .as("CORS preflight")
                .singleElement()
                .satisfies(p ->
                        assertThat(p.header("Access-Control-Request-Headers")).containsIgnoringCase("auth0-client"));
        // what the server recorded: one SMS with a code for this number
        List<PhonepassUnderTest.Sms> inbox = server.inbox(phone.e164());
        assertThat(inbox).hasSize(before + 1).first().satisfies(m -> {
            assertThat(m.to()).isEqualTo(phone.e164());
            assertThat(m.code()).matches("\\d{4,10}");
            assertThat(m.body()).contains(m.code());
        });
    }

    @Test
    void item2_anInvalidNumberGivesBadPhoneNumberWithADescription() {
        Map<String, Object> r = start("5555");
        browser.screenshot("start-invalid-number");

        Map<String, Object> err = map(r.get("err"));
        assertThat(err).containsEntry("error", "bad.phone_number");
        assertThat((String) err.get("error_description")).isNotBlank();
        assertThat(err).doesNotContainKey("statusCode");
        assertThat(server.inbox("5555")).as("no SMS recorded").isEmpty();
    }

    @Test
    void item3_loginWithTheCodeFromTheInboxGivesTokensForThisClient() {
        Phone phone = newPhone();
        assertThat(start(phone.e164()).get("err")).isNull();
        String code = server.latestCode(phone.e164());
        Map<String, Object> r = login(phone.e164(), code);
        browser.screenshot("login-ok");

        assertThat(r.get("err")).as("login error").isNull();
        assertThat(r.get("args")).as("7.x callback is (err, result)").isEqualTo(2L);
        Map<String, Object> result = map(r.get("result"));
        assertThat((String) result.get("idToken")).isNotBlank();
        assertThat((String) result.get("accessToken")).isNotBlank();
        Map<String, Object> payload = map(result.get("idTokenPayload"));
        Object aud = payload.get("aud");
        assertThat(
                        aud instanceof List<?> list
                                ? list.contains(server.clientId())
                                : server.clientId().equals(aud))
                .as("aud %s contains the client id", aud)
                .isTrue();
        assertThat(payload).containsEntry("iss", server.issuer());
        assertThat((String) payload.get("sub")).startsWith("sms|");

        Browser.NetworkRequest ro = serverRequests("POST", "/oauth/ro").get(0);
        assertThat(ro.postData())
                .contains(
                        "connection=sms",
                        "grant_type=password",
                        "username=%2B" + phone.e164().substring(1),
                        "password=" + code,
                        "client_id=" + server.clientId());
        // what the server recorded: the token belongs to a user with this number
        JsonNode user = server.tokeninfo((String) result.get("idToken"));
        assertThat(user.path("phone_number").asText()).isEqualTo(phone.e164());
        assertThat(user.path("user_id").asText()).isEqualTo(payload.get("sub"));
    }

    @Test
    void item4_aWrongPasscodeIsInvalidUserPassword() {
        Phone phone = newPhone();
        start(phone.e164());
        String code = server.latestCode(phone.e164());
        Map<String, Object> r = login(phone.e164(), wrong(code));
        browser.screenshot("login-wrong-code");

        Map<String, Object> err = map(r.get("err"));
        assertThat(err).containsEntry("status", 401L).containsEntry("code", "invalid_user_password");
        assertThat(map(err.get("details")))
                .containsEntry("error_description", "Wrong phone number or verification code.");
        // the right code still works afterwards: one wrong try does not burn it
        assertThat(login(phone.e164(), code).get("err")).isNull();
    }

    @Test
    void item5_aCodeWorksOnceAndOnlyTheLatestCodeWorks() {
        Phone reused = newPhone();
        start(reused.e164());
        String code = server.latestCode(reused.e164());
        assertThat(login(reused.e164(), code).get("err")).as("first use").isNull();
        assertThat(map(login(reused.e164(), code).get("err")))
                .as("second use")
                .containsEntry("code", "invalid_user_password");

        Phone guessed = newPhone();
        start(guessed.e164());
        String right = server.latestCode(guessed.e164());
        for (int i = 0; i < 3; i++) {
            assertThat(map(login(guessed.e164(), wrong(right)).get("err"))).containsEntry("status", 401L);
        }
        assertThat(map(login(guessed.e164(), right).get("err")))
                .as("right code after three wrong ones")
                .containsEntry("status", 401L)
                .containsEntry("code", "invalid_user_password");

        Phone restarted = newPhone();
        int before = server.inbox(restarted.e164()).size();
        start(restarted.e164());
        String first = server.latestCode(restarted.e164());
        start(restarted.e164());
        List<PhonepassUnderTest.Sms> inbox = server.inbox(restarted.e164());
        assertThat(inbox).as("two SMS recorded").hasSize(before + 2);
        String second = inbox.get(0).code();
        if (!first.equals(second)) {
            assertThat(map(login(restarted.e164(), first).get("err")))
                    .as("the first code after a new start")
                    .containsEntry("code", "invalid_user_password");
        }
        assertThat(login(restarted.e164(), second).get("err"))
                .as("the newest code")
                .isNull();
        browser.screenshot("codes");
    }

    @Test
    void item5_aCodePastItsExpiryFails() {
        Phone phone = newPhone();
        start(phone.e164());
        String code = server.latestCode(phone.e164());
        org.junit.jupiter.api.Assumptions.assumeTrue(
                server.advanceClock(java.time.Duration.ofSeconds(181)), "the server under test has no settable clock");
        Map<String, Object> r = login(phone.e164(), code);
        browser.screenshot("expired-code");

        assertThat(map(r.get("err")))
                .as("a 180 s code used 181 s later")
                .containsEntry("status", 401L)
                .containsEntry("code", "invalid_user_password");
        start(phone.e164());
        assertThat(login(phone.e164(), server.latestCode(phone.e164())).get("err"))
                .as("a fresh code")
                .isNull();
    }

    @Test
    void item6_getProfilePostsToTokeninfoAndGetsTheSmsProfile() {
        Phone phone = newPhone();
        start(phone.e164());
        Map<String, Object> login =
                map(login(phone.e164(), server.latestCode(phone.e164())).get("result"));
        String idToken = (String) login.get("idToken");
        boolean tokenHasUserId = jwtPayload(idToken).has("user_id");
        browser.forgetNetwork();
        Map<String, Object> r = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient().getProfile(arguments[0], function (err, profile) {"
                        + "  log('getProfile -> ' + JSON.stringify(plain(err) || profile));"
                        + "  done({err: plain(err), profile: profile});"
                        + "});",
                idToken));
        browser.screenshot("profile");

        assertThat(r.get("err")).isNull();
        Map<String, Object> profile = map(r.get("profile"));
        assertThat((String) profile.get("user_id")).startsWith("sms|");
        assertThat(profile).containsEntry("phone_number", phone.e164()).containsEntry("phone_verified", true);
        List<?> identities = (List<?>) profile.get("identities");
        assertThat(map(identities.get(0))).containsEntry("provider", "sms");
        if (!tokenHasUserId) {
            assertThat(serverRequests("POST", "/tokeninfo"))
                    .singleElement()
                    .satisfies(t -> assertThat(t.postData()).isEqualTo("id_token=" + idToken));
            assertThat(serverRequests("OPTIONS", "/tokeninfo"))
                    .as("tokeninfo is a simple request")
                    .isEmpty();
        }
    }

    @Test
    void item7_getUserInfoPostsToUserinfoWithTheAccessToken() {
        Phone phone = newPhone();
        start(phone.e164());
        Map<String, Object> login =
                map(login(phone.e164(), server.latestCode(phone.e164())).get("result"));
        browser.forgetNetwork();
        Map<String, Object> r = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient().getUserInfo(arguments[0], function (err, info) {"
                        + "  log('getUserInfo -> ' + JSON.stringify(plain(err) || info));"
                        + "  done({err: plain(err), info: info});"
                        + "});",
                login.get("accessToken")));
        browser.screenshot("userinfo");

        assertThat(r.get("err")).isNull();
        assertThat(map(r.get("info")).get("sub"))
                .isEqualTo(map(login.get("idTokenPayload")).get("sub"));
        assertThat(serverRequests("POST", "/userinfo"))
                .singleElement()
                .satisfies(u -> assertThat(u.header("Authorization")).isEqualTo("Bearer " + login.get("accessToken")));
    }

    @Test
    void item8_theArticlesLoginWithPhoneThrowsAndSendsNothing() {
        Phone phone = newPhone();
        browser.forgetNetwork();
        Map<String, Object> r = map(browser.script(
                "try { newClient().login({phone: arguments[0], passcode: '123456'}, function () {});"
                        + "  return {threw: false}; }"
                        + "catch (e) { log('login({phone, passcode}) threw: ' + e.message); return {threw: true, message: e.message}; }",
                phone.e164()));
        browser.screenshot("phone-pitfall");

        assertThat(r)
                .containsEntry("threw", true)
                .containsEntry("message", "email or phoneNumber is required for authentication");
        assertThat(serverRequests()).as("no request reached the server").isEmpty();
    }

    @Test
    void item10_redirectModeVerifiesThenLandsOnTheCallbackWithTokens() {
        Phone phone = newPhone();
        assertThat(start(phone.e164()).get("err")).isNull();
        String code = server.latestCode(phone.e164());
        // The client's registered callback: the sample app's page, which loads the same auth0-js 7.6.1 bundle.
        String callback = site.origin() + "/";
        browser.forgetNetwork();
        browser.script(
                "newClient({callbackURL: arguments[2], responseType: 'token'})"
                        + ".login({phoneNumber: arguments[0], passcode: arguments[1]}, function (err) {"
                        + "  log('redirect-mode login error -> ' + JSON.stringify(plain(err)));"
                        + "});",
                phone.e164(),
                code,
                callback);
        String landed = browser.waitFor(
                "the browser to land on the callback with tokens",
                d -> d.getCurrentUrl().startsWith(callback + "#") ? d.getCurrentUrl() : null);

        assertThat(landed).contains("access_token=", "id_token=", "token_type=Bearer");
        Map<String, Object> parsed = map(browser.script(
                "var result = new Auth0({domain: AUTH0_DOMAIN, clientID: AUTH0_CLIENT_ID, callbackURL: arguments[0],"
                        + " responseType: 'token'}).parseHash(window.location.hash);"
                        + "var shown = document.createElement('pre'); shown.id = 'parsed';"
                        + "shown.textContent = 'parseHash on the callback page -> ' + JSON.stringify(result && {"
                        + "  error: result.error, accessToken: result.accessToken ? '(present)' : null,"
                        + "  idTokenPayload: result.idTokenPayload && {iss: result.idTokenPayload.iss,"
                        + "    aud: result.idTokenPayload.aud, sub: result.idTokenPayload.sub}}, null, 2);"
                        + "document.body.insertBefore(shown, document.body.firstChild);"
                        + "return JSON.parse(JSON.stringify(result));",
                callback));
        // The parsed result is shown without the tokens themselves.
        browser.screenshot("redirect-landed-parsehash");
        assertThat(parsed).as("parseHash result").isNotNull().doesNotContainKey("error");
        assertThat((String) parsed.get("accessToken")).isNotBlank();
        Map<String, Object> payload = map(parsed.get("idTokenPayload"));
        assertThat(payload).containsEntry("iss", server.issuer());
        assertThat((String) payload.get("sub")).startsWith("sms|");

        // Step 1: the XHR, as docs/auth0-compatibility.md#the-legacy-redirect-flow describes it, without client_id.
        Browser.NetworkRequest verify =
                serverRequests("POST", "/passwordless/verify").get(0);
        assertThat(verify.postData())
                .isEqualTo(
                        "connection=sms&phone_number=%2B" + phone.e164().substring(1) + "&verification_code=" + code);
        assertThat(verify.postData()).doesNotContain("client_id");
        // Step 2: a top-level navigation carrying the client, the callback and the same code.
        assertThat(serverRequests("GET", "/passwordless/verify_redirect"))
                .singleElement()
                .satisfies(nav -> {
                    assertThat(nav.type()).isEqualTo("Document");
                    assertThat(nav.url())
                            .contains(
                                    "client_id=" + server.clientId(),
                                    "response_type=token",
                                    "redirect_uri="
                                            + java.net.URLEncoder.encode(
                                                    callback, java.nio.charset.StandardCharsets.UTF_8),
                                    "verification_code=" + code);
                });
        // What the server recorded: the id_token is its own, for a user with this number.
        assertThat(server.tokeninfo((String) parsed.get("idToken"))
                        .path("phone_number")
                        .asText())
                .isEqualTo(phone.e164());
    }

    static String wrong(String code) {
        StringBuilder b = new StringBuilder(code);
        b.setCharAt(0, code.charAt(0) == '9' ? '1' : (char) (code.charAt(0) + 1));
        return b.toString();
    }

    @Test
    void item9_forceJsonpStartsAndLogsInThroughScriptTags() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                server.jsonpClientId() != null,
                "the server under test has no allow_jsonp client (-Dphonepass.e2e.jsonpClientId)");
        Phone phone = newPhone();
        String jsonp = server.jsonpClientId();
        Map<String, Object> ok = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient({clientID: arguments[1], forceJSONP: true})"
                        + ".startPasswordless({phoneNumber: arguments[0]}, function (err, res) {"
                        + "  log('JSONP start -> ' + JSON.stringify(err || res)); done({err: plain(err), res: res}); });",
                phone.e164(),
                jsonp));
        assertThat(ok.get("err")).isNull();
        assertThat(ok.get("res")).isEqualTo(true);
        Map<String, Object> bad = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient({clientID: arguments[0], forceJSONP: true})"
                        + ".startPasswordless({phoneNumber: '5555'}, function (err) {"
                        + "  log('JSONP start 5555 -> ' + JSON.stringify(err)); done({err: err}); });",
                jsonp));
        assertThat(bad.get("err")).as("JSONP start error is just the code").isEqualTo("bad.phone_number");
        String code = server.latestCode(phone.e164());
        Map<String, Object> login = map(browser.asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "newClient({clientID: arguments[2], forceJSONP: true})"
                        + ".login({phoneNumber: arguments[0], passcode: arguments[1]}, function (err, r) {"
                        + "  log('JSONP login -> ' + JSON.stringify(plain(err) || r)); done({err: plain(err), result: plain(r)}); });",
                phone.e164(),
                code,
                jsonp));
        browser.screenshot("jsonp");

        assertThat(login.get("err")).isNull();
        Map<String, Object> result = map(login.get("result"));
        assertThat(map(result.get("idTokenPayload"))).containsEntry("iss", server.issuer());
        assertThat(server.tokeninfo((String) result.get("idToken"))
                        .path("phone_number")
                        .asText())
                .isEqualTo(phone.e164());
        List<Browser.NetworkRequest> gets = serverRequests("GET", "/passwordless/start");
        assertThat(gets).hasSize(2).allSatisfy(g -> assertThat(g.url()).contains("cbx=__auth0jp"));
        assertThat(serverRequests("GET", "/oauth/ro"))
                .singleElement()
                .satisfies(g -> assertThat(g.url()).contains("cbx=__auth0jp", "connection=sms"));
        assertThat(serverRequests("POST", "/passwordless/start"))
                .as("no XHR in JSONP mode")
                .isEmpty();
    }
}
