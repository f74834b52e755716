package org.phonepass.server.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditSearch.Kind;

/**
 * Auth0's log codes (docs/management.md#log-event-types): every audit event gets exactly one code, and the filter a
 * {@code type:<code>} query becomes selects exactly the events that get that code.
 */
class LogTypesTest {
    private static List<AuditEvent> everyEvent() {
        List<AuditEvent> out = new ArrayList<>();
        List<String> details = List.of("wrong_code", "no_live_code", "reuse_family_revoked", "signup", "x");
        for (AuditEvent.Type type : AuditEvent.Type.values()) {
            for (AuditEvent.Outcome outcome : AuditEvent.Outcome.values()) {
                out.add(new AuditEvent(Instant.EPOCH, type, "c", null, null, null, outcome, null));
                for (String d : details) {
                    out.add(new AuditEvent(Instant.EPOCH, type, "c", null, null, null, outcome, d));
                }
            }
        }
        return out;
    }

    @Test
    void kindsForWhenUsedAsAFilterThenTheyMatchExactlyTheEventsOfThatCode() {
        for (String code : LogTypes.codes()) {
            List<Kind> kinds = LogTypes.kindsFor(code).orElseThrow();
            for (AuditEvent e : everyEvent()) {
                boolean hidden = LogTypes.HIDDEN.stream().anyMatch(k -> k.matches(e));
                boolean selected = !hidden && kinds.stream().anyMatch(k -> k.matches(e));
                boolean hasCode = !hidden && LogTypes.of(e).code().equals(code);
                assertThat(selected).as(code + " for " + e).isEqualTo(hasCode);
            }
        }
    }

    @Test
    void ofWhenPasswordlessEventsThenAuth0sCodes() {
        assertThat(code(AuditEvent.Type.LOGIN, AuditEvent.Outcome.SUCCESS, null))
                .isEqualTo("s");
        assertThat(code(AuditEvent.Type.SEND, AuditEvent.Outcome.SUCCESS, null)).isEqualTo("cs");
        assertThat(code(AuditEvent.Type.VERIFY, AuditEvent.Outcome.FAILURE, "wrong_code"))
                .isEqualTo("fp");
        assertThat(code(AuditEvent.Type.VERIFY, AuditEvent.Outcome.FAILURE, "no_live_code"))
                .isEqualTo("f");
        assertThat(code(AuditEvent.Type.VERIFY, AuditEvent.Outcome.REFUSED, "limit=verify_per_ip"))
                .isEqualTo("limit_wc");
        assertThat(code(AuditEvent.Type.REFRESH, AuditEvent.Outcome.FAILURE, "reuse_family_revoked"))
                .isEqualTo("ferrt");
        assertThat(code(AuditEvent.Type.CLIENT_CREDENTIALS, AuditEvent.Outcome.SUCCESS, null))
                .isEqualTo("seccft");
        assertThat(code(AuditEvent.Type.USER_DELETE, AuditEvent.Outcome.SUCCESS, null))
                .isEqualTo("sdu");
        assertThat(code(AuditEvent.Type.CLIENT_UPDATE, AuditEvent.Outcome.FAILURE, null))
                .isEqualTo("fapi");
        assertThat(LogTypes.kindsFor("nope")).isEmpty();
    }

    private static String code(AuditEvent.Type type, AuditEvent.Outcome outcome, String detail) {
        return LogTypes.of(new AuditEvent(Instant.EPOCH, type, "c", null, null, null, outcome, detail))
                .code();
    }
}
