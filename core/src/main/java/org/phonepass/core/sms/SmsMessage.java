package org.phonepass.core.sms;

import java.util.Objects;
import org.phonepass.core.phone.PhoneNumber;

/**
 * One text message ready to deliver.
 *
 * @param to       recipient
 * @param body     rendered text, code included
 * @param code     the code inside the body; only the dev inbox may keep it, real providers must not log it
 * @param language BCP 47 language the body was rendered in
 * @param clientId the client that asked for it (for routing, metrics and audit)
 */
public record SmsMessage(PhoneNumber to, String body, String code, String language, String clientId) {
    public SmsMessage {
        Objects.requireNonNull(to, "to cannot be null");
        Objects.requireNonNull(body, "body cannot be null");
        Objects.requireNonNull(code, "code cannot be null");
        Objects.requireNonNull(language, "language cannot be null");
        Objects.requireNonNull(clientId, "clientId cannot be null");
    }

    @Override
    public String toString() {
        return "SmsMessage[to=" + to.masked() + ", language=" + language + ", clientId=" + clientId + "]";
    }
}
