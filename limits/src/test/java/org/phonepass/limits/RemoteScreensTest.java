package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.phonepass.limits.PolicyFixture.start;
import static org.phonepass.limits.PolicyFixture.ukMobile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.limits.LimitsSettings.BotCheckSettings;
import org.phonepass.limits.LimitsSettings.Fallback;
import org.phonepass.limits.LimitsSettings.PreSendHookSettings;

/** The pre-send hook and the bot check against a local fake of the operator's service and of siteverify. */
class RemoteScreensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FakeHttpServer fake;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeHttpServer();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    // ------------------------------------------------------------ pre-send hook

    private PreSendHook hook(Fallback fallback, String secret) {
        return new PreSendHook(
                new PreSendHookSettings(true, fake.uri(), Duration.ofMillis(1_000), fallback, secret), http, JSON);
    }

    @Test
    void hookReceivesPhoneCountryIpAndClientWithTheBearerSecret() throws Exception {
        fake.answer(204, "");
        assertThat(outcome(hook(Fallback.DENY, "hook-secret").screen(start(ukMobile(5), "203.0.113.9"))))
                .isNull();
        JsonNode sent = JSON.readTree(fake.received.get(0).body());
        assertThat(sent.get("phone").asText()).isEqualTo(ukMobile(5).e164());
        assertThat(sent.get("country").asText()).isEqualTo("GB");
        assertThat(sent.get("calling_code").asInt()).isEqualTo(44);
        assertThat(sent.get("ip").asText()).isEqualTo("203.0.113.9");
        assertThat(sent.get("client_id").asText()).isEqualTo(PolicyFixture.CLIENT);
        assertThat(fake.received.get(0).contentType()).isEqualTo("application/json");
        assertThat(fake.received.get(0).authorization()).isEqualTo("Bearer hook-secret");
    }

    @Test
    void hookVetoesWithAllowFalseOrForbidden() throws Exception {
        fake.answer(200, "{\"allow\": false, \"reason\": \"fraud score\"}");
        assertThat(outcome(hook(Fallback.ALLOW, null).screen(start(ukMobile(1), "203.0.113.9")))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
        fake.answer(403, "");
        assertThat(outcome(hook(Fallback.ALLOW, null).screen(start(ukMobile(1), "203.0.113.9")))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
        fake.answer(200, "{\"allow\": true}");
        assertThat(outcome(hook(Fallback.DENY, null).screen(start(ukMobile(1), "203.0.113.9"))))
                .isNull();
        assertThat(fake.received.get(0).authorization()).isNull();
    }

    @Test
    void hookErrorOrTimeoutTakesTheConfiguredDefault() throws Exception {
        fake.answer(500, "oops");
        assertThat(outcome(hook(Fallback.ALLOW, null).screen(start(ukMobile(1), "203.0.113.9"))))
                .isNull();
        assertThat(outcome(hook(Fallback.DENY, null).screen(start(ukMobile(1), "203.0.113.9")))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);

        fake.answer(200, "{\"allow\": false}").delay(3_000);
        long began = System.nanoTime();
        assertThat(outcome(hook(Fallback.ALLOW, null).screen(start(ukMobile(1), "203.0.113.9"))))
                .isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMillis(2_800));
    }

    @Test
    void hookThatCannotBeReachedTakesTheDefault() throws Exception {
        java.net.URI closed = fake.uri();
        fake.close();
        PreSendHook unreachable = new PreSendHook(
                new PreSendHookSettings(true, closed, Duration.ofMillis(400), Fallback.DENY, null), http, JSON);
        assertThat(outcome(unreachable.screen(start(ukMobile(1), "203.0.113.9")))
                        .code())
                .isEqualTo(ErrorCode.PHONE_NUMBER_NOT_ALLOWED);
    }

    // ------------------------------------------------------------ bot check

    private SiteverifyBotCheck botCheck(Fallback fallback) {
        return new SiteverifyBotCheck(
                new BotCheckSettings(true, fake.uri(), "site-secret", Duration.ofMillis(1_000), fallback), http, JSON);
    }

    private static StartContext withToken(String token) {
        return new StartContext(PolicyFixture.CLIENT, ukMobile(1), "203.0.113.9", token);
    }

    @Test
    void botCheckPostsSecretResponseAndRemoteIpAndAcceptsSuccess() throws Exception {
        fake.answer(200, "{\"success\": true, \"error-codes\": []}");
        assertThat(outcome(botCheck(Fallback.DENY).screen(withToken("tok en+1"))))
                .isNull();
        assertThat(fake.received.get(0).contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(fake.received.get(0).body())
                .isEqualTo("secret=site-secret&response=tok+en%2B1&remoteip=203.0.113.9");
    }

    @Test
    void botCheckRefusesAFailedTokenAndAMissingOneWithoutCalling() throws Exception {
        fake.answer(200, "{\"success\": false, \"error-codes\": [\"invalid-input-response\"]}");
        assertThat(outcome(botCheck(Fallback.ALLOW).screen(withToken("bad"))).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(fake.received).hasSize(1);
        assertThat(outcome(botCheck(Fallback.ALLOW).screen(withToken(null))).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(outcome(botCheck(Fallback.ALLOW).screen(withToken("x".repeat(2049))))
                        .code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(fake.received).hasSize(1);
    }

    @Test
    void botCheckVerifierDownTakesTheDefault() throws Exception {
        fake.answer(502, "bad gateway");
        assertThat(outcome(botCheck(Fallback.DENY).screen(withToken("t"))).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(outcome(botCheck(Fallback.ALLOW).screen(withToken("t")))).isNull();
    }

    // ------------------------------------------------------------ through the policy

    @Test
    void policyRunsBotCheckBeforeTheHookAndAuditsTheRefusal() throws Exception {
        fake.answer(200, "{\"success\": false}");
        PolicyFixture f = new PolicyFixture("", List.of(botCheck(Fallback.ALLOW), hook(Fallback.ALLOW, null)));
        PhonepassException refused = outcome(f.policy.screenStart(withToken("t")));
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(fake.received).hasSize(1);
        assertThat(f.audit.of(AuditEvent.Type.START))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("bot_check"));
        assertThat(f.metrics.refusals).containsExactly("bot_check");

        fake.answer(200, "{\"success\": true, \"allow\": true}");
        assertThat(outcome(f.policy.screenStart(withToken("t")))).isNull();
        assertThat(fake.received).hasSize(3);
    }

    /** Null when the stage completed normally, else the PhonepassException it failed with. */
    private static PhonepassException outcome(CompletionStage<Void> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = AsyncFailures.unwrap(e.getCause());
            assertThat(cause).isInstanceOf(PhonepassException.class);
            return (PhonepassException) cause;
        }
    }
}
