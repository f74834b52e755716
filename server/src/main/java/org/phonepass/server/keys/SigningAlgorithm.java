package org.phonepass.server.keys;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import org.phonepass.sms.config.ClosedSet;

/**
 * {@code apis[].signing_alg}: what an API's access tokens are signed with. Spelled as the JWS {@code alg} names
 * (RFC 7518), matched exactly as they always were: {@code rs256} is not a JWS name.
 */
@JsonClassDescription("signing algorithm")
public enum SigningAlgorithm {
    @JsonProperty("RS256")
    RS256,
    @JsonProperty("ES256")
    ES256,
    /** Ed25519. */
    @JsonProperty("EdDSA")
    EDDSA;

    /** Binds the YAML spelling, exactly. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SigningAlgorithm of(String value) throws InvalidFormatException {
        return ClosedSet.bind(SigningAlgorithm.class, value, false);
    }

    /** The JWS {@code alg} name. */
    public String jwsName() {
        return ClosedSet.spelling(this);
    }

    @Override
    public String toString() {
        return jwsName();
    }
}
