package org.phonepass.sms.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsDeliveryException.Kind;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;

/** A provider that answers from a script, for delivery-policy tests that need no network. */
public final class ScriptedProvider implements SmsProvider {
    private final String id;
    private final Deque<java.util.Optional<Kind>> script = new ArrayDeque<>();
    private final List<SmsMessage> received = new CopyOnWriteArrayList<>();
    private volatile Kind otherwise;

    /** @param otherwise the answer once the script is used up: null to accept, or a failure kind */
    public ScriptedProvider(String id, Kind otherwise) {
        this.id = id;
        this.otherwise = otherwise;
    }

    /** The next answers: null accepts, a kind fails with it. */
    public synchronized ScriptedProvider then(Kind... answers) {
        for (Kind k : answers) {
            script.add(java.util.Optional.ofNullable(k));
        }
        return this;
    }

    public void otherwise(Kind answer) {
        this.otherwise = answer;
    }

    public List<SmsMessage> received() {
        return List.copyOf(received);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        received.add(message);
        Kind answer;
        synchronized (this) {
            answer = script.isEmpty() ? otherwise : script.poll().orElse(null);
        }
        if (answer == null) {
            return CompletableFuture.completedFuture(new SmsReceipt(id, id + "-" + received.size()));
        }
        return CompletableFuture.failedFuture(new SmsDeliveryException(
                id, answer, answer == Kind.REJECTED_NUMBER ? "21211" : null, id + " says " + answer, null));
    }
}
