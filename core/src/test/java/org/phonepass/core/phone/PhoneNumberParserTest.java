package org.phonepass.core.phone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
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
    void parseWhenTextIsAlreadyE164ThenReadWithoutLibphonenumbersParse() {
        assertThat(international.canonical("+12015550123")).isNotNull();
        assertThat(international.canonical("+441212345678")).isNotNull();
        assertThat(international.canonical("+390612345678")).isNotNull();
        assertThat(international.parse("+390612345678")).contains(new PhoneNumber("+390612345678", "IT", 39));
        // Not E.164 as it stands, a national prefix that the parse would strip, a calling code of no region, or
        // one that does not exist: the full parse reads those.
        assertThat(international.canonical("+1 201 555 0123")).isNull();
        assertThat(international.canonical("12015550123")).isNull();
        assertThat(international.canonical("+4401212345678")).isNull();
        assertThat(international.canonical("+80012345678")).isNull();
        assertThat(international.canonical("+012015550123")).isNull();
        assertThat(international.canonical("+12")).isNull();
        assertThat(international.canonical("+1201555012345678")).isNull();
        assertThat(international.parse("+4401212345678")).isEqualTo(reference("+4401212345678"));
    }

    @Test
    void parseWhenE164TextOfAnyRegionThenWhatLibphonenumbersParseAnswers() {
        // Every region's example number of every type, each also with the region's national prefix and with zeros
        // after its calling code, and random digits after every calling code: the parser, whether it read the text
        // without libphonenumber's parse or not, answers what that parse and validation answer.
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        List<String> texts = new ArrayList<>();
        for (String region : util.getSupportedRegions()) {
            String prefix = Optional.ofNullable(util.getNddPrefixForRegion(region, true))
                    .orElse("");
            for (PhoneNumberUtil.PhoneNumberType type : util.getSupportedTypesForRegion(region)) {
                Phonenumber.PhoneNumber example = util.getExampleNumberForType(region, type);
                if (example != null) {
                    String national = util.getNationalSignificantNumber(example);
                    String plus = "+" + example.getCountryCode();
                    texts.add(plus + national);
                    texts.add(plus + prefix + national);
                    texts.add(plus + "0" + national);
                    texts.add(plus + "00" + national);
                }
            }
        }
        for (int code : util.getSupportedGlobalNetworkCallingCodes()) {
            Phonenumber.PhoneNumber example = util.getExampleNumberForNonGeoEntity(code);
            if (example != null) {
                texts.add(util.format(example, PhoneNumberUtil.PhoneNumberFormat.E164));
            }
        }
        int examples = texts.size();
        Random random = new Random(11);
        for (int code : util.getSupportedCallingCodes()) {
            for (int i = 0; i < 30; i++) {
                StringBuilder text = new StringBuilder("+").append(code);
                int length = 2 + random.nextInt(14 - String.valueOf(code).length());
                for (int d = 0; d < length; d++) {
                    text.append((char) ('0' + (d == 0 && random.nextInt(4) == 0 ? 0 : random.nextInt(10))));
                }
                texts.add(text.toString());
            }
        }
        int read = 0;
        int valid = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            Optional<PhoneNumber> expected = reference(text);
            assertThat(new PhoneNumberParser(null).parse(text)).as(text).isEqualTo(expected);
            if (i < examples && i % 4 == 0 && expected.isPresent()) {
                valid++;
                read += international.canonical(text) == null ? 0 : 1;
            }
        }
        // The short way is the common one: nearly every valid example number in E.164 takes it.
        assertThat(read).isGreaterThan(valid * 9 / 10);
    }

    /** libphonenumber's own reading of a text, validated as the parser validates: the answer to compare with. */
    private static Optional<PhoneNumber> reference(String text) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            Phonenumber.PhoneNumber n = util.parse(text, "ZZ");
            String region = util.getRegionCodeForNumber(n);
            if (!util.isValidNumberForRegion(n, region)) {
                return Optional.empty();
            }
            return Optional.of(new PhoneNumber(
                    util.format(n, PhoneNumberUtil.PhoneNumberFormat.E164),
                    region == null ? "ZZ" : region,
                    n.getCountryCode()));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
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
