package org.phonepass.core.abuse;

import java.time.Instant;
import java.util.Objects;
import org.phonepass.core.phone.PhoneNumber;

/**
 * One security-relevant fact, for the audit log and, later, the management API.
 *
 * @param time        when it happened
 * @param type        what happened
 * @param clientId    the client involved, or null
 * @param maskedPhone the phone number masked to its last four digits ({@link PhoneNumber#masked()}), or null
 * @param ip          the client address, or null
 * @param country     ISO region of the phone number ({@code GB}), or null
 * @param outcome     how it ended
 * @param detail      a short machine-readable reason ({@code limit=start_per_ip}), or null; never a code or secret
 * @param userId      the user the event is about ({@code sms|...}), when known: logins and management writes
 */
public record AuditEvent(
        Instant time,
        Type type,
        String clientId,
        String maskedPhone,
        String ip,
        String country,
        Outcome outcome,
        String detail,
        String userId) {

    public enum Type {
        START,
        SEND,
        VERIFY,
        LOCKOUT,
        PUMPING_BREAKER,
        REFRESH,
        REVOKE,
        /** A login transaction of the hosted login (only refusals are recorded). */
        AUTHORIZE,
        KEY_ROTATION,
        /** A login that issued tokens or a session, with the user's id; {@code detail} is {@code signup} for a new user. */
        LOGIN,
        /** A token for an API from the client_credentials grant; {@code detail} names the audience. */
        CLIENT_CREDENTIALS,
        /** Management API writes (docs/management.md#audit): the acting client is {@code clientId}. */
        USER_CREATE,
        USER_UPDATE,
        USER_BLOCK,
        USER_UNBLOCK,
        USER_DELETE,
        CLIENT_CREATE,
        CLIENT_UPDATE,
        CLIENT_DELETE,
        CLIENT_SECRET_ROTATE,
        CONNECTION_UPDATE
    }

    public enum Outcome {
        /** The action was done. */
        SUCCESS,
        /** The action was tried and failed (a wrong code, a provider error). */
        FAILURE,
        /** A policy stopped the request before the action. */
        REFUSED
    }

    /** Longest phone fragment an event may hold: four digits, so a full number can never reach the log. */
    private static final int MAX_VISIBLE_DIGITS = 4;

    public AuditEvent {
        Objects.requireNonNull(time, "time cannot be null");
        Objects.requireNonNull(type, "type cannot be null");
        Objects.requireNonNull(outcome, "outcome cannot be null");
        if (maskedPhone != null && digits(maskedPhone) > MAX_VISIBLE_DIGITS) {
            throw new IllegalArgumentException("maskedPhone must be masked (PhoneNumber.masked())");
        }
    }

    /** What {@code s.chars().filter(Character::isDigit).count()} counts, without a stream per event. */
    private static int digits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    /** An event about no particular user. */
    public AuditEvent(
            Instant time,
            Type type,
            String clientId,
            String maskedPhone,
            String ip,
            String country,
            Outcome outcome,
            String detail) {
        this(time, type, clientId, maskedPhone, ip, country, outcome, detail, null);
    }

    /** The same event, about {@code userId}. */
    public AuditEvent withUserId(String userId) {
        return new AuditEvent(time, type, clientId, maskedPhone, ip, country, outcome, detail, userId);
    }

    /** An event about a phone number, masking it here so callers cannot forget. */
    public static AuditEvent of(
            Instant time, Type type, String clientId, PhoneNumber phone, String ip, Outcome outcome, String detail) {
        return new AuditEvent(
                time,
                type,
                clientId,
                phone == null ? null : phone.masked(),
                ip,
                phone == null ? null : phone.regionCode(),
                outcome,
                detail);
    }
}
