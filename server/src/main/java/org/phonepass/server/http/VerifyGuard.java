package org.phonepass.server.http;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.VerifyContext;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;

/**
 * Runs one code comparison (a consume or a check) under the abuse policy, for every endpoint that takes a code:
 * the limits are checked before the code is compared, so a refused request never spends one of the code's
 * attempts, and only compared codes count as failures.
 */
final class VerifyGuard {
    /** The client recorded for {@code POST /passwordless/verify} from auth0-js 6/7, which sends no client_id. */
    static final String ANY_CLIENT = "*";

    private final ClientAddress address;
    private final LoginService login;
    private final AbusePolicy policy;
    private final AuditLog audit;

    VerifyGuard(ClientAddress address, LoginService login, AbusePolicy policy, AuditLog audit) {
        this.address = address;
        this.login = login;
        this.policy = policy;
        this.audit = audit;
    }

    /**
     * @param clientId the client for the policy and the audit log; {@link #ANY_CLIENT} when the request named none
     * @param username the submitted phone number, as sent
     * @param attempt  the comparison; a {@code WRONG_CODE} failure counts towards the number's limits
     */
    <T> T run(Context ctx, String clientId, String username, Supplier<T> attempt) {
        String ip = address.ip(ctx);
        VerifyContext context = new VerifyContext(clientId, login.tryParsePhone(username).orElse(null), ip);
        policy.checkVerify(context).ifPresent(h -> h.toHeaders().forEach(ctx::header));
        T result;
        try {
            result = attempt.get();
        } catch (PhonepassException e) {
            if (e.code() == ErrorCode.WRONG_CODE) {
                policy.recordVerifyFailure(context);
            } else {
                policy.recordVerifyAborted(context);
                // The policy audits wrong codes; the other reasons (sign-up disabled, bad audience, ...) here.
                audit(AuditEvent.of(Instant.now(), AuditEvent.Type.VERIFY, clientId, context.phone(), ip,
                        AuditEvent.Outcome.FAILURE, e.code().name().toLowerCase(Locale.ROOT)));
            }
            throw e;
        } catch (RuntimeException e) {
            policy.recordVerifyAborted(context);
            throw e;
        }
        policy.recordVerifySuccess(context);
        return result;
    }

    private void audit(AuditEvent event) {
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            // AuditLog's contract: a lost audit record never turns a request into an error.
        }
    }
}
