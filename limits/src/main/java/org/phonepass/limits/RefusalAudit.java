package org.phonepass.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.IpKeys;

/**
 * Writes refusals to the audit log once per key and window instead of once per request: a refused request costs
 * the attacker nothing, so a row each would let a script fill the audit table at the rate it can send requests.
 * The first refusal of a key (event type, reason, address or IPv6 /64, number, client) in a window is written; later ones only count,
 * and the first row of the next window carries {@code repeats=N}, the refusals left out since. The metrics still
 * count every refusal.
 *
 * <p>At most {@code maxKeys} keys are remembered; ended windows are dropped when the table is full, and when that
 * many are still in their window, further new keys are not written at all (the metrics still count them), so
 * memory stays bounded whatever the number of addresses.
 */
final class RefusalAudit {
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final AuditLog audit;
    private final Clock clock;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** One key's window: when it ends and the refusals left out so far. Mutated only inside {@code compute}. */
    private static final class Window {
        final Instant until;
        long left;

        Window(Instant until) {
            this.until = until;
        }
    }

    RefusalAudit(AuditLog audit, Clock clock, int maxKeys) {
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.maxKeys = maxKeys;
    }

    /** Writes the refusal, or counts it when its key was written less than a window ago. */
    void record(AuditEvent event) {
        Instant now = clock.instant();
        // Addresses as the limits count them (IPv6 per /64): rotating within one's own /64 gives no fresh row.
        String key = event.type() + "|" + event.detail() + "|" + IpKeys.of(event.ip()) + "|" + event.maskedPhone() + "|"
                + event.clientId();
        if (windows.size() >= maxKeys && !windows.containsKey(key)) {
            windows.values().removeIf(w -> !now.isBefore(w.until));
            if (windows.size() >= maxKeys) {
                return;
            }
        }
        long[] repeats = {-1};
        windows.compute(key, (k, w) -> {
            if (w != null && now.isBefore(w.until)) {
                w.left++;
                return w;
            }
            repeats[0] = w == null ? 0 : w.left;
            return new Window(now.plus(WINDOW));
        });
        if (repeats[0] < 0) {
            return;
        }
        AuditEvent written = repeats[0] == 0
                ? event
                : new AuditEvent(
                        event.time(),
                        event.type(),
                        event.clientId(),
                        event.maskedPhone(),
                        event.ip(),
                        event.country(),
                        event.outcome(),
                        (event.detail() == null ? "" : event.detail() + " ") + "repeats=" + repeats[0]);
        try {
            audit.record(written);
        } catch (RuntimeException e) {
            // The audit log must never turn a decision into an error.
        }
    }
}
