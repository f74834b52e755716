package org.phonepass.sms.http;

import java.util.regex.Pattern;

/** Hides phone numbers inside vendor error texts before they reach a log or an exception message. */
public final class Redact {
    // Vendors echo the destination back ("The 'To' number +15005550001 is not valid"); any run of six or more
    // digits, with its separators, is treated as a number.
    private static final Pattern DIGITS = Pattern.compile("\\+?[0-9][0-9 ().-]{4,}[0-9]");
    private static final int MAX_LENGTH = 200;

    private Redact() {}

    /** The text with phone-like digit runs masked to their last four digits, and cut to a sane length. */
    public static String text(String vendorText) {
        if (vendorText == null) {
            return "";
        }
        String cut = vendorText.length() > MAX_LENGTH ? vendorText.substring(0, MAX_LENGTH) + "…" : vendorText;
        return DIGITS.matcher(cut).replaceAll(m -> {
            String digits = m.group().replaceAll("[^0-9]", "");
            if (digits.length() < 6) {
                return m.group();
            }
            return "*".repeat(digits.length() - 4) + digits.substring(digits.length() - 4);
        });
    }
}
