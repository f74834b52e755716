package org.phonepass.core.login;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.phonepass.core.sms.MessageTemplate;

/**
 * The code and message rules.
 *
 * @param codeLength             digits per code, 4..10
 * @param codeTtl                how long a code is accepted
 * @param maxAttempts            wrong codes before a code is dead
 * @param keepPreviousCodes      earlier live codes that stay valid when a new one is sent (0 is Auth0's rule)
 * @param disableSignup          whether unknown numbers may create an account
 * @param signupDisabledResponse how {@code /passwordless/start} answers an unknown number when sign-ups are off
 * @param template               default message template
 * @param templatesByLanguage    templates per language tag (lower case), chosen before the default
 */
public record OtpSettings(
        int codeLength,
        Duration codeTtl,
        int maxAttempts,
        int keepPreviousCodes,
        boolean disableSignup,
        SignupDisabledResponse signupDisabledResponse,
        MessageTemplate template,
        Map<String, MessageTemplate> templatesByLanguage) {

    /** How an unknown number is answered when sign-ups are disabled. */
    public enum SignupDisabledResponse {
        /** A 400 {@code signup_disabled}: clear for the person, but it tells anyone which numbers have accounts. */
        ERROR,
        /** A normal success without any SMS: hides which numbers have accounts. */
        SILENT
    }

    public OtpSettings {
        Objects.requireNonNull(codeTtl, "codeTtl cannot be null");
        Objects.requireNonNull(signupDisabledResponse, "signupDisabledResponse cannot be null");
        Objects.requireNonNull(template, "template cannot be null");
        templatesByLanguage = Map.copyOf(templatesByLanguage);
    }
}
