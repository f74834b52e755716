package org.phonepass.sms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.sms.SmsProviders;
import org.phonepass.sms.SmsStack;
import org.phonepass.sms.config.SmsSettings;
import org.phonepass.sms.support.FakeVendor;
import org.phonepass.sms.support.FakeVendor.Reply;

/**
 * Hundreds of messages in flight to a vendor that takes 2 s to answer must not cost a platform thread each: the
 * start endpoint's threads stay free while the vendor is slow.
 */
class SlowVendorConcurrencyTest {
    private static final int MESSAGES = 300;

    @Test
    void threeHundredSlowSendsCompleteWithoutGrowingThePlatformThreadCount() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (FakeVendor gateway = new FakeVendor()) {
            gateway.always(r -> Reply.json(200, "{\"id\":\"ok\"}").after(Duration.ofSeconds(2)));
            SmsSettings settings = new ObjectMapper(new YAMLFactory())
                    .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                    .registerModule(org.phonepass.sms.config.DurationSetting.module())
                    .readValue("""
                    provider: http_gateway
                    http_gateway: {url: "%s/sms", timeout: 10s}
                    """.formatted(gateway.baseUrl()), SmsSettings.class);
            try (SmsStack stack =
                    SmsProviders.build(settings, Clock.systemUTC(), new SimpleMeterRegistry(), name -> null, false)) {
                // Warm up: the HTTP client's selector and completion threads exist from the first send on.
                stack.provider().send(message(0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                int baseline = threads.getThreadCount();

                List<CompletableFuture<SmsReceipt>> inFlight = new ArrayList<>();
                for (int i = 1; i <= MESSAGES; i++) {
                    inFlight.add(stack.provider().send(message(i)).toCompletableFuture());
                }
                int peak = baseline;
                CompletableFuture<Void> all = CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
                while (!all.isDone()) {
                    peak = Math.max(peak, threads.getThreadCount());
                    try {
                        all.get(50, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException stillWaiting) {
                        // keep sampling
                    }
                }
                all.get();

                assertThat(inFlight)
                        .allSatisfy(f -> assertThat(f.join().messageId()).isEqualTo("ok"));
                assertThat(gateway.requests()).hasSize(MESSAGES + 1);
                // A thread per request would add about 300; the client may add a handful of its own.
                assertThat(peak - baseline).isLessThanOrEqualTo(8);
            }
        }
    }

    private static SmsMessage message(int i) {
        String number = String.format("+1201555%04d", i);
        return new SmsMessage(new PhoneNumber(number, "US", 1), "Your code is 123456", "123456", "en", "c");
    }
}
