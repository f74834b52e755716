package org.phonepass.core.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises what a person typed into E.164 with libphonenumber. Numbers must be international ({@code +} or
 * {@code 00} prefix) unless a default region is configured. Only numbers libphonenumber considers valid for their
 * region are accepted: this refuses unassigned ranges, which keeps typos and a class of pumping traffic away from the
 * SMS provider.
 */
public final class PhoneNumberParser {
    /** Longest input we look at; anything longer is not a phone number and is refused before parsing. */
    public static final int MAX_INPUT_LENGTH = 64;

    private static final Pattern ALLOWED = Pattern.compile("^[0-9+ ().\\-]+$");

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /** @param defaultRegion ISO alpha-2 region used for numbers typed without a country code, or null for none */
    public PhoneNumberParser(String defaultRegion) {
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion;
    }

    /** Returns the E.164 number, or empty when the input is not a valid phone number. */
    public Optional<PhoneNumber> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > MAX_INPUT_LENGTH || !ALLOWED.matcher(s).matches()) {
            return Optional.empty();
        }
        if (s.startsWith("00")) {
            s = "+" + s.substring(2);
        }
        if (!s.startsWith("+") && defaultRegion == null) {
            return Optional.empty();
        }
        try {
            Phonenumber.PhoneNumber parsed = util.parse(s, s.startsWith("+") ? "ZZ" : defaultRegion);
            // isValidNumber(n) is isValidNumberForRegion(n, getRegionCodeForNumber(n)); the region is needed below
            // too, and finding it is the dear part (for +1, up to 25 regions' number patterns are tried), so it is
            // found once: a third of a verify's parse (docs/benchmarks.md#non-signature-cpu).
            String region = util.getRegionCodeForNumber(parsed);
            if (!util.isValidNumberForRegion(parsed, region)) {
                return Optional.empty();
            }
            return Optional.of(new PhoneNumber(
                    util.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164),
                    region == null ? "ZZ" : region,
                    parsed.getCountryCode()));
        } catch (NumberParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The libphonenumber line type of a valid number, for the number-type policy. */
    public PhoneNumberUtil.PhoneNumberType type(PhoneNumber number) {
        try {
            return util.getNumberType(util.parse(number.e164(), "ZZ"));
        } catch (NumberParseException e) {
            return PhoneNumberUtil.PhoneNumberType.UNKNOWN;
        }
    }
}
