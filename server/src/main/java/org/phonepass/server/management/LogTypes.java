package org.phonepass.server.management;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditEvent.Outcome;
import org.phonepass.core.abuse.AuditEvent.Type;
import org.phonepass.core.abuse.AuditSearch.Kind;

/**
 * Auth0's log event type codes for the audit events (docs/management.md#log-event-types). Each row says which
 * events get a code; the first row that matches wins, so a detail-specific row comes before the general one.
 */
public final class LogTypes {
    /** One row: the kind of audit event, its Auth0 code and the description Auth0 gives that code. */
    record Row(Kind kind, String code, String description) {}

    static final List<Row> ROWS = List.of(
            row(Type.LOGIN, Outcome.SUCCESS, null, "s", "Success Login"),
            row(Type.SEND, Outcome.SUCCESS, null, "cs", "Code Sent"),
            row(Type.SEND, Outcome.FAILURE, null, "fn", "Failed Sending Notification"),
            row(Type.SEND, Outcome.REFUSED, null, "api_limit", "Rate Limit on the Authentication API"),
            row(Type.START, Outcome.REFUSED, null, "api_limit", "Rate Limit on the Authentication API"),
            row(Type.START, Outcome.FAILURE, null, "f", "Failed Login"),
            row(Type.START, Outcome.SUCCESS, null, "cls", "Code/Link Sent"),
            row(Type.VERIFY, Outcome.FAILURE, "wrong_code", "fp", "Wrong phone number or verification code"),
            row(Type.VERIFY, Outcome.FAILURE, null, "f", "Failed Login"),
            row(Type.VERIFY, Outcome.REFUSED, null, "limit_wc", "Blocked Account"),
            row(Type.LOCKOUT, null, null, "limit_wc", "Blocked Account"),
            row(Type.PUMPING_BREAKER, null, null, "api_limit", "SMS pumping breaker"),
            row(Type.REFRESH, Outcome.SUCCESS, null, "sertft", "Success Exchange"),
            row(
                    Type.REFRESH,
                    Outcome.FAILURE,
                    "reuse_family_revoked",
                    "ferrt",
                    "Failed Exchange of Rotating Refresh Token"),
            row(Type.REFRESH, null, null, "fertft", "Failed Exchange"),
            row(Type.REVOKE, Outcome.SUCCESS, null, "srrt", "Successfully revoked a Refresh Token"),
            row(Type.REVOKE, null, null, "w", "Warnings During Login"),
            row(Type.CLIENT_CREDENTIALS, Outcome.SUCCESS, null, "seccft", "Success Exchange"),
            row(Type.CLIENT_CREDENTIALS, null, null, "feccft", "Failed Exchange"),
            row(Type.USER_DELETE, Outcome.SUCCESS, null, "sdu", "Successful User Deletion"),
            row(Type.USER_DELETE, null, null, "fdu", "Failed User Deletion"),
            row(Type.USER_CREATE, Outcome.SUCCESS, null, "sapi", "Create a User"),
            row(Type.USER_UPDATE, Outcome.SUCCESS, null, "sapi", "Update a User"),
            row(Type.USER_BLOCK, Outcome.SUCCESS, null, "sapi", "Block a User"),
            row(Type.USER_UNBLOCK, Outcome.SUCCESS, null, "sapi", "Unblock a User"),
            row(Type.CLIENT_CREATE, Outcome.SUCCESS, null, "sapi", "Create a Client"),
            row(Type.CLIENT_UPDATE, Outcome.SUCCESS, null, "sapi", "Update a Client"),
            row(Type.CLIENT_DELETE, Outcome.SUCCESS, null, "sapi", "Delete a Client"),
            row(Type.CLIENT_SECRET_ROTATE, Outcome.SUCCESS, null, "sapi", "Rotate a Client Secret"),
            row(Type.CONNECTION_UPDATE, Outcome.SUCCESS, null, "sapi", "Update a Connection"),
            row(Type.KEY_ROTATION, Outcome.SUCCESS, null, "sapi", "Rotate Signing Keys"));

    /**
     * A code accepted verification is not shown on its own: the login it led to is the {@code s} event. The
     * management writes that failed are {@code fapi}.
     */
    static final List<Kind> HIDDEN = List.of(Kind.of(Type.VERIFY, Outcome.SUCCESS));

    private LogTypes() {}

    private static Row row(Type type, Outcome outcome, String detail, String code, String description) {
        return new Row(new Kind(type, outcome, detail, true), code, description);
    }

    /** The code and description of an event. */
    public static Row of(AuditEvent e) {
        for (Row r : ROWS) {
            if (r.kind().matches(e)) {
                return r;
            }
        }
        return e.outcome() == Outcome.SUCCESS
                ? new Row(Kind.of(e.type(), e.outcome()), "sapi", "Success API Operation")
                : new Row(Kind.of(e.type(), e.outcome()), "fapi", "Failed API Operation");
    }

    /** Every code this server writes. */
    public static Set<String> codes() {
        Set<String> out = new LinkedHashSet<>();
        ROWS.forEach(r -> out.add(r.code()));
        out.add("fapi");
        return out;
    }

    /**
     * The kinds of audit event that get {@code code}, as a filter: exact, since a row's detail condition is kept and
     * the rows before it that would have claimed an event are excluded from the later, general ones.
     */
    public static Optional<List<Kind>> kindsFor(String code) {
        if (!codes().contains(code)) {
            return Optional.empty();
        }
        List<Kind> out = new ArrayList<>();
        for (int i = 0; i < ROWS.size(); i++) {
            Row r = ROWS.get(i);
            if (!r.code().equals(code)) {
                continue;
            }
            Kind k = r.kind();
            // A general row (no detail) after a detail row of the same type and outcome: leave those events out.
            String excludedDetail = null;
            for (int j = 0; j < i; j++) {
                Kind earlier = ROWS.get(j).kind();
                if (earlier.type() == k.type()
                        && earlier.detail() != null
                        && (k.outcome() == null || k.outcome() == earlier.outcome())
                        && !ROWS.get(j).code().equals(code)) {
                    excludedDetail = earlier.detail();
                }
            }
            if (k.detail() == null && excludedDetail != null) {
                // Rows of this table exclude at most one detail per type; enough for a detail-negated kind.
                out.add(new Kind(k.type(), k.outcome(), excludedDetail, false));
            } else {
                out.add(k);
            }
        }
        if (code.equals("fapi")) {
            for (Type t : List.of(
                    Type.USER_CREATE,
                    Type.USER_UPDATE,
                    Type.USER_BLOCK,
                    Type.USER_UNBLOCK,
                    Type.CLIENT_CREATE,
                    Type.CLIENT_UPDATE,
                    Type.CLIENT_DELETE,
                    Type.CLIENT_SECRET_ROTATE,
                    Type.CONNECTION_UPDATE,
                    Type.KEY_ROTATION)) {
                out.add(new Kind(t, Outcome.FAILURE, null, true));
                out.add(new Kind(t, Outcome.REFUSED, null, true));
            }
        }
        return Optional.of(out);
    }
}
