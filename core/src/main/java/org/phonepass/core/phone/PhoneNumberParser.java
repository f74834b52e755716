package org.phonepass.core.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.Phonenumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.metadata.source.MetadataSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Valid numbers remembered per generation of {@link Recent}: two generations, about 1 MB at most. */
    static final int RECENT_PER_GENERATION = 4096;

    private static final Pattern ALLOWED = Pattern.compile("^[0-9+ ().\\-]+$");

    /** Digits of a number at most: E.164's 15. */
    private static final int MAX_E164_DIGITS = 15;

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    /** The metadata {@link PhoneNumberUtil#getInstance()} reads: libphonenumber's default source. */
    private final MetadataSource metadata =
            DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    /** Per region, its national prefix for parsing compiled, or {@link #NO_PREFIX} when it has none. */
    private final Map<String, Pattern> nationalPrefixes = new ConcurrentHashMap<>();

    private static final Pattern NO_PREFIX = Pattern.compile("(?!)");

    private final String defaultRegion;
    private final Recent recent;

    /** @param defaultRegion ISO alpha-2 region used for numbers typed without a country code, or null for none */
    public PhoneNumberParser(String defaultRegion) {
        this(defaultRegion, RECENT_PER_GENERATION);
    }

    PhoneNumberParser(String defaultRegion, int recentPerGeneration) {
        this.defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion;
        this.recent = new Recent(recentPerGeneration);
    }

    /** Returns the E.164 number, or empty when the input is not a valid phone number. */
    public Optional<PhoneNumber> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        PhoneNumber known = recent.get(s);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<PhoneNumber> parsed = parseValid(s);
        parsed.ifPresent(number -> recent.put(s, number));
        return parsed;
    }

    /** Number of texts remembered; for tests. */
    int remembered() {
        return recent.size();
    }

    private Optional<PhoneNumber> parseValid(String stripped) {
        Phonenumber.PhoneNumber canonical = canonical(stripped);
        if (canonical != null) {
            String region = util.getRegionCodeForNumber(canonical);
            if (util.isValidNumberForRegion(canonical, region)
                    && util.format(canonical, PhoneNumberUtil.PhoneNumberFormat.E164)
                            .equals(stripped)) {
                return Optional.of(new PhoneNumber(stripped, region, canonical.getCountryCode()));
            }
            // Not valid as read here; the full parse below decides (and refuses it, or finds another reading).
        }
        String s = stripped;
        if (!ALLOWED.matcher(s).matches()) {
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
            String e164 = util.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164);
            return Optional.of(new PhoneNumber(
                    // The text itself when it was already E.164 (what the SDKs send): one string fewer remembered.
                    e164.equals(stripped) ? stripped : e164, region == null ? "ZZ" : region, parsed.getCountryCode()));
        } catch (NumberParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The number as libphonenumber's {@code parse} reads a text that is already E.164 ({@code +}, a calling code and
     * the national number, digits only: what the SDKs and our pages send), without its parse; null when the text is
     * not of that form or when the parse could read it otherwise. The parse is most of a verification's cost in this
     * class (its viability, extension and punctuation patterns, docs/benchmarks.md#canonical-numbers), and for this
     * form it comes down to what this does: split off the calling code (calling codes are prefix-free), keep the
     * national number's leading zeros as libphonenumber does, and read the rest as a number. The one step that could
     * read such a text differently, stripping a national prefix, happens only where the region's national prefix for
     * parsing matches the national number's beginning; those texts, and calling codes of no single region, go to the
     * full parse. The caller still validates the number and checks that its E.164 form is the text itself.
     * {@code PhoneNumberParserTest} compares the two readings over every region's example numbers and random texts.
     */
    Phonenumber.PhoneNumber canonical(String text) {
        int digits = text.length() - 1;
        if (digits < 3 || digits > MAX_E164_DIGITS || text.charAt(0) != '+' || text.charAt(1) == '0') {
            return null;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        for (int length = 1; length <= 3; length++) {
            int callingCode = Integer.parseInt(text, 1, 1 + length, 10);
            String region = util.getRegionCodeForCountryCode(callingCode);
            if (PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)) {
                return null;
            }
            if (!"ZZ".equals(region)) {
                String national = text.substring(1 + length);
                if (national.length() < 2
                        || nationalPrefix(region).matcher(national).lookingAt()) {
                    return null;
                }
                Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber()
                        .setCountryCode(callingCode)
                        .setNationalNumber(Long.parseLong(national));
                if (national.charAt(0) == '0') {
                    // libphonenumber's own rule: a national number's leading zeros are kept as a flag and a count,
                    // the last digit never counted, and a count of one left unset.
                    number.setItalianLeadingZero(true);
                    int zeros = 1;
                    while (zeros < national.length() - 1 && national.charAt(zeros) == '0') {
                        zeros++;
                    }
                    if (zeros != 1) {
                        number.setNumberOfLeadingZeros(zeros);
                    }
                }
                return number;
            }
        }
        return null;
    }

    private Pattern nationalPrefix(String region) {
        return nationalPrefixes.computeIfAbsent(region, r -> {
            Phonemetadata.PhoneMetadata m = metadata.getMetadataForRegion(r);
            String prefix = m == null ? "" : m.getNationalPrefixForParsing();
            return prefix.isEmpty() ? NO_PREFIX : Pattern.compile(prefix);
        });
    }

    /** The libphonenumber line type of a valid number, for the number-type policy. */
    public PhoneNumberUtil.PhoneNumberType type(PhoneNumber number) {
        try {
            return util.getNumberType(util.parse(number.e164(), "ZZ"));
        } catch (NumberParseException e) {
            return PhoneNumberUtil.PhoneNumberType.UNKNOWN;
        }
    }

    /**
     * The valid numbers parsed lately, by the stripped text they were parsed from. A verification sends the text its
     * start sent a few seconds before, and libphonenumber's parse and validation of it is about a twentieth of a
     * verify's CPU beside the signature; a text found here costs one or two map reads instead
     * (docs/benchmarks.md#recent-numbers). The result depends on the text and the parser's fixed default region
     * only, so a remembered one is exactly what a new parse would answer.
     *
     * <p>Two generations of at most {@code perGeneration} texts: a look-up reads the current one, then the previous
     * one, and carries a hit found there into the current one; when the current one is full it becomes the previous
     * one and the older is dropped. So a text is remembered for at least the next {@code perGeneration} new texts,
     * and memory is bounded whatever is sent (about 140 bytes a text). Only valid numbers are remembered: text that
     * is not a number is parsed again each time and never pushes a number out. Written by hand rather than with a
     * caching library: none is on the class path, and this needs a bound only, no expiry, weights or statistics.
     */
    private static final class Recent {
        private final int perGeneration;
        private volatile Map<String, PhoneNumber> current = new ConcurrentHashMap<>();
        private volatile Map<String, PhoneNumber> previous = Map.of();

        Recent(int perGeneration) {
            this.perGeneration = perGeneration;
        }

        PhoneNumber get(String text) {
            PhoneNumber number = current.get(text);
            if (number == null) {
                number = previous.get(text);
                if (number != null) {
                    put(text, number);
                }
            }
            return number;
        }

        void put(String text, PhoneNumber number) {
            Map<String, PhoneNumber> now = current;
            if (now.size() >= perGeneration) {
                synchronized (this) {
                    if (current == now) {
                        previous = now;
                        current = new ConcurrentHashMap<>();
                    }
                    now = current;
                }
            }
            now.put(text, number);
        }

        int size() {
            return current.size() + previous.size();
        }
    }
}
