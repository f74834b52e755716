package org.phonepass.sms.vonage;

import java.net.URI;
import java.time.Duration;
import org.phonepass.core.config.Secret;
import org.phonepass.sms.config.Secrets;

/**
 * {@code sms.vonage}: the Vonage (formerly Nexmo) SMS API.
 *
 * @param apiKey         the account's API key (required)
 * @param apiSecret      the account's API secret (secret, required)
 * @param from           sender: a Vonage virtual number in E.164 or an alphanumeric sender ID (required)
 * @param baseUrl        API root, {@code https://rest.nexmo.com} by default
 * @param connectTimeout default 3s
 * @param timeout        response timeout per attempt, default 10s
 */
public record VonageSettings(
        @Secret String apiKey,
        @Secret String apiSecret,
        String from,
        String baseUrl,
        Duration connectTimeout,
        Duration timeout) {
    public static final String DEFAULT_BASE_URL = "https://rest.nexmo.com";

    public VonageSettings {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.replaceAll("/+$", "");
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** Checks the settings and resolves their secrets; messages name the keys under {@code prefix}. */
    public VonageSettings resolved(String prefix, String usage, Secrets secrets) {
        for (String[] required : new String[][] {{"api_key", apiKey}, {"api_secret", apiSecret}, {"from", from}}) {
            if (required[1] == null || required[1].isBlank()) {
                throw new IllegalArgumentException(prefix + "." + required[0] + " is required when " + usage);
            }
        }
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".base_url is not a valid URL", e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(prefix + ".base_url must be an http(s) URL");
        }
        if (connectTimeout.isZero() || connectTimeout.isNegative() || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(prefix + ".connect_timeout and " + prefix + ".timeout must be positive");
        }
        return new VonageSettings(
                secrets.resolve(prefix + ".api_key", apiKey),
                secrets.resolve(prefix + ".api_secret", apiSecret),
                from,
                baseUrl,
                connectTimeout,
                timeout);
    }

    @Override
    public String toString() {
        return "VonageSettings[apiKey=" + apiKey + ", apiSecret=" + Secrets.mask(apiSecret) + ", from=" + from
                + ", baseUrl=" + baseUrl + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + "]";
    }
}
