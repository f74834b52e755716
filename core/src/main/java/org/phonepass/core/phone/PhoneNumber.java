package org.phonepass.core.phone;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A phone number in E.164 form ({@code +} and up to 15 digits), validated once by {@link PhoneNumberParser}.
 *
 * @param e164        the number, for example {@code +12015550123}
 * @param regionCode  ISO 3166 alpha-2 region of the number ({@code US}), or {@code ZZ} when unknown
 * @param callingCode the country calling code ({@code 1})
 */
public record PhoneNumber(String e164, String regionCode, int callingCode) {
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");

    public PhoneNumber {
        Objects.requireNonNull(e164, "e164 cannot be null");
        if (!E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("not an E.164 number");
        }
        Objects.requireNonNull(regionCode, "regionCode cannot be null");
    }

    /** The number with all but the last four digits hidden, for logs and audit: {@code +*******0123}. */
    public String masked() {
        return mask(e164);
    }

    /** Masks any phone-like string to its last four characters. */
    public static String mask(String raw) {
        if (raw == null) {
            return "";
        }
        int keep = Math.min(4, raw.length());
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length() - keep; i++) {
            sb.append(i == 0 && raw.charAt(0) == '+' ? '+' : '*');
        }
        return sb.append(raw, raw.length() - keep, raw.length()).toString();
    }

    @Override
    public String toString() {
        return masked();
    }
}
