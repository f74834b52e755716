package org.phonepass.core.abuse;

import java.util.Objects;
import org.phonepass.core.phone.PhoneNumber;

/**
 * What the abuse policy needs to know about one {@code /passwordless/start}.
 *
 * @param clientId the calling client
 * @param phone    the normalised destination; its region and calling code are the country the limits use
 * @param ip       the client address as the server resolved it (trusted proxies applied), never null
 * @param botToken the bot-check token sent with the request, or null when none was sent
 */
public record StartContext(String clientId, PhoneNumber phone, String ip, String botToken) {
    public StartContext {
        Objects.requireNonNull(clientId, "clientId cannot be null");
        Objects.requireNonNull(phone, "phone cannot be null");
        Objects.requireNonNull(ip, "ip cannot be null");
    }
}
