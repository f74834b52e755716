package org.phonepass.server.hosted;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.text.Collator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The country picker's entries, per language: the name in that language (the JDK's CLDR data), the calling code
 * from libphonenumber, and the grouping of the country's mobile numbers for formatting as the person types.
 *
 * <p>Why a grouping mask per country and not libphonenumber's whole as-you-type formatter in the browser: the
 * pages may load nothing from another site and Maven Central serves no WebJar of libphonenumber-js, and its
 * metadata is some 140 kB. SMS goes to mobile numbers, so one mask per country, taken from libphonenumber's own
 * example mobile number in the same release the server parses with, covers what people type here (about 10 kB in
 * the page, no extra request). The look is all it changes: the server parses and checks the number with the full
 * metadata.
 */
public final class Countries {
    /** One entry of the picker. */
    public record Country(
            String region, String name, int callingCode, String mask, String nationalMask, String trunk) {}

    private final Map<Locale, List<Country>> byLocale = new ConcurrentHashMap<>();

    Countries() {}

    /**
     * The entries without their names, built at the first use and not with the login pages: building them reads
     * libphonenumber's metadata of all 245 regions (about 0.15 s of CPU on a cold JVM, most of it work no API login
     * needs, docs/benchmarks.md "Start-up, cut again"). The holder class makes that once per process, thread-safe;
     * the list depends on nothing but the library's metadata.
     */
    private static final class Base {
        static final List<Country> LIST = build();
    }

    /**
     * Builds the entries now, when nothing waits for them: the server calls this from a background job a few seconds
     * after it answers, so that the first picker shown does not pay for it either.
     */
    public static void prepare() {
        if (Base.LIST.isEmpty()) {
            throw new IllegalStateException("libphonenumber knows no region");
        }
    }

    private static List<Country> build() {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        List<Country> base = new ArrayList<>();
        for (String region : util.getSupportedRegions()) {
            int cc = util.getCountryCodeForRegion(region);
            PhoneNumber example = util.getExampleNumberForType(region, PhoneNumberUtil.PhoneNumberType.MOBILE);
            if (example == null) {
                example = util.getExampleNumber(region);
            }
            String mask = "";
            String nationalMask = "";
            if (example != null) {
                String international = util.format(example, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
                String prefix = "+" + cc;
                String groups = international.startsWith(prefix)
                        ? international.substring(prefix.length()).trim()
                        : international;
                mask = groups.replaceAll("[0-9]", "X");
                nationalMask = util.format(example, PhoneNumberUtil.PhoneNumberFormat.NATIONAL)
                        .replaceAll("[0-9]", "X");
                if (nationalMask.replaceAll("[^X]", "").length()
                        == mask.replaceAll("[^X]", "").length()) {
                    // The national form has no trunk prefix (the US: "(201) 555-0123"): it is how people there
                    // write their number, so it is the mask.
                    mask = nationalMask;
                    nationalMask = "";
                }
            }
            String ndd = util.getNddPrefixForRegion(region, true);
            String trunk = ndd == null ? "" : ndd;
            base.add(new Country(region, region, cc, mask, trunk.isEmpty() ? "" : nationalMask, trunk));
        }
        return List.copyOf(base);
    }

    /** Every country, named and sorted in {@code locale}'s language. */
    List<Country> list(Locale locale) {
        return byLocale.computeIfAbsent(locale, l -> {
            Collator collator = Collator.getInstance(l);
            List<Country> named = new ArrayList<>();
            for (Country c : Base.LIST) {
                String name = new Locale("", c.region()).getDisplayCountry(l);
                named.add(new Country(
                        c.region(),
                        name.isBlank() ? c.region() : name,
                        c.callingCode(),
                        c.mask(),
                        c.nationalMask(),
                        c.trunk()));
            }
            named.sort(Comparator.comparing(Country::name, collator));
            return List.copyOf(named);
        });
    }

    boolean isSupported(String region) {
        return region != null
                && PhoneNumberUtil.getInstance().getSupportedRegions().contains(region);
    }
}
