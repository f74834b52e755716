package org.phonepass.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.phonepass.server.PhonepassServer;
import org.phonepass.server.config.ConfigLoader;
import org.phonepass.server.config.Settings;
import org.phonepass.server.tls.TlsMaterial;

/**
 * A real Phonepass server in this JVM: dev mode, HTTPS with its generated dev certificate on a free port, a temp
 * data folder with embedded storage, the dev SMS inbox, and one SPA client that allows the test page's origin.
 */
final class InProcessPhonepass extends PhonepassUnderTest {

    static final String CLIENT_ID = "e2e-spa";
    static final String JSONP_CLIENT_ID = "e2e-jsonp";
    /** The number that may sign in to the admin console (outside BrowserTestBase's +1 201-555-01xx). */
    static final String ADMIN_PHONE = "+12015550200";

    private final PhonepassServer server;
    private final Path dataDir;
    private final ShiftableClock clock;

    private InProcessPhonepass(PhonepassServer server, Path dataDir, ShiftableClock clock) {
        this.server = server;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    static PhonepassUnderTest launch(String pageOrigin) {
        return launch(pageOrigin, "");
    }

    /** @param moreClients further entries of the clients: list, as YAML lines, each item starting "  - " */
    static InProcessPhonepass launch(String pageOrigin, String moreClients) {
        try {
            Path dir = Files.createTempDirectory("phonepass-e2e-server-");
            Path file = dir.resolve("settings.yaml");
            Files.writeString(file, """
                    mode: dev
                    https_port: 0
                    bind_address: 127.0.0.1
                    data_dir: %s
                    storage:
                      type: embedded
                    clients:
                      - client_id: %s
                        name: Browser suite SPA
                        allowed_origins: [%s]
                        callbacks: [%s/, %s/auth0js9.html]
                        grants: [password, passwordless_otp, refresh_token, authorization_code, implicit]
                        cross_origin_authentication: true
                      - client_id: %s
                        name: Browser suite JSONP page
                        allow_jsonp: true
                        allowed_origins: [%s]
                      - client_id: e2e-embedded
                        name: Browser suite embedded login
                        allowed_origins: [%s]
                        callbacks: [%s/harness/auth0js9.html, %s/harness/auth0js10.html, %s/harness/lock11.html,
                                    %s/harness/lock12.html, %s/harness/lock14.html]
                        grants: [implicit, passwordless_otp, refresh_token]
                        cross_origin_authentication: true
                    %s
                    sms:
                      provider: dev
                      code_length: 6
                      code_ttl: 180s
                      max_attempts: 3
                      template: "Your verification code is: @@password@@"
                    admin:
                      phone_numbers: ["%s"]
                      currency: EUR
                      sms_prices: {US: 0.0079, default: 0.05}
                    """.formatted(
                            dir.resolve("data"),
                            CLIENT_ID,
                            pageOrigin,
                            pageOrigin,
                            pageOrigin,
                            JSONP_CLIENT_ID,
                            pageOrigin,
                            pageOrigin,
                            pageOrigin,
                            pageOrigin,
                            pageOrigin,
                            pageOrigin,
                            pageOrigin,
                            moreClients.stripTrailing(),
                            ADMIN_PHONE));
            Settings settings = new ConfigLoader().load(file, Map.of());
            ShiftableClock clock = new ShiftableClock();
            PhonepassServer server = new PhonepassServer(settings, clock).start();
            return new InProcessPhonepass(server, dir, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String domain() {
        return "localhost:" + server.httpsPort();
    }

    @Override
    public String clientId() {
        return CLIENT_ID;
    }

    @Override
    public boolean advanceClock(Duration by) {
        clock.shift(by);
        return true;
    }

    @Override
    public String jsonpClientId() {
        return JSONP_CLIENT_ID;
    }

    /** The server's TLS key and certificate (a test site on the same host may serve with them). */
    TlsMaterial tls() {
        return server.tls();
    }

    @Override
    public X509Certificate certificate() {
        return server.tls().certificate();
    }

    /** The system clock plus an offset that tests move forward, to let codes expire without waiting. */
    static final class ShiftableClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void shift(Duration by) {
            offset.accumulateAndGet(by, Duration::plus);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the server clock is UTC");
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }
}
