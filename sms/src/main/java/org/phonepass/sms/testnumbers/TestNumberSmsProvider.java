package org.phonepass.sms.testnumbers;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends nothing to a test number, and hands every other message to the next provider. The receipt names this
 * provider, so audit logs show that no SMS left.
 */
public final class TestNumberSmsProvider implements SmsProvider {
    public static final String ID = "test_number";
    private static final Logger log = LoggerFactory.getLogger(TestNumberSmsProvider.class);

    private final TestNumbers numbers;
    private final SmsProvider next;
    private final Clock clock;

    public TestNumberSmsProvider(TestNumbers numbers, SmsProvider next, Clock clock) {
        this.numbers = Objects.requireNonNull(numbers, "numbers cannot be null");
        this.next = Objects.requireNonNull(next, "next cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    @Override
    public String id() {
        return next.id();
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        if (numbers.isTestNumber(message.to(), clock.instant())) {
            log.info("no SMS sent to test number {}", message.to().masked());
            return CompletableFuture.completedFuture(new SmsReceipt(ID, null));
        }
        return next.send(message);
    }
}
