package org.phonepass.sms.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import org.phonepass.sms.dev.DevSmsInbox;
import org.phonepass.sms.gateway.HttpGatewaySmsProvider;
import org.phonepass.sms.sns.SnsSmsProvider;
import org.phonepass.sms.twilio.TwilioSmsProvider;
import org.phonepass.sms.vonage.VonageSmsProvider;

/**
 * The providers {@code sms.provider}, {@code sms.failover} and {@code sms.routes[].providers} may name, spelled in
 * the YAML as their ids. The ids are matched exactly, in lower case, as they always were.
 */
@JsonClassDescription("provider")
public enum ProviderId {
    @JsonProperty(DevSmsInbox.ID)
    DEV(DevSmsInbox.ID),
    @JsonProperty(TwilioSmsProvider.ID)
    TWILIO(TwilioSmsProvider.ID),
    @JsonProperty(HttpGatewaySmsProvider.ID)
    HTTP_GATEWAY(HttpGatewaySmsProvider.ID),
    @JsonProperty(VonageSmsProvider.ID)
    VONAGE(VonageSmsProvider.ID),
    @JsonProperty(SnsSmsProvider.ID)
    SNS(SnsSmsProvider.ID);

    private final String id;

    ProviderId(String id) {
        this.id = id;
    }

    /** Binds the YAML spelling, exactly. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ProviderId of(String id) throws InvalidFormatException {
        return ClosedSet.bind(ProviderId.class, id, false);
    }

    /** The id as written in the settings and reported in receipts and metrics. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
