package org.phonepass.core.sms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only known language tags reach a message (issue 16 #12). */
class LanguageTagsTest {
    @Test
    void knownWhenRegisteredLanguageScriptAndRegionThenCanonicalCase() {
        assertThat(LanguageTags.known("es")).contains("es");
        assertThat(LanguageTags.known("pt-br")).contains("pt-BR");
        assertThat(LanguageTags.known("ZH-hant-tw")).contains("zh-Hant-TW");
        assertThat(LanguageTags.known("es-419")).contains("es-419");
        assertThat(LanguageTags.known("es-MX")).contains("es-MX");
    }

    @Test
    void knownWhenWordsSpelledAsSubtagsThenEmpty() {
        assertThat(LanguageTags.known("call-now")).isEmpty();
        assertThat(LanguageTags.known("en-call")).isEmpty();
        assertThat(LanguageTags.known("en-Scam-US")).isEmpty();
        assertThat(LanguageTags.known("xx")).isEmpty();
        assertThat(LanguageTags.known("en-ZZ")).isEmpty();
        assertThat(LanguageTags.known("en-US-x-visit")).isEmpty();
        assertThat(LanguageTags.known("en US")).isEmpty();
        assertThat(LanguageTags.known(null)).isEmpty();
    }

    @Test
    void orDefaultWhenUnknownThenEnglish() {
        assertThat(LanguageTags.orDefault("Visit-evilsite")).isEqualTo("en");
        assertThat(LanguageTags.orDefault("de")).isEqualTo("de");
    }
}
