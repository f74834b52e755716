package org.phonepass.core.abuse;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.ratelimit.RateLimitHeaders;

/**
 * The decisions that keep code guessing and SMS pumping off a public login endpoint. The domain's login services
 * ({@code StartService}, {@code LoginService}) call it around every send and every code comparison, whatever the
 * way of logging in; it never sees codes.
 *
 * <p>Refusals are {@code PhonepassException}s: {@code TOO_MANY_REQUESTS} (start) or {@code TOO_MANY_ATTEMPTS}
 * (verify) with {@code retryAfterSeconds()} set and the {@code x-ratelimit-*} values in {@code details()} under the
 * keys of {@link RateLimitHeaders}; {@code PHONE_NUMBER_NOT_ALLOWED} for a refused country, number type or a veto
 * of the pre-send hook; {@code INVALID_REQUEST} for a failed bot check.
 *
 * <p>Order for a start: {@link #checkStart} (synchronous, local and cheap) → {@link #screenStart} (remote bot check
 * and pre-send hook) → send → {@link #recordSend} once the SMS provider accepted the message. Order for a
 * verification: {@link #checkVerify} <em>before</em> the code is compared, so a refused request never spends one of
 * the code's attempts → compare → {@link #recordVerifySuccess}, {@link #recordVerifyFailure},
 * {@link #recordVerifyNoLiveCode} when there was no live code to guess, or {@link #recordVerifyAborted} when the
 * request failed before any code was compared.
 *
 * <p>{@code checkVerify} reserves one of the number's wrong-code tokens for the caller's network before the compare
 * (given back on success, abort, or when no code was live), so that concurrent guesses cannot overrun the limit
 * between a check and its record.
 */
public interface AbusePolicy {

    /**
     * Country, number type, every send limit and the pumping breaker. Takes one token from each enabled send limit
     * or, when one refuses, none at all.
     *
     * @return the headers to send with the successful answer (the limit closest to refusing), empty when every
     *         limit is switched off
     * @throws org.phonepass.core.error.PhonepassException when refused
     */
    Optional<RateLimitHeaders> checkStart(StartContext start);

    /**
     * The remote checks, after {@link #checkStart}: the bot check, then the pre-send hook. Completes normally to
     * allow the send, or exceptionally with a {@code PhonepassException}. Never blocks the calling thread.
     */
    CompletionStage<Void> screenStart(StartContext start);

    /** The SMS provider accepted a code for this start; feeds the pumping breaker and the audit log. */
    void recordSend(StartContext start);

    /**
     * The lock and wrong-code budget of the number for the caller's network, and the per-IP attempt limit, checked
     * before the code is compared. When allowed, takes one per-IP attempt and reserves one of the wrong-code tokens;
     * when refused, takes nothing.
     *
     * @return the headers for the answer, empty when every verify limit is switched off
     * @throws org.phonepass.core.error.PhonepassException {@code TOO_MANY_ATTEMPTS} when refused
     */
    Optional<RateLimitHeaders> checkVerify(VerifyContext verify);

    /**
     * A live code was compared and was wrong (or the request could not name one, an invalid number or an over-long
     * code): counts towards the lock of this number for the caller's network.
     */
    void recordVerifyFailure(VerifyContext verify);

    /**
     * The code was compared, but the number had no live code for it (none sent, expired, used, replaced or dead):
     * the answer is the same wrong code, but nothing could have been guessed, so it does not count towards the
     * number's lock (it has spent the address's attempt); without this, anyone could lock any number with guesses
     * that cannot succeed (docs/security.md#wrong-code-limit). Implementations give back what {@link #checkVerify}
     * reserved for the number, as {@link #recordVerifyAborted} does, and may audit it as a wrong code.
     */
    default void recordVerifyNoLiveCode(VerifyContext verify) {
        recordVerifyAborted(verify);
    }

    /**
     * The request passed {@link #checkVerify} but no code was compared (a malformed request, an internal error):
     * gives back the per-number attempt so that only compared codes count.
     */
    void recordVerifyAborted(VerifyContext verify);

    /**
     * A code was accepted: feeds the conversion rate of the pumping breaker and clears the number's wrong codes, as
     * one call to where the limits live ({@code RateLimiter.resetAndCount}: one round trip on a shared backend).
     */
    void recordVerifySuccess(VerifyContext verify);

    /**
     * The per-IP limit of {@code /oauth/revoke}, which public clients call without a secret: each call may write a
     * revocation and an audit row, so an address gets a bounded number of them.
     *
     * @throws org.phonepass.core.error.PhonepassException {@code TOO_MANY_REQUESTS} when refused
     */
    void checkRevoke(String ip);

    /**
     * The per-IP limit of login transactions: a {@code GET /authorize} that sends the browser to the hosted pages
     * stores the pending request until it expires, so an address gets a bounded number of them
     * (docs/hosted-login.md#login-transactions). Policies without such a limit allow every one.
     *
     * @throws org.phonepass.core.error.PhonepassException {@code TOO_MANY_REQUESTS} when refused
     */
    default void checkAuthorize(String ip) {}
}
