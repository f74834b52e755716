package org.phonepass.core.phone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the parser accepts and what it answers: the E.164 form, the region and the calling code, for the regions
 * that share a calling code (+1) as well as the others, and nothing for what libphonenumber does not consider valid.
 */
class PhoneNumberParserTest {
    private final PhoneNumberParser international = new PhoneNumberParser(null);

    @Test
    void parseWhenUsNumberThenE164RegionAndCallingCode() {
        assertThat(international.parse("+1 (201) 555-0123")).contains(new PhoneNumber("+12015550123", "US", 1));
    }

    @Test
    void parseWhenAnotherRegionOfCallingCodeOneThenThatRegion() {
        assertThat(international.parse("+1 506 234 5678")).contains(new PhoneNumber("+15062345678", "CA", 1));
    }

    @Test
    void parseWhenRegionWithItsOwnCallingCodeThenThatRegion() {
        assertThat(international.parse("+44 121 234 5678")).contains(new PhoneNumber("+441212345678", "GB", 44));
    }

    @Test
    void parseWhenDoubleZeroPrefixThenReadAsPlus() {
        assertThat(international.parse("0044 121 234 5678")).contains(new PhoneNumber("+441212345678", "GB", 44));
    }

    @Test
    void parseWhenNumberIsInNoRegionsRangesThenEmpty() {
        // 555 is not an area code: the number parses but belongs to no region of +1.
        assertThat(international.parse("+1 555 555 0123")).isEmpty();
        // Too short for any British number type.
        assertThat(international.parse("+44 121 234")).isEmpty();
    }

    @Test
    void parseWhenNationalFormWithoutDefaultRegionThenEmpty() {
        assertThat(international.parse("0121 234 5678")).isEmpty();
    }

    @Test
    void parseWhenNationalFormWithDefaultRegionThenThatRegion() {
        assertThat(new PhoneNumberParser("GB").parse("0121 234 5678"))
                .contains(new PhoneNumber("+441212345678", "GB", 44));
    }

    @Test
    void parseWhenNotAPhoneNumberThenEmpty() {
        assertThat(international.parse(null)).isEmpty();
        assertThat(international.parse("")).isEmpty();
        assertThat(international.parse("+1 201 555 O123")).isEmpty();
        assertThat(international.parse("+" + "1".repeat(PhoneNumberParser.MAX_INPUT_LENGTH)))
                .isEmpty();
    }
}
