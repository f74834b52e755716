package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.server.TestServer.map;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer;
import org.phonepass.server.TestServer.Response;

/**
 * Branding from the settings (product name, logo file, colour, a client's own logo) and the bot check of the abuse
 * settings on the number page, verified by a local stand-in for the vendor's siteverify endpoint.
 */
class HostedBrandingAndBotCheckTest {
    private static final TestLoginTransactions TRANSACTIONS = new TestLoginTransactions();
    private static final List<String> VERIFIED = new CopyOnWriteArrayList<>();
    private static HttpServer siteverify;
    private static TestServer server;
    private static Path logo;

    @BeforeAll
    static void start() throws IOException {
        siteverify = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        siteverify.createContext("/siteverify", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            VERIFIED.add(form);
            byte[] body =
                    ("{\"success\": " + form.contains("response=good-token") + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        siteverify.start();
        logo = Files.createTempFile("acme-logo", ".png");
        Files.write(logo, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        String yaml = TestServer.DEFAULT_YAML.replace(
                        "    callbacks: [http://localhost:3000/]\n",
                        "    callbacks: [http://localhost:3000/]\n    logo_uri: https://cdn.acme.example/app.png\n")
                + """
                http:
                  trusted_proxies: [127.0.0.1/32, "::1/128"]
                hosted:
                  product_name: Acme Login
                  primary_color: "#0f5132"
                  logo_file: %s
                  bot_check_site_key: 0x4AAAAAAAtestkey
                limits:
                  bot_check:
                    enabled: true
                    siteverify_url: http://127.0.0.1:%d/siteverify
                    secret: bot-secret
                    timeout: 2s
                """.formatted(logo, siteverify.getAddress().getPort());
        server = new TestServer(yaml, null, s -> s.loginTransactions(TRANSACTIONS));
        TRANSACTIONS.attach(server.server().clients(), server.clock);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        siteverify.stop(0);
        Files.deleteIfExists(logo);
    }

    @Test
    void thePagesWearTheProductsAndTheAppsBrand() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        Response page = new PageSession(server, "en").get("/u/login?state=" + tx);
        assertThat(page.body())
                .contains("<span class=\"pp-product\">Acme Login</span>")
                .contains("src=\"https://cdn.acme.example/app.png\"")
                .contains("Secured by Acme Login");
        assertThat(page.header("Content-Security-Policy"))
                .contains("img-src 'self' data: ")
                .contains("https://cdn.acme.example");
        Matcher brand =
                Pattern.compile("href=\"(/u/assets/brand\\.[0-9a-f]+\\.css)\"").matcher(page.body());
        assertThat(brand.find()).isTrue();
        assertThat(server.get(brand.group(1)).body()).contains("--pp-primary:#0f5132");

        // A page for no app (the error page) shows the product's own logo file, served from the asset path.
        Response error = server.get("/u/login?state=gone");
        Matcher file = Pattern.compile("src=\"(/u/assets/brand-logo\\.[0-9a-f]+\\.png)\"")
                .matcher(error.body());
        assertThat(file.find()).as(error.body()).isTrue();
        Response png = server.get(file.group(1));
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.header("Content-Type")).isEqualTo("image/png");
    }

    @Test
    void withTheBotCheckOnTheWidgetIsShownAndItsTokenIsVerifiedForTheCallersAddress() {
        String tx = TRANSACTIONS.open(TestServer.SPA, List.of(), null);
        PageSession browser = new PageSession(server, "en").from("203.0.113.77");
        Response page = browser.get("/u/login?state=" + tx);
        assertThat(page.body())
                .contains("data-sitekey=\"0x4AAAAAAAtestkey\"")
                .containsPattern("<script src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\" nonce=")
                .contains("<noscript>");
        assertThat(page.header("Content-Security-Policy"))
                .containsPattern("script-src 'nonce-[^']+' https://challenges.cloudflare.com;")
                .contains("frame-src https://challenges.cloudflare.com;");

        Response without = browser.post(
                "/u/login?state=" + tx, map("csrf", PageSession.csrf(page), "country", "US", "phone", "2015550911"));
        assertThat(without.status()).isEqualTo(400);
        assertThat(without.body()).contains("The check that you are a person failed.");
        Response bad = browser.post(
                "/u/login?state=" + tx,
                map(
                        "csrf", PageSession.csrf(without),
                        "country", "US",
                        "phone", "2015550911",
                        "cf-turnstile-response", "forged"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(server.get("/dev/sms.json?to=%2B12015550911").json().size()).isZero();

        Response good = browser.post(
                "/u/login?state=" + tx,
                map(
                        "csrf", PageSession.csrf(bad),
                        "country", "US",
                        "phone", "2015550911",
                        "cf-turnstile-response", "good-token"));
        assertThat(good.status()).as(good.body()).isEqualTo(303);
        assertThat(VERIFIED)
                .anySatisfy(form -> assertThat(form)
                        .contains("secret=bot-secret")
                        .contains("response=good-token")
                        .contains("remoteip=203.0.113.77"));
        assertThat(server.get("/dev/sms.json?to=%2B12015550911").json().size()).isEqualTo(1);
    }
}
