package org.phonepass.server.hosted;

import java.util.regex.Pattern;

/**
 * WCAG 2.2 contrast ratios (success criterion 1.4.3), used to refuse a brand colour that would make the pages' text
 * unreadable (docs/hosted-login.md#branding).
 */
public final class Contrast {
    /** Normal-size text at level AA. */
    public static final double AA_TEXT = 4.5;
    /** The text colour on buttons, drawn on the primary colour. */
    public static final String BUTTON_TEXT = "#ffffff";
    /** The page background, on which links are drawn in the primary colour. */
    public static final String BACKGROUND = "#ffffff";

    private static final Pattern HEX = Pattern.compile("^#[0-9a-fA-F]{6}$");

    private Contrast() {}

    public static boolean isHexColour(String value) {
        return value != null && HEX.matcher(value).matches();
    }

    /** The contrast ratio of two {@code #rrggbb} colours, from 1 to 21. */
    public static double ratio(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    /** Relative luminance as WCAG defines it (sRGB). */
    static double luminance(String hex) {
        if (!isHexColour(hex)) {
            throw new IllegalArgumentException("not a #rrggbb colour: " + hex);
        }
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return 0.2126 * channel((rgb >> 16) & 0xff)
                + 0.7152 * channel((rgb >> 8) & 0xff)
                + 0.0722 * channel(rgb & 0xff);
    }

    private static double channel(int value) {
        double c = value / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
