package org.phonepass.core.client;

import java.util.Arrays;
import java.util.Optional;

/** The grants a client may use. Wire values are those Auth0 uses in {@code grant_type} (docs/api.md). */
public enum GrantType {
    /** Legacy {@code POST /oauth/ro} with {@code grant_type=password} and {@code connection=sms}. */
    RESOURCE_OWNER("password"),
    /** {@code http://auth0.com/oauth/grant-type/passwordless/otp} on {@code POST /oauth/token}. */
    PASSWORDLESS_OTP("http://auth0.com/oauth/grant-type/passwordless/otp"),
    REFRESH_TOKEN("refresh_token"),
    /**
     * Machine-to-machine access ({@code grant_type=client_credentials}, docs/management.md#access): confidential
     * clients only, never in the default grant list.
     */
    CLIENT_CREDENTIALS("client_credentials");

    private final String wireValue;

    GrantType(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    /** Accepts the wire value or the settings name ({@code passwordless_otp}). */
    public static Optional<GrantType> parse(String value) {
        return Arrays.stream(values())
                .filter(g -> g.wireValue.equals(value) || g.name().equalsIgnoreCase(value))
                .findFirst();
    }
}
