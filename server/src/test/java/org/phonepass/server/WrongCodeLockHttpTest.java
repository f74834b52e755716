package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;

/**
 * Issue 16 #2 over real HTTPS with the default limits: wrong guesses from many addresses, with no live code and at
 * live codes, cannot lock the owner out of their number (docs/security.md#wrong-code-limit). The server trusts the
 * local peer as a proxy, so each request speaks from the address in {@code X-Forwarded-For}.
 */
class WrongCodeLockHttpTest {
    private static final String OWNER_IP = "192.0.2.10";
    private static TestServer server;
    private int nextAddress;

    @BeforeAll
    static void start() {
        server = new TestServer(TestServer.DEFAULT_YAML + AbuseLimitsHttpTest.TRUST_LOCAL, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A fresh address on a fresh network for every request. */
    private String freshAddress() {
        int n = nextAddress++;
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }

    private static List<AuditEvent> lockouts() {
        assertThat(server.server().auditEvents().flush(Duration.ofSeconds(30))).isTrue();
        return server.server().auditEvents().recent(5_000).stream()
                .filter(e -> e.type() == AuditEvent.Type.LOCKOUT)
                .toList();
    }

    @Test
    void guessesFromManyAddressesWithAndWithoutALiveCodeCannotLockTheOwnerOut() {
        String phone = "+12015550610";
        // No code live: before the fix, the tenth of these locked the number for an hour.
        for (int i = 0; i < 60; i++) {
            Response r = AbuseLimitsHttpTest.verify(server, phone, String.format("%06d", i), freshAddress());
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.json().get("attempts_remaining").asInt()).isZero();
        }
        // The owner's code, guessed at from many addresses: three wrong tries kill it (the per-code attempt limit,
        // the residual denial), and the rest find no live code. Nothing is refused, nothing locks.
        assertThat(AbuseLimitsHttpTest.start(server, phone, OWNER_IP).status()).isEqualTo(200);
        String code = server.latestCode(phone);
        for (int i = 0; i < 30; i++) {
            Response r = AbuseLimitsHttpTest.verify(server, phone, AbuseLimitsHttpTest.wrong(code), freshAddress());
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(r.json().get("attempts_remaining").asInt()).isEqualTo(Math.max(0, 2 - i));
        }
        assertThat(AbuseLimitsHttpTest.verify(server, phone, code, OWNER_IP).status())
                .isEqualTo(401);

        // A fresh code works for the owner.
        assertThat(AbuseLimitsHttpTest.start(server, phone, OWNER_IP).status()).isEqualTo(200);
        Response owner = AbuseLimitsHttpTest.verify(server, phone, server.latestCode(phone), OWNER_IP);
        assertThat(owner.status()).as(owner.body()).isEqualTo(200);
        assertThat(owner.text("id_token")).isNotBlank();
        assertThat(lockouts()).noneSatisfy(e -> assertThat(e.maskedPhone()).endsWith("0610"));
    }

    @Test
    void guessesFromOneIpv6NetworkLockThatNetworkOnly() {
        String phone = "+12015550611";
        int refused = 0;
        // Four codes, three wrong guesses each, from addresses of one /64: ten reach the codes, then it is locked.
        for (int round = 0; round < 4; round++) {
            assertThat(AbuseLimitsHttpTest.start(server, phone, OWNER_IP).status())
                    .isEqualTo(200);
            String code = server.latestCode(phone);
            for (int i = 0; i < 3; i++) {
                Response r = AbuseLimitsHttpTest.verify(
                        server,
                        phone,
                        AbuseLimitsHttpTest.wrong(code),
                        "2001:db8:bad:1::" + Integer.toHexString(round * 3 + i + 1));
                if (r.status() == 429) {
                    assertThat(r.text("error")).isEqualTo("too_many_attempts");
                    refused++;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(401);
                }
            }
        }
        assertThat(refused).isEqualTo(2);
        assertThat(lockouts())
                .filteredOn(e -> e.maskedPhone().endsWith("0611"))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("network=2001:db8:bad:1::/64 "));

        assertThat(AbuseLimitsHttpTest.start(server, phone, OWNER_IP).status()).isEqualTo(200);
        String fresh = server.latestCode(phone);
        // The locked network is refused even the right code; the owner's network is not.
        assertThat(AbuseLimitsHttpTest.verify(server, phone, fresh, "2001:db8:bad:1:ffff::1")
                        .status())
                .isEqualTo(429);
        assertThat(AbuseLimitsHttpTest.verify(server, phone, fresh, OWNER_IP).status())
                .isEqualTo(200);
    }
}
