package org.phonepass.core.phone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    @Test
    void parseWhenTextSeenBeforeThenTheSameAnswerAsAFreshParser() {
        // Three texts per generation: every answer, remembered or not, equals a parser that remembers nothing yet.
        PhoneNumberParser small = new PhoneNumberParser("GB", 3);
        List<String> texts = new ArrayList<>(List.of(
                "+1 (201) 555-0123",
                "+12015550123",
                "  +12015550123 ",
                "+1 506 234 5678",
                "+44 121 234 5678",
                "0044 121 234 5678",
                "0121 234 5678",
                "+1 555 555 0123",
                "+44 121 234",
                "+1 201 555 O123",
                "+33 1 23 45 67 89",
                "+390612345678",
                "+49 30 123456",
                "+81 3-1234-5678",
                "+61 2 9876 5432"));
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(texts, random);
            for (String text : texts) {
                assertThat(small.parse(text)).as(text).isEqualTo(new PhoneNumberParser("GB", 3).parse(text));
            }
        }
        assertThat(small.remembered()).isBetween(1, 6);
    }

    @Test
    void parseWhenSeenBeforeThenRememberedUntilTwoGenerationsOfNewNumbersFollow() {
        PhoneNumberParser small = new PhoneNumberParser(null, 4);
        assertThat(small.parse("+12015550100")).isPresent();
        assertThat(small.remembered()).isEqualTo(1);
        assertThat(small.parse("+12015550100")).contains(new PhoneNumber("+12015550100", "US", 1));
        assertThat(small.remembered()).isEqualTo(1);
        for (int i = 1; i <= 100; i++) {
            assertThat(small.parse("+120155501" + String.format("%02d", i % 100)))
                    .isPresent();
            assertThat(small.remembered()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void parseWhenNotAValidNumberThenNothingIsRemembered() {
        PhoneNumberParser small = new PhoneNumberParser(null, 4);
        for (String junk : List.of("+1 555 555 0123", "+44 121 234", "abc", "0121 234 5678", "+", "++1201555")) {
            assertThat(small.parse(junk)).isEmpty();
            assertThat(small.parse(junk)).isEmpty();
        }
        assertThat(small.remembered()).isZero();
    }

    @Test
    void parseWhenManyThreadsShareTheParserThenEveryAnswerIsRight() throws Exception {
        PhoneNumberParser shared = new PhoneNumberParser(null, 16);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 2_000; i++) {
                        int n = random.nextInt(200);
                        String text = "+1201555" + String.format("%04d", n);
                        assertThat(shared.parse(text)).contains(new PhoneNumber(text, "US", 1));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Puts racing a rotation can overfill either generation by one each per thread: bounded by the threads, not by
        // the 200 texts.
        assertThat(shared.remembered()).isLessThanOrEqualTo(2 * (16 + 8) + 8);
    }
}
