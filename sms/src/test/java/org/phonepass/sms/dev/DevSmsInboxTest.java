package org.phonepass.sms.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsReceipt;

class DevSmsInboxTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final PhoneNumber US = new PhoneNumber("+12015550123", "US", 1);
    private static final PhoneNumber FR = new PhoneNumber("+33612345678", "FR", 33);

    private static SmsMessage message(PhoneNumber to, String code) {
        return new SmsMessage(to, "Your code is " + code, code, "en", "client-1");
    }

    @Test
    void sendKeepsTheMessageAndAnswersAReceiptAtOnce() {
        DevSmsInbox inbox = new DevSmsInbox(Clock.fixed(NOW, ZoneOffset.UTC));

        SmsReceipt receipt =
                inbox.send(message(US, "123456")).toCompletableFuture().join();

        assertThat(receipt.providerId()).isEqualTo("dev");
        assertThat(receipt.messageId()).isNotBlank();
        assertThat(inbox.recent(Optional.empty()))
                .containsExactly(new DevSmsInbox.Entry("+12015550123", "Your code is 123456", "123456", NOW));
    }

    @Test
    void recentIsNewestFirstAndFiltersByNumber() {
        DevSmsInbox inbox = new DevSmsInbox(Clock.fixed(NOW, ZoneOffset.UTC));
        inbox.send(message(US, "1111"));
        inbox.send(message(FR, "2222"));
        inbox.send(message(US, "3333"));

        assertThat(inbox.recent(Optional.empty()))
                .extracting(DevSmsInbox.Entry::code)
                .containsExactly("3333", "2222", "1111");
        assertThat(inbox.recent(Optional.of("+12015550123")))
                .extracting(DevSmsInbox.Entry::code)
                .containsExactly("3333", "1111");
        assertThat(inbox.recent(Optional.of("+4930000000"))).isEmpty();
    }

    @Test
    void whenFullThenTheOldestMessageIsDropped() {
        DevSmsInbox inbox = new DevSmsInbox(Clock.fixed(NOW, ZoneOffset.UTC), 2);
        inbox.send(message(US, "1111"));
        inbox.send(message(US, "2222"));
        inbox.send(message(US, "3333"));

        assertThat(inbox.recent(Optional.empty()))
                .extracting(DevSmsInbox.Entry::code)
                .containsExactly("3333", "2222");
    }

    @Test
    void concurrentSendsAreAllKept() throws Exception {
        DevSmsInbox inbox = new DevSmsInbox(Clock.fixed(NOW, ZoneOffset.UTC), 1000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String code = String.format("%04d", i);
                all.add(CompletableFuture.runAsync(() -> inbox.send(message(US, code)), pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }

        assertThat(inbox.recent(Optional.empty()))
                .hasSize(400)
                .extracting(DevSmsInbox.Entry::code)
                .doesNotHaveDuplicates();
    }
}
