package org.phonepass.sms.message;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.sms.MessageFormatter;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;

/**
 * Adds the WebOTP and Android app-hash lines ({@link MessageFormatter}) to every message before the providers see
 * it, so that each vendor, and the dev inbox, sends exactly the text the person receives.
 */
public final class FormattingSmsProvider implements SmsProvider {
    private final MessageFormatter formatter;
    private final SmsProvider next;

    public FormattingSmsProvider(MessageFormatter formatter, SmsProvider next) {
        this.formatter = Objects.requireNonNull(formatter, "formatter cannot be null");
        this.next = Objects.requireNonNull(next, "next cannot be null");
    }

    @Override
    public String id() {
        return next.id();
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        String body = formatter.format(message.body(), message.code(), message.clientId());
        return next.send(
                body.equals(message.body())
                        ? message
                        : new SmsMessage(message.to(), body, message.code(), message.language(), message.clientId()));
    }
}
