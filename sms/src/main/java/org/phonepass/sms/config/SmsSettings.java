package org.phonepass.sms.config;

import java.util.List;
import org.phonepass.sms.gateway.HttpGatewaySettings;
import org.phonepass.sms.sns.SnsSettings;
import org.phonepass.sms.twilio.TwilioSettings;
import org.phonepass.sms.vonage.VonageSettings;

/**
 * The {@code sms:} section of the configuration file. Every member may be left out; defaults are documented in
 * {@code docs/sms-providers.md}. Bind with snake_case keys; secrets follow {@link Secrets}.
 *
 * @param provider       the primary provider: {@code dev} (default), {@code twilio}, {@code http_gateway},
 *                       {@code vonage} or {@code sns} ({@link ProviderId})
 * @param failover       further providers tried in order when the primary fails; none by default
 * @param routes         routes by country calling code, each replacing the default route for its codes
 * @param retry          retry settings
 * @param circuitBreaker circuit breaker settings
 * @param message        WebOTP, app hash and segment limit
 * @param testNumbers    numbers with fixed codes that never receive an SMS
 * @param dev            the dev inbox
 * @param twilio         Twilio, required when a route uses it
 * @param httpGateway    the HTTP gateway, required when a route uses it
 * @param vonage         Vonage, required when a route uses it
 * @param sns            Amazon SNS, required when a route uses it
 */
public record SmsSettings(
        ProviderId provider,
        List<ProviderId> failover,
        List<RouteSettings> routes,
        RetrySettings retry,
        CircuitBreakerSettings circuitBreaker,
        MessageSettings message,
        TestNumbersSettings testNumbers,
        DevSettings dev,
        TwilioSettings twilio,
        HttpGatewaySettings httpGateway,
        VonageSettings vonage,
        SnsSettings sns) {
    /** Everything at its default: the dev inbox. */
    public static final SmsSettings DEFAULTS =
            new SmsSettings(null, null, null, null, null, null, null, null, null, null, null, null);

    /**
     * {@code sms.dev}: the development inbox.
     *
     * @param capacity messages kept, newest first; default 500
     */
    public record DevSettings(Integer capacity) {
        public DevSettings {
            capacity = capacity == null ? 500 : capacity;
        }
    }

    public SmsSettings {
        provider = provider == null ? ProviderId.DEV : provider;
        failover = failover == null ? List.of() : List.copyOf(failover);
        routes = routes == null ? List.of() : List.copyOf(routes);
        retry = retry == null ? RetrySettings.DEFAULTS : retry;
        circuitBreaker = circuitBreaker == null ? CircuitBreakerSettings.DEFAULTS : circuitBreaker;
        message = message == null ? MessageSettings.DEFAULTS : message;
        testNumbers = testNumbers == null ? TestNumbersSettings.DEFAULTS : testNumbers;
        dev = dev == null ? new DevSettings(null) : dev;
    }
}
