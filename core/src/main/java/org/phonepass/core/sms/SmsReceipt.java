package org.phonepass.core.sms;

/**
 * A provider's acceptance of a message.
 *
 * @param providerId the provider that accepted it ({@code twilio}, {@code dev}, ...)
 * @param messageId  the provider's identifier for the message, for support requests
 */
public record SmsReceipt(String providerId, String messageId) {}
