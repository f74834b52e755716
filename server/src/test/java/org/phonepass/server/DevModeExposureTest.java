package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.server.TestServer.Response;
import org.phonepass.server.config.ConfigLoader;

/**
 * Dev mode keeps every live code in its inbox, so it is reachable from this machine only, and no web page on
 * another origin may read it (docs/security.md, "Dev mode exposure").
 */
class DevModeExposureTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void devInboxWhenForeignOriginThenNoCorsHeader() {
        server.startAndReadCode(TestServer.SPA, "+12015550901");
        Response r = server.get("/dev/sms.json?to=%2B12015550901", "Origin", "https://evil.example");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void devInboxWhenDevClientOriginThenThatOriginOnlyWithoutCredentials() {
        Response r = server.get("/dev/sms.json?to=%2B12015550902", "Origin", TestServer.SPA_ORIGIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TestServer.SPA_ORIGIN);
        assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void devModeWhenNoBindAddressThenLoopbackAndProductionStaysOnAllInterfaces() {
        assertThat(new ConfigLoader().load(null, Map.of()).bindAddress()).isEqualTo("127.0.0.1");
        assertThat(new ConfigLoader()
                        .load(null, Map.of("PHONEPASS_BIND_ADDRESS", "0.0.0.0"))
                        .bindAddress())
                .isEqualTo("0.0.0.0");
        assertThat(new ConfigLoader()
                        .load(null, Map.of("PHONEPASS_MODE", "production"))
                        .bindAddress())
                .isEqualTo("0.0.0.0");
    }

    @Test
    void devModeWhenReachedOnANetworkAddressThenRefused() throws IOException {
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        assumeTrue(external.isPresent(), "this machine has no network address besides loopback");
        int port = server.server().httpsPort();
        try (Socket local = new Socket()) {
            local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        assertThatThrownBy(() -> {
                    try (Socket remote = new Socket()) {
                        remote.connect(new InetSocketAddress(external.get(), port), 2000);
                    }
                })
                .isInstanceOf(IOException.class);
    }
}
