package org.phonepass.server.hosted;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The choice of language and the country picker's entries, without a server. */
class LanguagesAndCountriesTest {
    private final Languages languages = new Languages();

    @Test
    void uiLocalesWinThenAcceptLanguageByWeightThenEnglish() {
        assertThat(languages.choose(List.of("it", "pt-BR"), "de").lang()).isEqualTo("pt");
        assertThat(languages.choose(List.of(), "it;q=1, fr;q=0.4, es;q=0.8").lang())
                .isEqualTo("es");
        assertThat(languages.choose(List.of(), "de;q=0, fr;q=0.1").lang()).isEqualTo("fr");
        assertThat(languages.choose(List.of(), "zz-@@, ;;;").lang()).isEqualTo("en");
        assertThat(languages.choose(List.of(), "de-" + "x".repeat(600)).lang()).isEqualTo("en");
        assertThat(languages.choose(List.of("ES_mx"), null).lang()).isEqualTo("es");
        assertThat(languages.choose(null, null).lang()).isEqualTo("en");
    }

    @Test
    void aMissingTextShowsItsKeyAndPluralsFollowTheNumber() {
        Messages fr = languages.messages("fr");
        assertThat(fr.t("no.such.key")).isEqualTo("no.such.key");
        assertThat(fr.f("code.attempts_left", 1)).isEqualTo("Il vous reste 1 essai.");
        assertThat(fr.f("code.attempts_left", 2)).isEqualTo("Il vous reste 2 essais.");
        assertThat(languages.messages("de").f("time.seconds", 1)).isEqualTo("1 Sekunde");
    }

    @Test
    void everyCountryHasItsCallingCodeAndAMaskFromLibphonenumber() {
        Countries countries = new Countries();
        List<Countries.Country> french = countries.list(Locale.FRENCH);
        assertThat(french).hasSizeGreaterThan(240);
        Countries.Country fr =
                french.stream().filter(c -> c.region().equals("FR")).findFirst().orElseThrow();
        assertThat(fr.name()).isEqualTo("France");
        assertThat(fr.callingCode()).isEqualTo(33);
        assertThat(fr.mask()).isEqualTo("X XX XX XX XX");
        assertThat(fr.nationalMask()).isEqualTo("XX XX XX XX XX");
        assertThat(fr.trunk()).isEqualTo("0");
        Countries.Country us = countries.list(Locale.ENGLISH).stream()
                .filter(c -> c.region().equals("US"))
                .findFirst()
                .orElseThrow();
        assertThat(us.mask()).isEqualTo("(XXX) XXX-XXXX");
        assertThat(us.nationalMask()).isEmpty();
        assertThat(french).allSatisfy(c -> assertThat(c.callingCode()).isPositive());
        // Sorted in the language's own order: "Égypte" among the E's, not after "Z".
        List<String> names = french.stream().map(Countries.Country::name).toList();
        assertThat(names.indexOf("Égypte")).isLessThan(names.indexOf("Zambie"));
    }
}
