package org.phonepass.limits;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.phonepass.core.config.Secret;
import org.phonepass.core.ratelimit.Limit;

/**
 * The {@code limits:} block of the configuration, bound like every section (snake_case names of the components,
 * {@code on_failure} also accepted under its earlier name {@code default}). Every key is optional: a key left out, or a rule given only in
 * part ({@code start_per_ip: {capacity: 100}}), takes its default from the constants below, which are the one place
 * defaults live. {@link #validate()} checks ranges and names the offending key.
 *
 * <pre>
 * limits:
 *   start_per_ip:             {enabled: true,  capacity: 50,   period: 1h}
 *   start_per_phone_hourly:   {enabled: true,  capacity: 5,    period: 1h}
 *   start_per_phone_daily:    {enabled: true,  capacity: 10,   period: 24h}
 *   resend_cooldown:          {enabled: false, capacity: 1,    period: 30s}
 *   start_per_country_hourly: {enabled: true,  capacity: 500,  period: 1h}
 *   start_per_country_daily:  {enabled: true,  capacity: 5000, period: 24h}
 *   start_global_hourly:      {enabled: true,  capacity: 2000, period: 1h}
 *   start_global_daily:       {enabled: true,  capacity: 20000, period: 24h}
 *   verify_per_ip:            {enabled: true,  capacity: 600,  period: 1h}
 *   revoke_per_ip:            {enabled: true,  capacity: 600,  period: 1h}
 *   authorize_per_ip:         {enabled: true,  capacity: 300,  period: 10m}
 *   wrong_codes_per_phone:    {enabled: true,  capacity: 10,   period: 1h, lockout: 1h}
 *   countries:    {allow: [], deny: []}          # ISO regions ("GB") or calling codes ("+44")
 *   number_types: {deny: [premium_rate, shared_cost, toll_free, fixed_line, uan, voicemail]}
 *   pumping:
 *     enabled: true
 *     window: 1h
 *     min_conversion: 0.2
 *     min_sends_per_country: 50
 *     min_sends_per_ip: 10
 *     throttle_per_country: {capacity: 10, period: 1h}
 *     throttle_per_ip:      {capacity: 1,  period: 1h}
 *   pre_send_hook: {enabled: false, url: null, timeout: 2s, on_failure: allow, secret: null}
 *   bot_check: {enabled: false, siteverify_url: https://challenges.cloudflare.com/turnstile/v0/siteverify,
 *               secret: null, timeout: 3s, on_failure: deny}
 *   max_keys: 100000
 * </pre>
 */
