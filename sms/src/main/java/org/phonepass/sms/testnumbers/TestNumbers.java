package org.phonepass.sms.testnumbers;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.phonepass.core.phone.PhoneNumber;

/**
 * Phone numbers with a fixed code that never receive an SMS: for app-store reviewers, who must log in without a
 * phone, and for CI. A number whose expiry has passed is an ordinary number again, so a forgotten review account
 * does not stay open for ever.
 */
public final class TestNumbers {
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    private static final Pattern CODE = Pattern.compile("^[0-9]{4,10}$");

    /**
     * One test number.
     *
     * @param e164      the number in E.164
     * @param code      its fixed code, 4 to 10 digits
     * @param expiresAt when the entry stops applying, or null for never
     */
    public record Entry(String e164, String code, Instant expiresAt) {
        public Entry {
            if (e164 == null || !E164.matcher(e164).matches()) {
                throw new IllegalArgumentException("a test number must be in E.164 form, such as +15555550100");
            }
            if (code == null || !CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("a test number's code must be 4 to 10 digits");
            }
        }

        boolean activeAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }

        @Override
        public String toString() {
            return "Entry[" + PhoneNumber.mask(e164) + ", expiresAt=" + expiresAt + "]";
        }
    }

    private static final TestNumbers NONE = new TestNumbers(java.util.List.of());
    private final Map<String, Entry> byNumber;

    public TestNumbers(Collection<Entry> entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (map.put(entry.e164(), entry) != null) {
                throw new IllegalArgumentException(
                        "test number " + PhoneNumber.mask(entry.e164()) + " is listed twice");
            }
        }
        this.byNumber = Map.copyOf(map);
    }

    public static TestNumbers none() {
        return NONE;
    }

    public boolean isEmpty() {
        return byNumber.isEmpty();
    }

    /** The fixed code of a number that is a test number now, to use instead of a random code. */
    public Optional<String> fixedCode(PhoneNumber phone, Instant now) {
        return active(phone, now).map(Entry::code);
    }

    /** Whether no SMS must be sent to this number now. */
    public boolean isTestNumber(PhoneNumber phone, Instant now) {
        return active(phone, now).isPresent();
    }

    private Optional<Entry> active(PhoneNumber phone, Instant now) {
        Objects.requireNonNull(phone, "phone cannot be null");
        Objects.requireNonNull(now, "now cannot be null");
        Entry entry = byNumber.get(phone.e164());
        return entry != null && entry.activeAt(now) ? Optional.of(entry) : Optional.empty();
    }
}
