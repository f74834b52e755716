package org.phonepass.store.sql;

import java.time.LocalDate;
import java.util.Objects;

/**
 * SMS send attempts of one UTC day, provider, outcome and latency bucket, as every node adds them up
 * ({@link JdbcProviderStats}); what the admin console's provider figures are built from.
 *
 * @param day         the UTC day of the attempts
 * @param provider    the provider's id ({@code twilio})
 * @param outcome     {@code sent}, or the failure's kind ({@code transient}, {@code rejected_number}, {@code
 *                    configuration})
 * @param leMillis    the latency bucket's upper bound in milliseconds ({@link Long#MAX_VALUE} for the last one)
 * @param attempts    how many attempts
 * @param totalMillis their latencies added up
 * @param maxMillis   the longest of them
 */
public record ProviderStat(
        LocalDate day,
        String provider,
        String outcome,
        long leMillis,
        long attempts,
        long totalMillis,
        long maxMillis) {
    public ProviderStat {
        Objects.requireNonNull(day, "day cannot be null");
        Objects.requireNonNull(provider, "provider cannot be null");
        Objects.requireNonNull(outcome, "outcome cannot be null");
    }
}
