package org.phonepass.core.error;

/**
 * The closed set of failures Phonepass reports to clients.
 *
 * <p>Each code carries its HTTP status and its Auth0 wire name per endpoint family, because Auth0 names the same
 * failure differently on {@code /passwordless/start} (dotted names such as {@code bad.phone_number}) and on the
 * OAuth endpoints (RFC 6749 names). docs/auth0-compatibility.md#error-vocabularies explains the three vocabularies.
 */
public enum ErrorCode {
    // spotless:off (the table stays aligned by hand)
    // name                     start-status start-name              oauth-status oauth-name              token-status token-name
    INVALID_REQUEST(           400, "bad.request",           400, "invalid_request",        400, "invalid_request"),
    UNSUPPORTED_MEDIA_TYPE(    415, "bad.request",           415, "invalid_request",        415, "invalid_request"),
    PAYLOAD_TOO_LARGE(         413, "bad.request",           413, "invalid_request",        413, "invalid_request"),
    REQUEST_TIMEOUT(           408, "bad.request",           408, "invalid_request",        408, "invalid_request"),
    MISSING_CLIENT_ID(         400, "bad.client_id",         400, "invalid_request",        400, "invalid_request"),
    UNKNOWN_CLIENT(            400, "bad.client_id",         403, "unauthorized_client",    401, "invalid_client"),
    CLIENT_AUTHENTICATION_FAILED(401, "bad.client_id",       401, "invalid_client",         401, "invalid_client"),
    ORIGIN_NOT_ALLOWED(        403, "bad.client_id",         403, "unauthorized_client",    403, "unauthorized_client"),
    JSONP_NOT_ALLOWED(         403, "bad.client_id",         403, "unauthorized_client",    403, "unauthorized_client"),
    GRANT_NOT_ALLOWED(         403, "bad.client_id",         403, "unauthorized_client",    403, "unauthorized_client"),
    UNSUPPORTED_GRANT_TYPE(    400, "bad.request",           400, "unsupported_grant_type", 400, "unsupported_grant_type"),
    BAD_CONNECTION(            400, "bad.connection",        400, "invalid_request",        400, "invalid_request"),
    BAD_AUTH_PARAMS(           400, "bad.authParams",        400, "invalid_request",        400, "invalid_request"),
    BAD_PHONE_NUMBER(          400, "bad.phone_number",      400, "invalid_request",        400, "invalid_request"),
    PHONE_NUMBER_NOT_ALLOWED(  400, "bad.phone_number",      400, "invalid_request",        400, "invalid_request"),
    SIGNUP_DISABLED(           400, "signup_disabled",       401, "invalid_user_password",  403, "invalid_grant"),
    SMS_PROVIDER_REJECTED(     400, "sms_provider_error",    400, "invalid_request",        400, "invalid_request"),
    SMS_PROVIDER_UNAVAILABLE(  503, "sms_provider_error",    503, "temporarily_unavailable", 503, "temporarily_unavailable"),
    WRONG_CODE(                400, "bad.request",           401, "invalid_user_password",  403, "invalid_grant"),
    /** An authorization code that is unknown, expired, used, or not bound to what the exchange sent (RFC 6749 §5.2). */
    INVALID_GRANT(             400, "bad.request",           400, "invalid_grant",          400, "invalid_grant"),
    INVALID_REFRESH_TOKEN(     400, "bad.request",           403, "invalid_grant",          403, "invalid_grant"),
    /** RFC 7009 §2.1: a token issued to another client is not revoked, and the request is refused. */
    TOKEN_NOT_FOR_CLIENT(      403, "bad.client_id",         403, "unauthorized_client",    403, "unauthorized_client"),
    /** RFC 7009 §2.2.1: a JWT access token cannot be revoked (resource servers verify it on their own). */
    UNSUPPORTED_TOKEN_TYPE(    400, "bad.request",           400, "unsupported_token_type", 400, "unsupported_token_type"),
    /** A blocked user presented a right code (docs/management.md#blocking): Auth0's answer for a blocked user. */
    USER_BLOCKED(              401, "unauthorized",          401, "unauthorized",           401, "unauthorized"),
    INVALID_AUDIENCE(          400, "bad.request",           403, "access_denied",          403, "access_denied"),
    /**
     * Cross-origin authentication (docs/spa.md#cross-origin-authentication): a wrong code on {@code /co/authenticate},
     * or a login ticket that is unknown, used, expired, another client's, or not this browser's.
     */
    CROSS_ORIGIN_DENIED(       403, "access_denied",         403, "access_denied",          403, "access_denied"),
    INVALID_TOKEN(             401, "invalid_token",         401, "invalid_token",          401, "invalid_token"),
    INVALID_RETURN_TO(         400, "invalid_request",       400, "invalid_request",        400, "invalid_request"),
    TOO_MANY_REQUESTS(         429, "too_many_requests",     429, "too_many_requests",      429, "too_many_requests"),
    TOO_MANY_ATTEMPTS(         429, "too_many_attempts",     429, "too_many_attempts",      429, "too_many_attempts"),
    NOT_FOUND(                 404, "not_found",             404, "not_found",              404, "not_found"),
    METHOD_NOT_ALLOWED(        405, "method_not_allowed",    405, "method_not_allowed",     405, "method_not_allowed"),
    UNAVAILABLE(               503, "temporarily_unavailable", 503, "temporarily_unavailable", 503, "temporarily_unavailable"),
    INTERNAL(                  500, "server_error",          500, "server_error",           500, "server_error");
    // spotless:on

    /** The endpoint families whose error vocabulary differs (docs/auth0-compatibility.md#error-vocabularies). */
    public enum Dialect {
        START,
        OAUTH_RO,
        OAUTH_TOKEN
    }

    private final int startStatus;
    private final String startName;
    private final int roStatus;
    private final String roName;
    private final int tokenStatus;
    private final String tokenName;

    ErrorCode(int startStatus, String startName, int roStatus, String roName, int tokenStatus, String tokenName) {
        this.startStatus = startStatus;
        this.startName = startName;
        this.roStatus = roStatus;
        this.roName = roName;
        this.tokenStatus = tokenStatus;
        this.tokenName = tokenName;
    }

    public int status(Dialect dialect) {
        return switch (dialect) {
            case START -> startStatus;
            case OAUTH_RO -> roStatus;
            case OAUTH_TOKEN -> tokenStatus;
        };
    }

    public String wireName(Dialect dialect) {
        return switch (dialect) {
            case START -> startName;
            case OAUTH_RO -> roName;
            case OAUTH_TOKEN -> tokenName;
        };
    }
}
