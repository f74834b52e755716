package org.phonepass.core.abuse;

import java.util.Objects;
import org.phonepass.core.phone.PhoneNumber;

/**
 * What the abuse policy needs to know about one code verification ({@code /oauth/ro}, {@code /oauth/token},
 * {@code /co/authenticate}, {@code /passwordless/verify}).
 *
 * @param clientId the calling client
 * @param phone    the normalised number, or null when the submitted username is not a valid number (only the
 *                 per-IP limits apply then)
 * @param ip       the client address, never null
 */
public record VerifyContext(String clientId, PhoneNumber phone, String ip) {
    public VerifyContext {
        Objects.requireNonNull(clientId, "clientId cannot be null");
        Objects.requireNonNull(ip, "ip cannot be null");
    }
}
