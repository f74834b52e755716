package org.phonepass.sms.twilio;

import java.net.URI;
import java.time.Duration;
import org.phonepass.core.config.Secret;
import org.phonepass.sms.config.Secrets;

/**
 * {@code sms.twilio}: Twilio Programmable Messaging. Authenticate with the Account SID and Auth Token, or with an
 * API key SID and secret (revocable without rotating the account's token); send from a number or through a
 * Messaging Service.
 *
 * @param accountSid          the {@code AC...} account SID; always required, it is part of the URL
 * @param authToken           the account's auth token (secret), unless an API key is used
 * @param apiKeySid           an {@code SK...} API key SID, with {@code apiKeySecret}
 * @param apiKeySecret        the API key's secret (secret)
 * @param from                sender: an E.164 number, short code or alphanumeric sender ID
 * @param messagingServiceSid sender: an {@code MG...} Messaging Service, instead of {@code from}
 * @param baseUrl             API root, {@code https://api.twilio.com} by default (an edge location, or a test)
 * @param connectTimeout      default 3s
 * @param timeout             response timeout per attempt, default 10s
 */
public record TwilioSettings(
        @Secret String accountSid,
        @Secret String authToken,
        @Secret String apiKeySid,
        @Secret String apiKeySecret,
        String from,
        String messagingServiceSid,
        String baseUrl,
        Duration connectTimeout,
        Duration timeout) {
    public static final String DEFAULT_BASE_URL = "https://api.twilio.com";

    public TwilioSettings {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.replaceAll("/+$", "");
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** Checks the settings and resolves their secrets; messages name the keys under {@code prefix}. */
    public TwilioSettings resolved(String prefix, String usage, Secrets secrets) {
        if (accountSid == null || accountSid.isBlank()) {
            throw new IllegalArgumentException(prefix + ".account_sid is required when " + usage);
        }
        boolean hasToken = authToken != null && !authToken.isBlank();
        boolean hasKey = apiKeySid != null && !apiKeySid.isBlank();
        if (hasToken == hasKey) {
            throw new IllegalArgumentException("set exactly one of " + prefix + ".auth_token or " + prefix
                    + ".api_key_sid (with " + prefix + ".api_key_secret)");
        }
        if (hasKey && (apiKeySecret == null || apiKeySecret.isBlank())) {
            throw new IllegalArgumentException(prefix + ".api_key_secret is required with " + prefix + ".api_key_sid");
        }
        boolean hasFrom = from != null && !from.isBlank();
        boolean hasService = messagingServiceSid != null && !messagingServiceSid.isBlank();
        if (hasFrom == hasService) {
            throw new IllegalArgumentException(
                    "set exactly one of " + prefix + ".from or " + prefix + ".messaging_service_sid");
        }
        requireHttpUrl(prefix + ".base_url", baseUrl);
        requirePositive(prefix + ".connect_timeout", connectTimeout);
        requirePositive(prefix + ".timeout", timeout);
        return new TwilioSettings(
                secrets.resolve(prefix + ".account_sid", accountSid),
                secrets.resolve(prefix + ".auth_token", authToken),
                secrets.resolve(prefix + ".api_key_sid", apiKeySid),
                secrets.resolve(prefix + ".api_key_secret", apiKeySecret),
                from,
                messagingServiceSid,
                baseUrl,
                connectTimeout,
                timeout);
    }

    static void requireHttpUrl(String key, String url) {
        try {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(key + " must be an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be an http(s) URL", e);
        }
    }

    static void requirePositive(String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }

    @Override
    public String toString() {
        return "TwilioSettings[accountSid=" + accountSid + ", authToken=" + Secrets.mask(authToken) + ", apiKeySid="
                + apiKeySid + ", apiKeySecret=" + Secrets.mask(apiKeySecret) + ", from=" + from
                + ", messagingServiceSid=" + messagingServiceSid + ", baseUrl=" + baseUrl + ", connectTimeout="
                + connectTimeout + ", timeout=" + timeout + "]";
    }
}
