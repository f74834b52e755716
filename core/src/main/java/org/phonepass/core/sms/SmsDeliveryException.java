package org.phonepass.core.sms;

/**
 * A provider did not accept a message. The {@link Kind} decides what happens next: the number's fault is answered
 * to the client, a transient failure is retried or failed over, a configuration failure is logged loudly.
 */
public final class SmsDeliveryException extends RuntimeException {
    public enum Kind {
        /** The destination can never receive this message (invalid, unreachable or barred number). */
        REJECTED_NUMBER,
        /** Timeouts, 429 and 5xx answers: another try, or another provider, may succeed. */
        TRANSIENT,
        /** Credentials, sender or account settings are wrong: nothing succeeds until an operator acts. */
        CONFIGURATION
    }

    private final String providerId;
    private final Kind kind;
    private final String providerCode;

    /**
     * @param providerCode the vendor's error code (Twilio {@code 21211}), or null; it is public, shown to the client
     *                     as {@code (Code: 21211)} the way Auth0 does, which Lock matches
     *                     (docs/auth0-compatibility.md#error-strings-clients-match)
     * @param message      a public, secret-free description
     */
    public SmsDeliveryException(String providerId, Kind kind, String providerCode, String message, Throwable cause) {
        super(message, cause);
        this.providerId = providerId;
        this.kind = kind;
        this.providerCode = providerCode;
    }

    public String providerId() {
        return providerId;
    }

    public Kind kind() {
        return kind;
    }

    public String providerCode() {
        return providerCode;
    }
}
