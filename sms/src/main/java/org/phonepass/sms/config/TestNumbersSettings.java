package org.phonepass.sms.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.phonepass.sms.testnumbers.TestNumbers;

/**
 * {@code sms.test_numbers}: numbers with fixed codes that never receive an SMS.
 *
 * @param allowInProduction whether the list may be used in production mode; default false, because a fixed code
 *                          is a permanent password for that account
 * @param numbers           the numbers
 */
public record TestNumbersSettings(Boolean allowInProduction, List<TestNumber> numbers) {
    public static final TestNumbersSettings DEFAULTS = new TestNumbersSettings(null, null);

    /**
     * One test number.
     *
     * @param number  E.164, such as {@code +15555550100}
     * @param code    the fixed code, 4 to 10 digits
     * @param expires optional: a date ({@code 2026-12-31}, valid through that day, UTC) or an instant
     *                ({@code 2026-12-31T18:00:00Z})
     */
    public record TestNumber(String number, String code, String expires) {
        @Override
        public String toString() {
            return "TestNumber[number=" + org.phonepass.core.phone.PhoneNumber.mask(number) + ", code=****, expires="
                    + expires + "]";
        }
    }

    public TestNumbersSettings {
        allowInProduction = allowInProduction != null && allowInProduction;
        numbers = numbers == null ? List.of() : List.copyOf(numbers);
    }

    /** The registry, or an IllegalArgumentException naming the key. */
    public TestNumbers toTestNumbers(String prefix, boolean productionMode) {
        if (numbers.isEmpty()) {
            return TestNumbers.none();
        }
        if (productionMode && !allowInProduction) {
            throw new IllegalArgumentException(prefix + ".numbers is refused in production mode: a fixed code is a "
                    + "permanent password. Set " + prefix + ".allow_in_production: true if this is intended "
                    + "(an app-store review account, for example)");
        }
        List<TestNumbers.Entry> entries = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            TestNumber n = numbers.get(i);
            String key = prefix + ".numbers[" + i + "]";
            if (n == null) {
                throw new IllegalArgumentException(key + " is empty");
            }
            try {
                entries.add(new TestNumbers.Entry(
                        n.number() == null ? null : n.number().trim(), n.code(), expiry(key, n.expires())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
        try {
            return new TestNumbers(entries);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".numbers: " + e.getMessage(), e);
        }
    }

    private static Instant expiry(String key, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(raw.trim())
                    .plusDays(1)
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return Instant.parse(raw.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        key + ".expires must be a date (2026-12-31) or an instant " + "(2026-12-31T18:00:00Z)");
            }
        }
    }
}
