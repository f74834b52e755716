package org.phonepass.core.sms;

import java.util.Objects;

/**
 * How many SMS segments a text costs (3GPP TS 23.038 and 23.040).
 *
 * <p>A text made only of GSM 7-bit default alphabet characters (extension-table characters such as {@code €} or
 * {@code [} count twice) travels as GSM-7: 160 septets in one segment, or 153 per segment once the user data header
 * of a concatenated message takes its share. Any other character switches the whole text to UCS-2: 70 UTF-16 units
 * in one segment, 67 per segment when concatenated. Phones never split an escape pair or a surrogate pair across
 * two segments, so the count packs them whole, as the networks do.
 *
 * @param encoding  the encoding the text needs
 * @param units     septets for GSM-7, UTF-16 code units for UCS-2
 * @param segments  segments the text is split into (at least 1, an empty text still costs one message)
 */
public record SmsSegments(Encoding encoding, int units, int segments) {
    /** The two encodings a text SMS uses. */
    public enum Encoding {
        GSM_7(160, 153),
        UCS_2(70, 67);

        private final int single;
        private final int perPart;

        Encoding(int single, int perPart) {
            this.single = single;
            this.perPart = perPart;
        }

        /** Units that fit in a message of one segment. */
        public int singleSegmentUnits() {
            return single;
        }

        /** Units that fit in each segment of a concatenated message. */
        public int concatenatedSegmentUnits() {
            return perPart;
        }
    }

    // GSM 03.38 default alphabet, in table order; the ESC position (0x1B) is left out because it is not a character.
    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    // Characters reached through the escape: each costs two septets.
    private static final String EXTENSION = "\f^{}\\[~]|€";

    public SmsSegments {
        Objects.requireNonNull(encoding, "encoding cannot be null");
    }

    /** Counts the segments of a text. */
    public static SmsSegments of(String text) {
        Objects.requireNonNull(text, "text cannot be null");
        return isGsm7(text) ? packGsm7(text) : packUcs2(text);
    }

    /** Whether every character of the text is in the GSM 7-bit default alphabet or its extension table. */
    public static boolean isGsm7(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) < 0 && EXTENSION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static SmsSegments packGsm7(String text) {
        int total = 0;
        for (int i = 0; i < text.length(); i++) {
            total += EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
        }
        if (total <= Encoding.GSM_7.single) {
            return new SmsSegments(Encoding.GSM_7, total, 1);
        }
        int segments = 1;
        int used = 0;
        for (int i = 0; i < text.length(); i++) {
            int cost = EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
            if (used + cost > Encoding.GSM_7.perPart) {
                segments++;
                used = 0;
            }
            used += cost;
        }
        return new SmsSegments(Encoding.GSM_7, total, segments);
    }

    private static SmsSegments packUcs2(String text) {
        int total = text.length();
        if (total <= Encoding.UCS_2.single) {
            return new SmsSegments(Encoding.UCS_2, total, 1);
        }
        int segments = 1;
        int used = 0;
        for (int i = 0; i < text.length(); i++) {
            int cost = Character.isHighSurrogate(text.charAt(i))
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))
                    ? 2
                    : 1;
            if (used + cost > Encoding.UCS_2.perPart) {
                segments++;
                used = 0;
            }
            used += cost;
            i += cost - 1;
        }
        return new SmsSegments(Encoding.UCS_2, total, segments);
    }

    /** For start-up messages: {@code 2 segments (UCS-2, 93 characters)}. */
    public String describe() {
        return segments + (segments == 1 ? " segment (" : " segments (")
                + (encoding == Encoding.GSM_7 ? "GSM-7, " + units + " septets" : "UCS-2, " + units + " UTF-16 units")
                + ")";
    }
}
