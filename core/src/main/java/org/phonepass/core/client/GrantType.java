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
    /** {@code authorization_code} on {@code POST /oauth/token}: the code of {@code GET /authorize} (RFC 6749 §4.1). */
    AUTHORIZATION_CODE("authorization_code"),
    /**
     * Machine-to-machine access ({@code grant_type=client_credentials}, docs/management.md#access): confidential
     * clients only, never in the default grant list.
     */
    CLIENT_CREDENTIALS("client_credentials"),
    /**
     * Tokens straight from {@code /authorize} in the redirect ({@code response_type} {@code token} or
     * {@code id_token}), as auth0-js 9/10 and Lock 11-14 ask after a cross-origin login. Not in the default list: the
     * OAuth 2.0 Security BCP (RFC 9700 §2.1.2) discourages it (docs/spa.md#cross-origin-authentication).
     */
    IMPLICIT("implicit");

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
