package org.phonepass.core.sms;

import java.util.concurrent.CompletionStage;

/**
 * Delivers text messages. A delivery port only: no code logic lives here.
 *
 * <p>{@link #send} must not block the calling thread on the network: it returns at once and completes the stage
 * when the vendor answers. A failed stage carries an {@link SmsDeliveryException}.
 */
public interface SmsProvider {
    /** Short stable name, used in settings, metrics and logs. */
    String id();

    CompletionStage<SmsReceipt> send(SmsMessage message);
}