public record LimitsSettings(
        LimitRule startPerIp,
        LimitRule startPerPhoneHourly,
        LimitRule startPerPhoneDaily,
        LimitRule resendCooldown,
        LimitRule startPerCountryHourly,
        LimitRule startPerCountryDaily,
        LimitRule startGlobalHourly,
        LimitRule startGlobalDaily,
        LimitRule verifyPerIp,
        LimitRule revokePerIp,
        LimitRule authorizePerIp,
        LockoutRule wrongCodesPerPhone,
        Countries countries,
        NumberTypes numberTypes,
        Pumping pumping,
        PreSendHookSettings preSendHook,
        BotCheckSettings botCheck,
        Integer maxKeys) {

    // ---- Defaults: the only place they are written. docs/security.md explains each choice. ----

    /** Auth0's documented limit for unauthenticated start (docs/auth0-compatibility.md#rate-limits-and-retries). */
    public static final LimitRule DEFAULT_START_PER_IP = new LimitRule(true, 50L, Duration.ofHours(1));

    public static final LimitRule DEFAULT_START_PER_PHONE_HOURLY = new LimitRule(true, 5L, Duration.ofHours(1));
    public static final LimitRule DEFAULT_START_PER_PHONE_DAILY = new LimitRule(true, 10L, Duration.ofDays(1));
    /** Off: Lock's "Did not get the code?" resends at once, and the per-number limits carry the defence. */
    public static final LimitRule DEFAULT_RESEND_COOLDOWN = new LimitRule(false, 1L, Duration.ofSeconds(30));

    public static final LimitRule DEFAULT_START_PER_COUNTRY_HOURLY = new LimitRule(true, 500L, Duration.ofHours(1));
    public static final LimitRule DEFAULT_START_PER_COUNTRY_DAILY = new LimitRule(true, 5_000L, Duration.ofDays(1));
    public static final LimitRule DEFAULT_START_GLOBAL_HOURLY = new LimitRule(true, 2_000L, Duration.ofHours(1));
    public static final LimitRule DEFAULT_START_GLOBAL_DAILY = new LimitRule(true, 20_000L, Duration.ofDays(1));
    /** Generous: behind carrier-grade NAT thousands of phones share one address. */
    public static final LimitRule DEFAULT_VERIFY_PER_IP = new LimitRule(true, 600L, Duration.ofHours(1));
    /**
     * {@code /oauth/revoke} from one address: a logout revokes once, so this is far above any real use, and bounds
     * the writes (a revocation and its audit row) an unauthenticated public client can cause.
     */
    public static final LimitRule DEFAULT_REVOKE_PER_IP = new LimitRule(true, 600L, Duration.ofHours(1));
    /**
     * Login transactions ({@code GET /authorize} sending the browser to the hosted pages) started from one address:
     * each is a stored row until it expires, so an address gets a bounded number; a person starts one per sign-in.
     * Answers from a session (silent authentication) are not counted.
     */
    public static final LimitRule DEFAULT_AUTHORIZE_PER_IP = new LimitRule(true, 300L, Duration.ofMinutes(10));

    public static final LockoutRule DEFAULT_WRONG_CODES_PER_PHONE =
            new LockoutRule(true, 10L, Duration.ofHours(1), Duration.ofHours(1));
    public static final List<String> DEFAULT_DENIED_NUMBER_TYPES =
            List.of("premium_rate", "shared_cost", "toll_free", "fixed_line", "uan", "voicemail");
    public static final Pumping DEFAULT_PUMPING = new Pumping(
            true,
            Duration.ofHours(1),
            0.2,
            50L,
            10L,
            new LimitRule(true, 10L, Duration.ofHours(1)),
            new LimitRule(true, 1L, Duration.ofHours(1)));
    public static final PreSendHookSettings DEFAULT_PRE_SEND_HOOK =
            new PreSendHookSettings(false, null, Duration.ofSeconds(2), Fallback.ALLOW, null);
    public static final BotCheckSettings DEFAULT_BOT_CHECK = new BotCheckSettings(
            false,
            URI.create("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
            null,
            Duration.ofSeconds(3),
            Fallback.DENY);
    public static final int DEFAULT_MAX_KEYS = BucketRateLimiter.DEFAULT_MAX_KEYS;

    public LimitsSettings {
        startPerIp = LimitRule.merge(startPerIp, DEFAULT_START_PER_IP);
        startPerPhoneHourly = LimitRule.merge(startPerPhoneHourly, DEFAULT_START_PER_PHONE_HOURLY);
        startPerPhoneDaily = LimitRule.merge(startPerPhoneDaily, DEFAULT_START_PER_PHONE_DAILY);
        resendCooldown = LimitRule.merge(resendCooldown, DEFAULT_RESEND_COOLDOWN);
        startPerCountryHourly = LimitRule.merge(startPerCountryHourly, DEFAULT_START_PER_COUNTRY_HOURLY);
        startPerCountryDaily = LimitRule.merge(startPerCountryDaily, DEFAULT_START_PER_COUNTRY_DAILY);
        startGlobalHourly = LimitRule.merge(startGlobalHourly, DEFAULT_START_GLOBAL_HOURLY);
        startGlobalDaily = LimitRule.merge(startGlobalDaily, DEFAULT_START_GLOBAL_DAILY);
        verifyPerIp = LimitRule.merge(verifyPerIp, DEFAULT_VERIFY_PER_IP);
        revokePerIp = LimitRule.merge(revokePerIp, DEFAULT_REVOKE_PER_IP);
        authorizePerIp = LimitRule.merge(authorizePerIp, DEFAULT_AUTHORIZE_PER_IP);
        wrongCodesPerPhone = LockoutRule.merge(wrongCodesPerPhone, DEFAULT_WRONG_CODES_PER_PHONE);
        countries = countries == null ? new Countries(null, null) : countries;
        numberTypes = numberTypes == null ? new NumberTypes(null) : numberTypes;
        pumping = Pumping.merge(pumping, DEFAULT_PUMPING);
        preSendHook = PreSendHookSettings.merge(preSendHook, DEFAULT_PRE_SEND_HOOK);
        botCheck = BotCheckSettings.merge(botCheck, DEFAULT_BOT_CHECK);
        maxKeys = maxKeys == null ? DEFAULT_MAX_KEYS : maxKeys;
    }

    /** Every default. */
    public static LimitsSettings defaults() {
        return new LimitsSettings(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    /** Checks every value; the message names the key, for example {@code limits.start_per_ip.capacity}. */
    public LimitsSettings validate() {
        startPerIp.validate("limits.start_per_ip");
        startPerPhoneHourly.validate("limits.start_per_phone_hourly");
        startPerPhoneDaily.validate("limits.start_per_phone_daily");
        resendCooldown.validate("limits.resend_cooldown");
        startPerCountryHourly.validate("limits.start_per_country_hourly");
        startPerCountryDaily.validate("limits.start_per_country_daily");
        startGlobalHourly.validate("limits.start_global_hourly");
        startGlobalDaily.validate("limits.start_global_daily");
        verifyPerIp.validate("limits.verify_per_ip");
        revokePerIp.validate("limits.revoke_per_ip");
        authorizePerIp.validate("limits.authorize_per_ip");
        wrongCodesPerPhone.validate("limits.wrong_codes_per_phone");
        countries.validate("limits.countries");
        numberTypes.validate("limits.number_types");
        pumping.validate("limits.pumping");
        preSendHook.validate("limits.pre_send_hook");
        botCheck.validate("limits.bot_check");
        if (maxKeys < 1_000) {
            throw new IllegalArgumentException("limits.max_keys must be at least 1000");
        }
        return this;
    }

    /** What to do when a remote check cannot answer (timeout, connection refused, a malformed reply). */
    public enum Fallback {
        @JsonProperty("allow")
        ALLOW,
        @JsonProperty("deny")
        DENY
    }

    /**
     * One token bucket: {@code capacity} requests, refilled smoothly over {@code period}.
     *
     * @param enabled  whether the limit applies
     * @param capacity requests allowed in a burst and per period
     * @param period   time to refill completely
     */
    public record LimitRule(Boolean enabled, Long capacity, Duration period) {

        static LimitRule merge(LimitRule given, LimitRule fallback) {
            if (given == null) {
                return fallback;
            }
            return new LimitRule(
                    given.enabled != null ? given.enabled : fallback.enabled,
                    given.capacity != null ? given.capacity : fallback.capacity,
                    given.period != null ? given.period : fallback.period);
        }

        /** The limit to apply, or empty when switched off. */
        public Optional<Limit> toLimit(String name) {
            return Boolean.TRUE.equals(enabled) ? Optional.of(new Limit(name, capacity, period)) : Optional.empty();
        }

        void validate(String key) {
            if (enabled == null || capacity == null || period == null) {
                throw new IllegalArgumentException(key + " is incomplete: needs enabled, capacity and period");
            }
            if (capacity < 1) {
                throw new IllegalArgumentException(key + ".capacity must be at least 1");
            }
            if (period.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(key + ".period must be at least 1s");
            }
        }
    }

    /**
     * Wrong codes per phone number, counted across codes, with a lock once they are spent.
     *
     * @param enabled  whether the rule applies
     * @param capacity wrong codes allowed per period before the number is locked
     * @param period   time over which wrong codes are forgiven (smoothly)
     * @param lockout  how long the number is refused every verification once the wrong codes are spent
     */
    public record LockoutRule(Boolean enabled, Long capacity, Duration period, Duration lockout) {

        static LockoutRule merge(LockoutRule given, LockoutRule fallback) {
            if (given == null) {
                return fallback;
            }
            return new LockoutRule(
                    given.enabled != null ? given.enabled : fallback.enabled,
                    given.capacity != null ? given.capacity : fallback.capacity,
                    given.period != null ? given.period : fallback.period,
                    given.lockout != null ? given.lockout : fallback.lockout);
        }

        void validate(String key) {
            new LimitRule(enabled, capacity, period).validate(key);
            if (lockout == null || lockout.isNegative()) {
                throw new IllegalArgumentException(key + ".lockout must be 0s (no lock) or more");
            }
            if (!lockout.isZero() && lockout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(key + ".lockout must be 0s (no lock) or at least 1s");
            }
        }
    }

    /**
     * Country policy. An entry is an ISO 3166 region ({@code GB}) or a calling code ({@code +44}); a calling code
     * covers every region that shares it ({@code +1} is the US, Canada and much of the Caribbean). Deny wins over
     * allow; an empty allow-list allows every country not denied.
     */
    public record Countries(List<String> allow, List<String> deny) {
        private static final Pattern REGION = Pattern.compile("^[A-Z]{2}$");
        private static final Pattern CALLING_CODE = Pattern.compile("^\\+[1-9][0-9]{0,2}$");

        public Countries {
            allow = normalise(allow);
            deny = normalise(deny);
        }

        private static List<String> normalise(List<String> entries) {
            if (entries == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>(entries.size());
            for (String e : entries) {
                out.add(e == null ? "" : e.strip().toUpperCase(Locale.ROOT));
            }
            return List.copyOf(out);
        }

        void validate(String key) {
            check(key + ".allow", allow);
            check(key + ".deny", deny);
        }

        private static void check(String key, List<String> entries) {
            for (String e : entries) {
                if (!REGION.matcher(e).matches() && !CALLING_CODE.matcher(e).matches()) {
                    throw new IllegalArgumentException(
                            key + " has \"" + e + "\": use an ISO region such as GB or a calling code such as +44");
                }
            }
        }
    }

    /**
     * Number types refused, by libphonenumber's names in lower case ({@code premium_rate}, {@code toll_free},
     * {@code fixed_line}, {@code voip}, ...). {@code fixed_line_or_mobile} (all of North America) and {@code mobile}
     * are never in the default list: refusing them would refuse real phones.
     */
    public record NumberTypes(List<String> deny) {
        public NumberTypes {
            deny = deny == null ? DEFAULT_DENIED_NUMBER_TYPES : List.copyOf(deny);
        }

        /** The denied types; call {@link #validate} first for a readable error. */
        public Set<PhoneNumberType> deniedTypes() {
            Set<PhoneNumberType> types = EnumSet.noneOf(PhoneNumberType.class);
            for (String name : deny) {
                types.add(PhoneNumberType.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            }
            return types;
        }

        void validate(String key) {
            for (String name : deny) {
                try {
                    PhoneNumberType.valueOf(name == null ? "" : name.strip().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + ".deny has unknown type \"" + name + "\"; known: "
                            + EnumSet.allOf(PhoneNumberType.class).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    /**
     * The adaptive pumping breaker: when, over the last {@code window}, the conversion (codes verified ÷ codes sent)
     * of a country calling code or of an IP falls below {@code minConversion} with at least the minimum sends,
     * sends there are throttled to the {@code throttle_*} limit until conversion recovers.
     */
    public record Pumping(
            Boolean enabled,
            Duration window,
            Double minConversion,
            Long minSendsPerCountry,
            Long minSendsPerIp,
            LimitRule throttlePerCountry,
            LimitRule throttlePerIp) {

        static Pumping merge(Pumping given, Pumping fallback) {
            if (given == null) {
                return fallback;
            }
            return new Pumping(
                    given.enabled != null ? given.enabled : fallback.enabled,
                    given.window != null ? given.window : fallback.window,
                    given.minConversion != null ? given.minConversion : fallback.minConversion,
                    given.minSendsPerCountry != null ? given.minSendsPerCountry : fallback.minSendsPerCountry,
                    given.minSendsPerIp != null ? given.minSendsPerIp : fallback.minSendsPerIp,
                    LimitRule.merge(given.throttlePerCountry, fallback.throttlePerCountry),
                    LimitRule.merge(given.throttlePerIp, fallback.throttlePerIp));
        }

        void validate(String key) {
            if (enabled == null
                    || window == null
                    || minConversion == null
                    || minSendsPerCountry == null
                    || minSendsPerIp == null) {
                throw new IllegalArgumentException(key + " is incomplete");
            }
            if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException(key + ".window must be between 1m and 7d");
            }
            if (!(minConversion >= 0.0 && minConversion <= 1.0)) {
                throw new IllegalArgumentException(key + ".min_conversion must be between 0 and 1");
            }
            if (minSendsPerCountry < 1) {
                throw new IllegalArgumentException(key + ".min_sends_per_country must be at least 1");
            }
            if (minSendsPerIp < 1) {
                throw new IllegalArgumentException(key + ".min_sends_per_ip must be at least 1");
            }
            throttlePerCountry.validate(key + ".throttle_per_country");
            throttlePerIp.validate(key + ".throttle_per_ip");
        }
    }

    /**
     * An HTTP call to the operator's service before each send, which may veto it.
     *
     * @param enabled    whether the hook is called
     * @param url        where {@code POST {phone, country, ip, client_id}} goes (http or https)
     * @param timeout    how long to wait for the answer
     * @param onFailure  {@code on_failure} (alias {@code default}): the verdict when the hook does not answer in
     *                   time or answers neither yes nor no
     * @param secret     sent as {@code Authorization: Bearer <secret>} so the service can tell the calls are ours;
     *                   optional
     */
    public record PreSendHookSettings(
            Boolean enabled,
            URI url,
            Duration timeout,
            @JsonAlias("default") Fallback onFailure,
            @Secret String secret) {

        static PreSendHookSettings merge(PreSendHookSettings given, PreSendHookSettings fallback) {
            if (given == null) {
                return fallback;
            }
            return new PreSendHookSettings(
                    given.enabled != null ? given.enabled : fallback.enabled,
                    given.url != null ? given.url : fallback.url,
                    given.timeout != null ? given.timeout : fallback.timeout,
                    given.onFailure != null ? given.onFailure : fallback.onFailure,
                    given.secret != null ? given.secret : fallback.secret);
        }

        void validate(String key) {
            if (!Boolean.TRUE.equals(enabled)) {
                return;
            }
            checkHttpUrl(key + ".url", url);
            checkTimeout(key + ".timeout", timeout);
        }

        @Override
        public String toString() {
            return "PreSendHookSettings[enabled=" + enabled + ", url=" + url + ", timeout=" + timeout + ", on_failure="
                    + onFailure + ", secret=" + (secret == null ? "none" : "***") + "]";
        }
    }

    /**
     * Server-side verification of a Turnstile- or hCaptcha-style token: {@code POST secret, response, remoteip}
     * (form-encoded) to {@code siteverify_url}, which answers {@code {"success": true|false}}.
     *
     * @param enabled       whether a start needs a valid token
     * @param siteverifyUrl Cloudflare Turnstile by default; hCaptcha's is {@code https://api.hcaptcha.com/siteverify}
     * @param secret        the site's secret key
     * @param timeout       how long to wait for the answer
     * @param onFailure     {@code on_failure} (alias {@code default}): the verdict when the verifier cannot be
     *                      reached
     */
    public record BotCheckSettings(
            Boolean enabled,
            URI siteverifyUrl,
            @Secret String secret,
            Duration timeout,
            @JsonAlias("default") Fallback onFailure) {

        static BotCheckSettings merge(BotCheckSettings given, BotCheckSettings fallback) {
            if (given == null) {
                return fallback;
            }
            return new BotCheckSettings(
                    given.enabled != null ? given.enabled : fallback.enabled,
                    given.siteverifyUrl != null ? given.siteverifyUrl : fallback.siteverifyUrl,
                    given.secret != null ? given.secret : fallback.secret,
                    given.timeout != null ? given.timeout : fallback.timeout,
                    given.onFailure != null ? given.onFailure : fallback.onFailure);
        }

        void validate(String key) {
            if (!Boolean.TRUE.equals(enabled)) {
                return;
            }
            checkHttpUrl(key + ".siteverify_url", siteverifyUrl);
            checkTimeout(key + ".timeout", timeout);
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException(key + ".secret is required when " + key + ".enabled is true");
            }
        }

        @Override
        public String toString() {
            return "BotCheckSettings[enabled=" + enabled + ", siteverify_url=" + siteverifyUrl + ", timeout=" + timeout
                    + ", on_failure=" + onFailure + ", secret=" + (secret == null ? "none" : "***") + "]";
        }
    }

    private static void checkHttpUrl(String key, URI url) {
        if (url == null) {
            throw new IllegalArgumentException(key + " is required when the feature is enabled");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an absolute http or https URL");
        }
    }

    private static void checkTimeout(String key, Duration timeout) {
        if (timeout == null
                || timeout.compareTo(Duration.ofMillis(100)) < 0
                || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException(key + " must be between 100ms and 30s");
        }
    }
}
