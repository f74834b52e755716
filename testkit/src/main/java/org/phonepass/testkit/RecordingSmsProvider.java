package org.phonepass.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;

/** An SMS provider that keeps what it is given; {@link #failWith} makes the next sends fail as a vendor would. */
public final class RecordingSmsProvider implements SmsProvider {
    private final List<SmsMessage> sent = new ArrayList<>();
    private Throwable failure;

    @Override
    public String id() {
        return "recording";
    }

    @Override
    public synchronized CompletionStage<SmsReceipt> send(SmsMessage message) {
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        sent.add(message);
        return CompletableFuture.completedFuture(new SmsReceipt(id(), "m" + sent.size()));
    }

    /** Every later send fails with {@code error} (null: they succeed again). */
    public synchronized void failWith(Throwable error) {
        this.failure = error;
    }

    public synchronized List<SmsMessage> sent() {
        return List.copyOf(sent);
    }

    /** The newest message; fails when none was sent. */
    public synchronized SmsMessage last() {
        if (sent.isEmpty()) {
            throw new IllegalStateException("no message was sent");
        }
        return sent.get(sent.size() - 1);
    }
}
