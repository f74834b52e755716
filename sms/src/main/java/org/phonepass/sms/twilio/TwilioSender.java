package org.phonepass.sms.twilio;

import java.util.regex.Pattern;

/**
 * Who Twilio sends a message from: a number ({@code From}) or a Messaging Service ({@code MessagingServiceSid}),
 * exactly one. It starts as the settings file's ({@code sms.twilio.from} or {@code sms.twilio.messaging_service_sid})
 * and may be changed while the server runs through the SMS connection (docs/management.md#the-sms-connection). It is
 * not a secret: the credentials stay in {@link TwilioSettings}.
 *
 * @param from                the sender number, or null
 * @param messagingServiceSid the {@code MG...} Messaging Service, or null
 */
public record TwilioSender(String from, String messagingServiceSid) {
    /** An E.164 number: {@code +}, a country code that does not start with 0, at most 15 digits in all. */
    private static final Pattern NUMBER = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    /** Twilio's Messaging Service SIDs: {@code MG} and 32 hexadecimal digits. */
    private static final Pattern SERVICE = Pattern.compile("^MG[0-9a-fA-F]{32}$");

    public TwilioSender {
        boolean hasFrom = from != null && !from.isBlank();
        boolean hasService = messagingServiceSid != null && !messagingServiceSid.isBlank();
        if (hasFrom == hasService) {
            throw new IllegalArgumentException("a Twilio sender is exactly one of from or messaging_service_sid");
        }
        from = hasFrom ? from : null;
        messagingServiceSid = hasService ? messagingServiceSid : null;
    }

    /** The sender of resolved settings. */
    public static TwilioSender of(TwilioSettings settings) {
        return new TwilioSender(settings.from(), settings.messagingServiceSid());
    }

    /** Whether {@code value} is a sender number that may be set at run time (E.164 form). */
    public static boolean isNumber(String value) {
        return value != null && NUMBER.matcher(value).matches();
    }

    /** Whether {@code value} has the form of a Messaging Service SID ({@code MG} and 32 hexadecimal digits). */
    public static boolean isMessagingServiceSid(String value) {
        return value != null && SERVICE.matcher(value).matches();
    }
}
