package org.phonepass.core.sms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmsSegmentsTest {
    @Test
    void gsmTextUpTo160CharactersIsOneSegment() {
        assertThat(SmsSegments.of("a".repeat(160))).isEqualTo(new SmsSegments(SmsSegments.Encoding.GSM_7, 160, 1));
        assertThat(SmsSegments.of("Your verification code is: 123456").encoding())
                .isEqualTo(SmsSegments.Encoding.GSM_7);
    }

    @Test
    void longerGsmTextIsSplitIn153SeptetParts() {
        assertThat(SmsSegments.of("a".repeat(161)).segments()).isEqualTo(2);
        assertThat(SmsSegments.of("a".repeat(306)).segments()).isEqualTo(2);
        assertThat(SmsSegments.of("a".repeat(307)).segments()).isEqualTo(3);
    }

    @Test
    void extensionCharactersCostTwoSeptetsAndAreNotSplit() {
        assertThat(SmsSegments.of("€".repeat(80))).isEqualTo(new SmsSegments(SmsSegments.Encoding.GSM_7, 160, 1));
        assertThat(SmsSegments.of("€".repeat(81)).segments()).isEqualTo(2);
        // 152 plain septets then a euro sign: the escape pair moves whole into the second part.
        assertThat(SmsSegments.of("a".repeat(152) + "€" + "a".repeat(10)).segments())
                .isEqualTo(2);
        assertThat(SmsSegments.of("a".repeat(152) + "€" + "a".repeat(152)).segments())
                .isEqualTo(3);
    }

    @Test
    void anyCharacterOutsideGsmSwitchesToUcs2With70And67() {
        assertThat(SmsSegments.of("Ваш код: 123456").encoding()).isEqualTo(SmsSegments.Encoding.UCS_2);
        assertThat(SmsSegments.of("ж".repeat(70)).segments()).isEqualTo(1);
        assertThat(SmsSegments.of("ж".repeat(71)).segments()).isEqualTo(2);
        assertThat(SmsSegments.of("ж".repeat(134)).segments()).isEqualTo(2);
        assertThat(SmsSegments.of("ж".repeat(135)).segments()).isEqualTo(3);
        // "ç" lower case is not in the GSM table (only "Ç" is), a classic surprise.
        assertThat(SmsSegments.isGsm7("Ç")).isTrue();
        assertThat(SmsSegments.isGsm7("ç")).isFalse();
    }

    @Test
    void surrogatePairsCountTwoUnitsAndAreNotSplit() {
        String emoji = "😀";
        assertThat(SmsSegments.of(emoji.repeat(35))).isEqualTo(new SmsSegments(SmsSegments.Encoding.UCS_2, 70, 1));
        assertThat(SmsSegments.of("a".repeat(66) + emoji + "a".repeat(10)).segments())
                .isEqualTo(2);
        assertThat(SmsSegments.of("a".repeat(66) + emoji + "a".repeat(66)).segments())
                .isEqualTo(3);
    }

    @Test
    void describeIsReadable() {
        assertThat(SmsSegments.of("ж".repeat(93)).describe()).isEqualTo("2 segments (UCS-2, 93 UTF-16 units)");
        assertThat(SmsSegments.of("hi").describe()).isEqualTo("1 segment (GSM-7, 2 septets)");
    }
}
