package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.server.TestServer.Response;

/**
 * Attacks as a script would run them, over real HTTPS against a server with the default guessing and pumping
 * rules: what matters is what gets through, counted from the answers and from the stored audit events.
 */
class AttackScriptHttpTest {
    private static final int GUESSES = 10_000;
    private static final int WORKERS = 16;

    @Test
    void bruteForceWhenTenThousandGuessesAgainstOneNumberThenNoSuccessAndAtMostThreeReachTheCode() throws Exception {
        // Generous per-address limit: the per-code attempt limit alone must hold (carrier-grade NAT, or a botnet:
        // the wrong-code lock is per network, docs/security.md#wrong-code-limit).
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                limits:
                  verify_per_ip: {capacity: 100000, period: 1h}
                """, null)) {
            String phone = "+12015550170";
            String code = server.startAndReadCode(TestServer.SPA, phone);
            List<String> guesses = new ArrayList<>(GUESSES);
            for (int i = 0; guesses.size() < GUESSES; i++) {
                String guess = String.format("%06d", i);
                if (!guess.equals(code)) {
                    guesses.add(guess);
                }
            }
            // The right code is among the guesses, where a script walking the code space would reach it.
            int rightAt = 2_000;
            guesses.set(rightAt, code);

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger sent = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    workers.add(pool.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < GUESSES) {
                            // Stop a thousand guesses after the right code was tried: the code died after three
                            // wrong tries, and every later guess gets the same answer.
                            if (i > rightAt + 1_000) {
                                return null;
                            }
                            Response r = server.postForm(
                                    "/oauth/ro",
                                    TestServer.map(
                                            "client_id",
                                            TestServer.SPA,
                                            "connection",
                                            "sms",
                                            "grant_type",
                                            "password",
                                            "username",
                                            phone,
                                            "password",
                                            guesses.get(i),
                                            "scope",
                                            "openid"));
                            sent.incrementAndGet();
                            statuses.computeIfAbsent(r.status(), s -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }

            assertThat(sent.get()).isGreaterThan(rightAt + WORKERS);
            assertThat(statuses).doesNotContainKey(200);
            // 429s only while more guesses are in flight than the network's wrong-code budget holds (each reserves
            // a token before the compare).
            assertThat(statuses.keySet()).contains(401).isSubsetOf(401, 429);
            int answered = statuses.getOrDefault(401, new AtomicInteger()).get();

            // The audit trail: three wrong guesses reached the live code (sms.max_attempts), which then died; every
            // other guess found no live code, which counts towards no lock and, costing the sender nothing, is
            // written once per minute with a repeat count (docs/security.md, audit events) rather than a row each.
            assertThat(server.server().auditEvents().flush(Duration.ofSeconds(30)))
                    .isTrue();
            List<AuditEvent> events = server.server().auditEvents().recent(GUESSES + 100);
            assertThat(events.stream()
                            .filter(e -> e.type() == AuditEvent.Type.VERIFY
                                    && e.outcome() == AuditEvent.Outcome.FAILURE
                                    && "wrong_code".equals(e.detail())))
                    .hasSize(3);
            List<AuditEvent> noLiveCode = events.stream()
                    .filter(e -> e.type() == AuditEvent.Type.VERIFY
                            && e.outcome() == AuditEvent.Outcome.FAILURE
                            && e.detail().startsWith("no_live_code"))
                    .toList();
            // How many of the guesses were answered 401 rather than 429 depends on how many were in flight at once.
            assertThat(noLiveCode)
                    .as("one row per minute of guessing, not one per guess (%d answered)", answered)
                    .hasSizeLessThanOrEqualTo(Math.min(5, Math.max(0, answered - 3)));
            assertThat(events.stream()
                            .filter(e ->
                                    e.type() == AuditEvent.Type.VERIFY && e.outcome() == AuditEvent.Outcome.FAILURE))
                    .hasSize(3 + noLiveCode.size());
            assertThat(events.stream()
                            .filter(e ->
                                    e.type() == AuditEvent.Type.VERIFY && e.outcome() == AuditEvent.Outcome.SUCCESS))
                    .isEmpty();
            assertThat(events).allSatisfy(e -> assertThat(e.maskedPhone()).doesNotContain("2015550170"));
        }
    }

    @Test
    void pumpingWhenBotnetAsksCodesForOneCountryAndNeverVerifiesThenBreakerThrottlesItAndOtherCountriesPass() {
        try (TestServer server = new TestServer(TestServer.DEFAULT_YAML + """
                http:
                  trusted_proxies: [127.0.0.1/32, "::1/128"]
                limits:
                  pumping:
                    min_sends_per_country: 20
                    throttle_per_country: {capacity: 2, period: 1h}
                """, null)) {
            List<String> numbers = britishMobiles(80);
            int sent = 0;
            int refused = 0;
            for (int i = 0; i < numbers.size(); i++) {
                // A botnet: every request from its own address, so only the country-wide view can see the pattern.
                Response r =
                        AbuseLimitsHttpTest.start(server, numbers.get(i), "198.18." + (i / 200) + "." + (i % 200 + 1));
                if (r.status() == 200) {
                    sent++;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(429);
                    assertThat(r.text("error")).isEqualTo("too_many_requests");
                    assertThat(r.header("Retry-After")).isNotNull();
                    refused++;
                }
            }
            // 20 sends to learn the pattern, then the throttle's 2; everything else refused.
            assertThat(sent).isBetween(20, 22);
            assertThat(refused).isEqualTo(numbers.size() - sent);

            // A real user elsewhere is untouched, and signs in.
            Response us = server.login(TestServer.SPA, "+12015550180", "openid");
            assertThat(us.status()).isEqualTo(200);

            assertThat(server.server().auditEvents().flush(Duration.ofSeconds(10)))
                    .isTrue();
            assertThat(server.server().auditEvents().recent(1_000)).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(AuditEvent.Type.PUMPING_BREAKER);
                assertThat(e.detail()).contains("calling_code=+44").contains("tripped");
            });
        }
    }

    /** Valid British mobile numbers, from libphonenumber's own example upwards. */
    static List<String> britishMobiles(int count) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        long base = util.getExampleNumberForType("GB", PhoneNumberType.MOBILE).getNationalNumber();
        List<String> out = new ArrayList<>();
        for (long n = base; out.size() < count; n++) {
            String e164 = "+44" + n;
            try {
                var parsed = util.parse(e164, null);
                if (util.isValidNumber(parsed) && util.getNumberType(parsed) == PhoneNumberType.MOBILE) {
                    out.add(e164);
                }
            } catch (NumberParseException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
