package org.phonepass.sms.testnumbers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.sms.config.TestNumbersSettings;

class TestNumbersTest {
    private static final PhoneNumber REVIEW = new PhoneNumber("+15555550100", "US", 1);
    private static final PhoneNumber OTHER = new PhoneNumber("+15555550199", "US", 1);

    @Test
    void aListedNumberHasItsFixedCodeUntilItExpires() {
        TestNumbers numbers = new TestNumbersSettings(
                        null, List.of(new TestNumbersSettings.TestNumber("+15555550100", "424242", "2026-12-31")))
                .toTestNumbers("sms.test_numbers", false);

        assertThat(numbers.fixedCode(REVIEW, Instant.parse("2026-12-31T23:59:59Z")))
                .contains("424242");
        assertThat(numbers.fixedCode(REVIEW, Instant.parse("2027-01-01T00:00:00Z")))
                .isEmpty();
        assertThat(numbers.isTestNumber(OTHER, Instant.parse("2026-01-01T00:00:00Z")))
                .isFalse();
    }

    @Test
    void anExpiryCanBeAnInstantAndNoExpiryMeansForever() {
        TestNumbers numbers = new TestNumbersSettings(
                        null,
                        List.of(
                                new TestNumbersSettings.TestNumber("+15555550100", "1234", "2026-06-01T12:00:00Z"),
                                new TestNumbersSettings.TestNumber("+15555550199", "5678", null)))
                .toTestNumbers("sms.test_numbers", false);

        assertThat(numbers.fixedCode(REVIEW, Instant.parse("2026-06-01T12:00:00Z")))
                .isEmpty();
        assertThat(numbers.fixedCode(OTHER, Instant.parse("2099-01-01T00:00:00Z")))
                .contains("5678");
    }

    @Test
    void badEntriesAreRefusedWithTheirIndex() {
        assertThatThrownBy(() -> new TestNumbersSettings(
                                null, List.of(new TestNumbersSettings.TestNumber("5555550100", "1234", null)))
                        .toTestNumbers("sms.test_numbers", false))
                .hasMessageStartingWith("sms.test_numbers.numbers[0]: a test number must be in E.164 form");
        assertThatThrownBy(() -> new TestNumbersSettings(
                                null, List.of(new TestNumbersSettings.TestNumber("+15555550100", "12a4", null)))
                        .toTestNumbers("sms.test_numbers", false))
                .hasMessageStartingWith("sms.test_numbers.numbers[0]: a test number's code must be");
        assertThatThrownBy(() -> new TestNumbersSettings(
                                null, List.of(new TestNumbersSettings.TestNumber("+15555550100", "1234", "soon")))
                        .toTestNumbers("sms.test_numbers", false))
                .hasMessageContaining("sms.test_numbers.numbers[0].expires must be a date");
        assertThatThrownBy(() -> new TestNumbersSettings(
                                null,
                                List.of(
                                        new TestNumbersSettings.TestNumber("+15555550100", "1234", null),
                                        new TestNumbersSettings.TestNumber("+15555550100", "9999", null)))
                        .toTestNumbers("sms.test_numbers", false))
                .hasMessageContaining("is listed twice");
        assertThat(new TestNumbersSettings(
                                true, List.of(new TestNumbersSettings.TestNumber("+15555550100", "1234", null)))
                        .toTestNumbers("sms.test_numbers", true)
                        .isEmpty())
                .isFalse();
    }
}
