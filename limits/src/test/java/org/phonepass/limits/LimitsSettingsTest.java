package org.phonepass.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitsSettingsTest {

    @Test
    void defaultsAreValidAndMatchTheDocumentedValues() {
        LimitsSettings d = LimitsSettings.defaults().validate();
        assertThat(d.startPerIp()).isEqualTo(new LimitsSettings.LimitRule(true, 50L, Duration.ofHours(1)));
        assertThat(d.startPerPhoneHourly().capacity()).isEqualTo(5);
        assertThat(d.startPerPhoneDaily()).isEqualTo(new LimitsSettings.LimitRule(true, 10L, Duration.ofDays(1)));
        assertThat(d.resendCooldown().enabled()).isFalse();
        assertThat(d.wrongCodesPerPhone())
                .isEqualTo(new LimitsSettings.LockoutRule(true, 10L, Duration.ofHours(1), Duration.ofHours(1)));
        assertThat(d.numberTypes().deniedTypes())
                .containsExactlyInAnyOrder(
                        PhoneNumberType.PREMIUM_RATE,
                        PhoneNumberType.SHARED_COST,
                        PhoneNumberType.TOLL_FREE,
                        PhoneNumberType.FIXED_LINE,
                        PhoneNumberType.UAN,
                        PhoneNumberType.VOICEMAIL);
        assertThat(d.pumping().minConversion()).isEqualTo(0.2);
        assertThat(d.preSendHook().enabled()).isFalse();
        assertThat(d.botCheck().onFailure()).isEqualTo(LimitsSettings.Fallback.DENY);
        assertThat(SettingsYaml.parse("")).isEqualTo(d);
        assertThat(SettingsYaml.parse("limits: {}")).isEqualTo(d);
    }

    @Test
    void yamlWithSnakeCaseKeysOverridesOnlyWhatItNames() {
        LimitsSettings s = SettingsYaml.parse("""
                limits:
                  start_per_ip: {capacity: 100}
                  resend_cooldown: {enabled: true, period: 45s}
                  wrong_codes_per_phone: {lockout: 15m}
                  countries: {allow: [gb, '+33'], deny: []}
                  number_types: {deny: [premium_rate, voip]}
                  pumping: {window: 2h, min_sends_per_country: 100, throttle_per_ip: {capacity: 3}}
                  pre_send_hook: {enabled: true, url: 'https://hooks.example.com/sms', default: deny, timeout: 500ms}
                  bot_check: {enabled: true, secret: s3cret, siteverify_url: 'https://api.hcaptcha.com/siteverify'}
                  max_keys: 5000
                """).validate();
        assertThat(s.startPerIp()).isEqualTo(new LimitsSettings.LimitRule(true, 100L, Duration.ofHours(1)));
        assertThat(s.resendCooldown()).isEqualTo(new LimitsSettings.LimitRule(true, 1L, Duration.ofSeconds(45)));
        assertThat(s.wrongCodesPerPhone().lockout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.wrongCodesPerPhone().capacity()).isEqualTo(10);
        assertThat(s.countries().allow()).containsExactly("GB", "+33");
        assertThat(s.numberTypes().deniedTypes())
                .containsExactlyInAnyOrder(PhoneNumberType.PREMIUM_RATE, PhoneNumberType.VOIP);
        assertThat(s.pumping().window()).isEqualTo(Duration.ofHours(2));
        assertThat(s.pumping().minSendsPerCountry()).isEqualTo(100);
        assertThat(s.pumping().minSendsPerIp()).isEqualTo(10);
        assertThat(s.pumping().throttlePerIp()).isEqualTo(new LimitsSettings.LimitRule(true, 3L, Duration.ofHours(1)));
        assertThat(s.preSendHook().url()).isEqualTo(URI.create("https://hooks.example.com/sms"));
        assertThat(s.preSendHook().onFailure()).isEqualTo(LimitsSettings.Fallback.DENY);
        assertThat(s.preSendHook().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.botCheck().siteverifyUrl()).isEqualTo(URI.create("https://api.hcaptcha.com/siteverify"));
        assertThat(s.botCheck().toString()).doesNotContain("s3cret");
        assertThat(s.maxKeys()).isEqualTo(5000);
    }

    @Test
    void unknownKeysAreRefusedByTheLoader() {
        assertThatThrownBy(() -> SettingsYaml.parse("limits: {start_per_ipp: {capacity: 1}}"))
                .hasMessageContaining("start_per_ipp");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "limits: {start_per_ip: {capacity: 0}}                          | limits.start_per_ip.capacity",
                "limits: {start_per_phone_daily: {period: 0s}}                  | limits.start_per_phone_daily.period",
                "limits: {verify_per_ip: {capacity: -5}}                        | limits.verify_per_ip.capacity",
                "limits: {wrong_codes_per_phone: {lockout: 500ms}}              | limits.wrong_codes_per_phone.lockout",
                "limits: {countries: {deny: [Germany]}}                         | limits.countries.deny",
                "limits: {countries: {allow: ['+0']}}                           | limits.countries.allow",
                "limits: {number_types: {deny: [premium]}}                      | limits.number_types.deny",
                "limits: {pumping: {min_conversion: 1.5}}                       | limits.pumping.min_conversion",
                "limits: {pumping: {window: 10s}}                               | limits.pumping.window",
                "limits: {pumping: {throttle_per_country: {capacity: 0}}}       | limits.pumping.throttle_per_country",
                "limits: {pre_send_hook: {enabled: true}}                       | limits.pre_send_hook.url",
                "limits: {pre_send_hook: {enabled: true, url: 'ftp://x/'}}      | limits.pre_send_hook.url",
                "limits: {pre_send_hook: {enabled: true, url: 'http://h/', timeout: 1m}} | limits.pre_send_hook.timeout",
                "limits: {bot_check: {enabled: true}}                           | limits.bot_check.secret",
                "limits: {max_keys: 10}                                         | limits.max_keys"
            })
    void validateNamesTheOffendingKey(String yaml, String key) {
        assertThatThrownBy(() -> SettingsYaml.parse(yaml).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key);
    }
}
