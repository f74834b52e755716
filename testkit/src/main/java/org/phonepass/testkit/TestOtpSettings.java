package org.phonepass.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.sms.MessageTemplate;

/**
 * Code settings for tests, from the server's defaults (6 digits, 5 minutes, 3 attempts, no kept codes, sign-ups
 * open): {@code TestOtpSettings.otp().maxAttempts(5).build()}.
 */
public final class TestOtpSettings {
    private TestOtpSettings() {}

    public static Builder otp() {
        return new Builder();
    }

    /** Builds {@link OtpSettings}; every setter returns the builder. */
    public static final class Builder {
        private int codeLength = 6;
        private Duration codeTtl = Duration.ofMinutes(5);
        private int maxAttempts = 3;
        private int keepPreviousCodes = 0;
        private boolean disableSignup = false;
        private OtpSettings.SignupDisabledResponse signupDisabledResponse = OtpSettings.SignupDisabledResponse.ERROR;
        private MessageTemplate template = MessageTemplate.parse("Your {{ application.name }} code is {{ code }}");
        private final Map<String, MessageTemplate> templatesByLanguage = new LinkedHashMap<>();

        private Builder() {}

        public Builder codeLength(int codeLength) {
            this.codeLength = codeLength;
            return this;
        }

        public Builder codeTtl(Duration codeTtl) {
            this.codeTtl = codeTtl;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder keepPreviousCodes(int keepPreviousCodes) {
            this.keepPreviousCodes = keepPreviousCodes;
            return this;
        }

        /** Sign-ups off, answered as {@code response}. */
        public Builder signupDisabled(OtpSettings.SignupDisabledResponse response) {
            this.disableSignup = true;
            this.signupDisabledResponse = response;
            return this;
        }

        public Builder template(String template) {
            this.template = MessageTemplate.parse(template);
            return this;
        }

        public Builder template(String language, String template) {
            templatesByLanguage.put(language, MessageTemplate.parse(template));
            return this;
        }

        public OtpSettings build() {
            return new OtpSettings(
                    codeLength,
                    codeTtl,
                    maxAttempts,
                    keepPreviousCodes,
                    disableSignup,
                    signupDisabledResponse,
                    template,
                    templatesByLanguage);
        }
    }
}
