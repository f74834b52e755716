package org.phonepass.core.token;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;

/**
 * What a client does with its tokens after a login, whole: the refresh_token grant and {@code /oauth/revoke}
 * (docs/api.md). The HTTP layer reads the parameters, checks the client, calls one method here and writes what it
 * returns; the token rules themselves are {@link TokenService}'s, and this adds the abuse limit and the audit events
 * around them (docs/security.md#6-audit-events).
 */
public final class TokenManagementService {
    private final TokenService tokens;
    private final AbusePolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    public TokenManagementService(TokenService tokens, AbusePolicy policy, AuditLog audit, Clock clock) {
        this.tokens = Objects.requireNonNull(tokens, "tokens cannot be null");
        this.policy = Objects.requireNonNull(policy, "policy cannot be null");
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    /**
     * The refresh_token grant, audited as {@code REFRESH}: {@code SUCCESS}, or {@code FAILURE} with the error's name,
     * or {@code reuse_family_revoked} for a replayed token (reuse detection revoked its family: the signal of a
     * theft).
     *
     * @param client the authenticated client
     * @param token  the presented refresh token
     * @param ip     the client address, resolved once by the caller
     * @throws PhonepassException the refusal to answer ({@code invalid_grant}, {@code unauthorized_client})
     */
    public TokenResponse refresh(Client client, String token, String ip) {
        TokenService.RefreshOutcome outcome = tokens.tryRefresh(client, token);
        if (outcome.refused() == null) {
            audit(client, ip, AuditEvent.Type.REFRESH, AuditEvent.Outcome.SUCCESS, null);
            return outcome.tokens();
        }
        String detail = outcome.replay()
                ? "reuse_family_revoked"
                : outcome.refused().code().name().toLowerCase(Locale.ROOT);
        audit(client, ip, AuditEvent.Type.REFRESH, AuditEvent.Outcome.FAILURE, detail);
        throw outcome.refused();
    }

    /**
     * The client_credentials grant ({@link TokenService#clientCredentials}), audited as {@code CLIENT_CREDENTIALS}
     * with the audience: {@code SUCCESS}, or {@code FAILURE} with the error's name.
     *
     * @param client    the authenticated client
     * @param audience  the API asked for
     * @param requested the scopes asked for; empty for every granted scope
     * @param ip        the client address, resolved once by the caller
     */
    public TokenResponse clientCredentials(Client client, String audience, java.util.Set<String> requested, String ip) {
        try {
            TokenResponse issued = tokens.clientCredentials(client, audience, requested);
            audit(client, ip, AuditEvent.Type.CLIENT_CREDENTIALS, AuditEvent.Outcome.SUCCESS, "audience=" + audience);
            return issued;
        } catch (PhonepassException e) {
            audit(
                    client,
                    ip,
                    AuditEvent.Type.CLIENT_CREDENTIALS,
                    AuditEvent.Outcome.FAILURE,
                    e.code().name().toLowerCase(Locale.ROOT));
            throw e;
        }
    }

    /**
     * The first step of {@code /oauth/revoke}: the per-address limit ({@link AbusePolicy#checkRevoke}), checked
     * before the request is read or its client authenticated, since public clients call it without a secret and
     * each call may write. Only what it returns can revoke, so no revocation skips the limit.
     *
     * @param ip the client address, resolved once by the caller
     * @throws PhonepassException {@code TOO_MANY_REQUESTS} when the limit refuses (the policy audits it)
     */
    public Revocation admitRevoke(String ip) {
        Objects.requireNonNull(ip, "ip cannot be null");
        policy.checkRevoke(ip);
        return new Revocation(ip);
    }

    /** A revocation the limit allowed, for one request from one address. */
    public final class Revocation {
        private final String ip;

        private Revocation(String ip) {
            this.ip = ip;
        }

        /**
         * Revokes {@code token} (RFC 7009, {@link TokenService#revoke}) and audits it as {@code REVOKE}:
         * {@code SUCCESS} for known and unknown tokens alike, as the answer is; {@code REFUSED}
         * {@code token_not_for_client} for a token issued to another client, which is left alone.
         *
         * @throws PhonepassException {@code TOKEN_NOT_FOR_CLIENT}, or {@code UNSUPPORTED_TOKEN_TYPE} for a JWT access
         *                            token
         */
        public void revoke(Client client, String token) {
            try {
                tokens.revoke(client, token);
            } catch (PhonepassException e) {
                if (e.code() == ErrorCode.TOKEN_NOT_FOR_CLIENT) {
                    audit(client, ip, AuditEvent.Type.REVOKE, AuditEvent.Outcome.REFUSED, "token_not_for_client");
                }
                throw e;
            }
            audit(client, ip, AuditEvent.Type.REVOKE, AuditEvent.Outcome.SUCCESS, null);
        }
    }

    private void audit(Client client, String ip, AuditEvent.Type type, AuditEvent.Outcome outcome, String detail) {
        try {
            audit.record(new AuditEvent(clock.instant(), type, client.clientId(), null, ip, null, outcome, detail));
        } catch (RuntimeException e) {
            // AuditLog's contract: a lost audit record never turns a request into an error.
        }
    }
}
