package org.phonepass.server.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.user.User;
import org.phonepass.server.PhonepassServer;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;
import org.phonepass.server.http.EndpointSet;

/**
 * One browser against a test server's hosted login: its own cookie jar, the app's PKCE values, and a stand-in for the
 * hosted pages' code step ({@code POST /test/sign-in}), which does what the pages do: {@link LoginService#signIn}
 * and then {@link LoginTransactions#complete}.
 */
final class HostedLoginClient {
    static final String SIGN_IN = "/test/sign-in";
    private static final SecureRandom RANDOM = new SecureRandom();

    final TestServer server;
    final HttpClient browser;
    final String verifier;
    final String challenge;

    HostedLoginClient(TestServer server) {
        this.server = server;
        this.browser = server.newBrowser();
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        this.verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        this.challenge = s256(verifier);
    }

    /** The stand-in for the hosted pages' code form: the route the test server adds. */
    static List<EndpointSet.Extra> pages(PhonepassServer.HostedLogin hosted) {
        return List.of(new EndpointSet.Extra(HandlerType.POST, SIGN_IN, ctx -> {
            // The body the server's prefetch filter gathered before the route ran.
            byte[] body = (byte[]) ctx.req().getAttribute("phonepass.body");
            Map<String, String> form = params("?" + new String(body, StandardCharsets.UTF_8), '?');
            LoginTransaction tx = hosted.transactions()
                    .find(form.get("state"))
                    .orElseThrow(() -> new IllegalArgumentException("no transaction"));
            User user = hosted.login()
                    .signIn(
                            new LoginService.SignInCommand(
                                    tx.client(),
                                    form.get("phone"),
                                    form.get("code"),
                                    hosted.address().ip(ctx)),
                            h -> {});
            String next = hosted.transactions().complete(ctx, tx, user);
            ctx.status(303).header("Location", next);
        }));
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Response get(String pathOrUrl) {
        URI uri = pathOrUrl.startsWith("https://") ? URI.create(pathOrUrl) : URI.create(server.base() + pathOrUrl);
        return server.send(browser, HttpRequest.newBuilder(uri).GET());
    }

    Response post(String path, Map<String, String> form) {
        return server.send(
                browser,
                HttpRequest.newBuilder(URI.create(server.base() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(TestServer.form(form))));
    }

    /** The /authorize query spa-js sends for loginWithRedirect, with these extra or replaced parameters. */
    String authorizeUrl(String clientId, String redirectUri, String state, String nonce, String... extra) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", clientId);
        q.put("scope", "openid profile email offline_access");
        q.put("redirect_uri", redirectUri);
        q.put("connection", "sms");
        q.put("response_type", "code");
        q.put("response_mode", "query");
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", challenge);
        q.put("code_challenge_method", "S256");
        q.put("auth0Client", "eyJuYW1lIjoiYXV0aDAtc3BhLWpzIiwidmVyc2lvbiI6IjIuMjguMyJ9");
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                q.remove(extra[i]);
            } else {
                q.put(extra[i], extra[i + 1]);
            }
        }
        return "/authorize?" + TestServer.form(q);
    }

    /** Follows /authorize to the hosted pages, signs in there with a code sent to {@code phone}, and answers the resume URL. */
    String signIn(String authorizeUrl, String clientId, String phone) {
        Response r = get(authorizeUrl);
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(AuthorizeEndpoints.LOGIN_PAGE + "?state=");
        String tx = location.substring(location.indexOf("state=") + 6);
        String code;
        if (clientId.equals(TestServer.CONFIDENTIAL)) {
            // A confidential client sends the code from its backend, with its secret.
            Response started = server.postForm(
                    "/passwordless/start",
                    TestServer.map(
                            "client_id",
                            clientId,
                            "client_secret",
                            TestServer.CONFIDENTIAL_SECRET,
                            "connection",
                            "sms",
                            "phone_number",
                            phone));
            assertThat(started.status()).as(started.body()).isEqualTo(200);
            code = server.latestCode(phone);
        } else {
            code = server.startAndReadCode(clientId, phone);
        }
        Response signedIn = post(SIGN_IN, TestServer.map("state", tx, "phone", phone, "code", code));
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        return signedIn.header("Location");
    }

    /** The query (or fragment) parameters of a URL, decoded. */
    static Map<String, String> params(String url, char separator) {
        Map<String, String> out = new LinkedHashMap<>();
        int at = url.indexOf(separator);
        if (at < 0) {
            return out;
        }
        String part = url.substring(at + 1);
        int hash = part.indexOf('#');
        if (separator == '?' && hash >= 0) {
            part = part.substring(0, hash);
        }
        for (String pair : part.split("&")) {
            int eq = pair.indexOf('=');
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The code exchange as spa-js sends it (form). */
    Response exchange(String clientId, String code, String redirectUri) {
        return server.postForm(
                "/oauth/token",
                TestServer.map(
                        "client_id",
                        clientId,
                        "code_verifier",
                        verifier,
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "redirect_uri",
                        redirectUri));
    }
}
