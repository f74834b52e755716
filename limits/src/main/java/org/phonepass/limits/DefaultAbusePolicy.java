package org.phonepass.limits;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.phonepass.core.abuse.AbuseMetrics;
import org.phonepass.core.abuse.AbuseMetrics.Scope;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.IpKeys;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.abuse.VerifyContext;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.ratelimit.Decision;
import org.phonepass.core.ratelimit.Limit;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.ratelimit.RateLimiter;

/**
 * The {@link AbusePolicy} over a {@link RateLimiter} and a {@link SlidingWindowCounter}: with the embedded
 * implementations it holds per node, with the shared ones across nodes.
 *
 * <p><b>How refusals reach HTTP.</b> A refusal is a {@link PhonepassException}: {@link ErrorCode#TOO_MANY_REQUESTS}
 * on start and {@link ErrorCode#TOO_MANY_ATTEMPTS} on verification, with {@code retryAfterSeconds()} for
 * {@code Retry-After} and the values of {@code x-ratelimit-limit}, {@code x-ratelimit-remaining} and
 * {@code x-ratelimit-reset} in {@code details()} under {@link RateLimitHeaders#DETAIL_LIMIT},
 * {@link RateLimitHeaders#DETAIL_REMAINING} and {@link RateLimitHeaders#DETAIL_RESET}; the error mapper reads them
 * with {@link RateLimitHeaders#fromDetails} and leaves them out of the body. They describe the limit that refused.
 * An allowed call returns the same headers for the limit closest to refusing among those that concern the caller
 * (the number's and the address's); the country and global budgets are not advertised on success, because their
 * remaining count would tell anyone how many codes the site sends.
 *
 * <p><b>Order of the start checks</b>: country, number type (both free), then the limits from the most specific
 * key to the broadest—cooldown, number hourly and daily, address, pumping throttles, country hourly and daily,
 * global hourly and daily. A refusal gives back the tokens already taken for the same request, so a request refused
 * for one reason does not spend the others (a locked-out number hammered by a bot does not drain its country's
 * budget).
 *
 * <p><b>Wrong codes</b> are counted per number <em>and network</em> ({@link IpKeys}: the address, or its /64 for
 * IPv6), and only guesses at a live code count ({@link #recordVerifyNoLiveCode}). Reaching
 * {@code limits.wrong_codes_per_phone} locks that number for that network only: guesses from an attacker's
 * networks lock those networks out, never the owner on theirs. The bound on guessing does not come from this lock,
 * which many addresses would multiply, but from what they cannot: each code dies after {@code sms.max_attempts}
 * wrong tries and the codes per number are limited by {@code limits.start_per_phone_*}
 * (docs/security.md#wrong-code-limit).
 */
public final class DefaultAbusePolicy implements AbusePolicy {
    public static final String START_PER_IP = "start_per_ip";
    public static final String START_PER_PHONE_HOURLY = "start_per_phone_hourly";
    public static final String START_PER_PHONE_DAILY = "start_per_phone_daily";
    public static final String RESEND_COOLDOWN = "resend_cooldown";
    public static final String START_PER_COUNTRY_HOURLY = "start_per_country_hourly";
    public static final String START_PER_COUNTRY_DAILY = "start_per_country_daily";
    public static final String START_GLOBAL_HOURLY = "start_global_hourly";
    public static final String START_GLOBAL_DAILY = "start_global_daily";
    public static final String PUMPING_THROTTLE_COUNTRY = "pumping_throttle_country";
    public static final String PUMPING_THROTTLE_IP = "pumping_throttle_ip";
    public static final String VERIFY_PER_IP = "verify_per_ip";
    public static final String REVOKE_PER_IP = "revoke_per_ip";
    public static final String AUTHORIZE_PER_IP = "authorize_per_ip";
    public static final String WRONG_CODES_PER_PHONE = "wrong_codes_per_phone";
    public static final String PHONE_LOCKOUT = "phone_lockout";

    private static final String PHONE_LIMITED = "Too many codes were sent to this phone number. Try again later.";
    private static final String IP_LIMITED = "Too many requests from this address. Try again later.";
    private static final String BUDGET_LIMITED = "Too many codes are being sent right now. Try again later.";
    /** The audit detail of a guess that found no live code. */
    private static final String NO_LIVE_CODE = "no_live_code";

    private static final String TOO_MANY_ATTEMPTS = "Too many attempts. Try again later.";

    /** Who a limit concerns: decides the description and whether it is advertised on success. */
    private enum Audience {
        PHONE,
        ADDRESS,
        BUDGET
    }

    private record Check(String key, Limit limit, Audience audience) {}

    private final LimitsSettings settings;
    private final RateLimiter limiter;
    private final PumpingBreaker breaker;
    private final Function<PhoneNumber, PhoneNumberType> numberType;
    private final Set<PhoneNumberType> deniedTypes;
    private final List<StartScreen> screens;
    private final AuditLog audit;
    private final AbuseMetrics metrics;
    private final Clock clock;

    private final Optional<Limit> startPerIp;
    private final Optional<Limit> startPerPhoneHourly;
    private final Optional<Limit> startPerPhoneDaily;
    private final Optional<Limit> resendCooldown;
    private final Optional<Limit> startPerCountryHourly;
    private final Optional<Limit> startPerCountryDaily;
    private final Optional<Limit> startGlobalHourly;
    private final Optional<Limit> startGlobalDaily;
    private final Optional<Limit> throttleCountry;
    private final Optional<Limit> throttleIp;
    private final Optional<Limit> verifyPerIp;
    private final Optional<Limit> revokePerIp;
    private final Optional<Limit> authorizePerIp;
    private final RefusalAudit refusals;
    private final Optional<Limit> wrongCodes;
    private final Optional<Limit> lockout;

    /**
     * @param settings   validated here
     * @param limiter    where the buckets live
     * @param counter    sends and verifications for the pumping breaker; its window is the breaker's window
     * @param numberType the line type of a number ({@code PhoneNumberParser::type})
     * @param screens    remote checks run in order by {@link #screenStart}: the bot check, then the pre-send hook
     * @param audit      where audit events go
     * @param metrics    refusal and breaker counters
     * @param clock      time for audit events (the limiter and counter have their own)
     */
    public DefaultAbusePolicy(
            LimitsSettings settings,
            RateLimiter limiter,
            SlidingWindowCounter counter,
            Function<PhoneNumber, PhoneNumberType> numberType,
            List<StartScreen> screens,
            AuditLog audit,
            AbuseMetrics metrics,
            Clock clock) {
        // Validated once, when the settings were loaded (LimitsSettings.validate()).
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.limiter = Objects.requireNonNull(limiter, "limiter cannot be null");
        this.numberType = Objects.requireNonNull(numberType, "numberType cannot be null");
        this.screens = List.copyOf(screens);
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.breaker = new PumpingBreaker(settings.pumping(), counter, audit, metrics, clock);
        this.deniedTypes = settings.numberTypes().deniedTypes();
        this.startPerIp = settings.startPerIp().toLimit(START_PER_IP);
        this.startPerPhoneHourly = settings.startPerPhoneHourly().toLimit(START_PER_PHONE_HOURLY);
        this.startPerPhoneDaily = settings.startPerPhoneDaily().toLimit(START_PER_PHONE_DAILY);
        this.resendCooldown = settings.resendCooldown().toLimit(RESEND_COOLDOWN);
        this.startPerCountryHourly = settings.startPerCountryHourly().toLimit(START_PER_COUNTRY_HOURLY);
        this.startPerCountryDaily = settings.startPerCountryDaily().toLimit(START_PER_COUNTRY_DAILY);
        this.startGlobalHourly = settings.startGlobalHourly().toLimit(START_GLOBAL_HOURLY);
        this.startGlobalDaily = settings.startGlobalDaily().toLimit(START_GLOBAL_DAILY);
        this.throttleCountry = settings.pumping().throttlePerCountry().toLimit(PUMPING_THROTTLE_COUNTRY);
        this.throttleIp = settings.pumping().throttlePerIp().toLimit(PUMPING_THROTTLE_IP);
        this.verifyPerIp = settings.verifyPerIp().toLimit(VERIFY_PER_IP);
        this.revokePerIp = settings.revokePerIp().toLimit(REVOKE_PER_IP);
        this.authorizePerIp = settings.authorizePerIp().toLimit(AUTHORIZE_PER_IP);
        this.refusals = new RefusalAudit(audit, clock, settings.maxKeys());
        LimitsSettings.LockoutRule rule = settings.wrongCodesPerPhone();
        this.wrongCodes = Boolean.TRUE.equals(rule.enabled())
                ? Optional.of(new Limit(WRONG_CODES_PER_PHONE, rule.capacity(), rule.period()))
                : Optional.empty();
        // A lock is a one-token bucket: taking its token refuses the number for exactly the lockout.
        this.lockout = Boolean.TRUE.equals(rule.enabled()) && !rule.lockout().isZero()
                ? Optional.of(new Limit(PHONE_LOCKOUT, 1, rule.lockout()))
                : Optional.empty();
    }

    public LimitsSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- start

    @Override
    public Optional<RateLimitHeaders> checkStart(StartContext start) {
        PhoneNumber phone = start.phone();
        String ipKey = IpKeys.of(start.ip());
        checkCountry(start);
        checkNumberType(start);

        String phoneKey = phoneKey(phone);
        String countryKey = Integer.toString(phone.callingCode());
        List<Check> checks = new ArrayList<>(10);
        add(checks, resendCooldown, phoneKey, Audience.PHONE);
        add(checks, startPerPhoneHourly, phoneKey, Audience.PHONE);
        add(checks, startPerPhoneDaily, phoneKey, Audience.PHONE);
        add(checks, startPerIp, "ip:" + ipKey, Audience.ADDRESS);
        if (throttleIp.isPresent() && breaker.isTripped(Scope.IP, ipKey)) {
            add(checks, throttleIp, "ip:" + ipKey, Audience.ADDRESS);
        }
        if (throttleCountry.isPresent() && breaker.isTripped(Scope.COUNTRY, countryKey)) {
            add(checks, throttleCountry, "cc:" + countryKey, Audience.BUDGET);
        }
        add(checks, startPerCountryHourly, "cc:" + countryKey, Audience.BUDGET);
        add(checks, startPerCountryDaily, "cc:" + countryKey, Audience.BUDGET);
        add(checks, startGlobalHourly, "global", Audience.BUDGET);
        add(checks, startGlobalDaily, "global", Audience.BUDGET);

        // All of them in one call (one round trip to Redis); a refusal gives back what the earlier ones took.
        List<Decision> decisions = limiter.acquireAll(checks.stream()
                .map(check -> RateLimiter.Step.take(check.key(), check.limit()))
                .toList());
        Decision advertised = null;
        for (int i = 0; i < decisions.size(); i++) {
            Check check = checks.get(i);
            Decision d = decisions.get(i);
            if (!d.allowed()) {
                audit(
                        AuditEvent.Type.START,
                        start.clientId(),
                        phone,
                        start.ip(),
                        AuditEvent.Outcome.REFUSED,
                        "limit=" + check.limit().name());
                throw refusal(ErrorCode.TOO_MANY_REQUESTS, describe(check.audience()), d);
            }
            if (check.audience() != Audience.BUDGET && (advertised == null || d.remaining() < advertised.remaining())) {
                advertised = d;
            }
        }
        return Optional.ofNullable(advertised).map(RateLimitHeaders::of);
    }

    @Override
    public CompletionStage<Void> screenStart(StartContext start) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (StartScreen screen : screens) {
            chain = chain.thenCompose(ignored -> {
                CompletionStage<Void> stage;
                try {
                    stage = screen.screen(start);
                } catch (RuntimeException e) {
                    stage = CompletableFuture.failedFuture(e);
                }
                return stage.whenComplete((ok, error) -> {
                            if (error != null) {
                                metrics.refused(screen.name());
                                audit(
                                        AuditEvent.Type.START,
                                        start.clientId(),
                                        start.phone(),
                                        start.ip(),
                                        AuditEvent.Outcome.REFUSED,
                                        screen.name());
                            }
                        })
                        .toCompletableFuture();
            });
        }
        // One CompletionException level around the PhonepassException, whichever screen refused: callers unwrap
        // getCause() once, as they do for the SMS provider's failures.
        return chain.handle((ok, error) -> {
            if (error == null) {
                return null;
            }
            throw new CompletionException(AsyncFailures.unwrap(error));
        });
    }

    @Override
    public void recordSend(StartContext start) {
        breaker.recordSend(Integer.toString(start.phone().callingCode()), IpKeys.of(start.ip()));
        audit(AuditEvent.Type.SEND, start.clientId(), start.phone(), start.ip(), AuditEvent.Outcome.SUCCESS, null);
    }

    private void checkCountry(StartContext start) {
        PhoneNumber phone = start.phone();
        String region = phone.regionCode().toUpperCase(Locale.ROOT);
        String code = "+" + phone.callingCode();
        LimitsSettings.Countries countries = settings.countries();
        boolean denied = countries.deny().contains(region) || countries.deny().contains(code);
        boolean notAllowed = !countries.allow().isEmpty()
                && !(countries.allow().contains(region) || countries.allow().contains(code));
        if (denied || notAllowed) {
            metrics.refused("country_not_allowed");
            audit(
                    AuditEvent.Type.START,
                    start.clientId(),
                    phone,
                    start.ip(),
                    AuditEvent.Outcome.REFUSED,
                    "country_not_allowed");
            throw PhonepassException.of(
                    ErrorCode.PHONE_NUMBER_NOT_ALLOWED, "Phone numbers from this country are not accepted.");
        }
    }

    private void checkNumberType(StartContext start) {
        if (deniedTypes.isEmpty()) {
            return;
        }
        PhoneNumberType type = numberType.apply(start.phone());
        if (type != null && deniedTypes.contains(type)) {
            String name = type.name().toLowerCase(Locale.ROOT);
            metrics.refused("number_type");
            audit(
                    AuditEvent.Type.START,
                    start.clientId(),
                    start.phone(),
                    start.ip(),
                    AuditEvent.Outcome.REFUSED,
                    "number_type=" + name);
            throw PhonepassException.of(
                    ErrorCode.PHONE_NUMBER_NOT_ALLOWED,
                    "This type of phone number cannot receive codes. Use a mobile number.");
        }
    }

    // ---------------------------------------------------------------- verify

    @Override
    public Optional<RateLimitHeaders> checkVerify(VerifyContext verify) {
        PhoneNumber phone = verify.phone();
        // In one call (one round trip to Redis): a locked number is refused before anything is taken, and a refusal
        // by the address limit gives the number's token back.
        List<RateLimiter.Step> steps = new ArrayList<>(3);
        int phoneStep = -1;
        int ipStep = -1;
        if (phone != null && wrongCodes.isPresent()) {
            String key = wrongCodesKey(phone, verify.ip());
            lockout.ifPresent(limit -> steps.add(RateLimiter.Step.look(key, limit)));
            phoneStep = steps.size();
            steps.add(RateLimiter.Step.take(key, wrongCodes.get()));
        }
        if (verifyPerIp.isPresent()) {
            ipStep = steps.size();
            steps.add(RateLimiter.Step.take("ip:" + IpKeys.of(verify.ip()), verifyPerIp.get()));
        }
        List<Decision> decisions = steps.isEmpty() ? List.of() : limiter.acquireAll(steps);
        if (!decisions.isEmpty() && !decisions.get(decisions.size() - 1).allowed()) {
            refuseVerify(verify, steps.get(decisions.size() - 1).limit(), decisions.get(decisions.size() - 1));
        }
        Decision phoneDecision = phoneStep >= 0 ? decisions.get(phoneStep) : null;
        Decision ipDecision = ipStep >= 0 ? decisions.get(ipStep) : null;
        Decision advertised = phoneDecision == null
                ? ipDecision
                : ipDecision == null || phoneDecision.remaining() <= ipDecision.remaining()
                        ? phoneDecision
                        : ipDecision;
        return Optional.ofNullable(advertised).map(RateLimitHeaders::of);
    }

    @Override
    public void recordVerifyFailure(VerifyContext verify) {
        PhoneNumber phone = verify.phone();
        audit(AuditEvent.Type.VERIFY, verify.clientId(), phone, verify.ip(), AuditEvent.Outcome.FAILURE, "wrong_code");
        if (phone == null || wrongCodes.isEmpty() || lockout.isEmpty()) {
            return;
        }
        // The token for this attempt was taken by checkVerify; once none is left the number is locked for this network.
        String key = wrongCodesKey(phone, verify.ip());
        if (limiter.peek(key, wrongCodes.get()).remaining() == 0) {
            Decision lock = limiter.tryAcquire(key, lockout.get());
            if (lock.allowed()) {
                metrics.refused(PHONE_LOCKOUT);
                audit(
                        AuditEvent.Type.LOCKOUT,
                        verify.clientId(),
                        phone,
                        verify.ip(),
                        AuditEvent.Outcome.SUCCESS,
                        "network=" + IpKeys.of(verify.ip()) + " until=" + lock.resetAt());
            }
        }
    }

    @Override
    public void recordVerifyNoLiveCode(VerifyContext verify) {
        audit(
                AuditEvent.Type.VERIFY,
                verify.clientId(),
                verify.phone(),
                verify.ip(),
                AuditEvent.Outcome.FAILURE,
                NO_LIVE_CODE);
        // Nothing could have been guessed: the address's verify budget is spent, the number's lock is not fed.
        recordVerifyAborted(verify);
    }

    @Override
    public void recordVerifyAborted(VerifyContext verify) {
        if (verify.phone() != null && wrongCodes.isPresent()) {
            limiter.refund(wrongCodesKey(verify.phone(), verify.ip()), wrongCodes.get(), 1);
        }
    }

    @Override
    public void recordVerifySuccess(VerifyContext verify) {
        PhoneNumber phone = verify.phone();
        audit(AuditEvent.Type.VERIFY, verify.clientId(), phone, verify.ip(), AuditEvent.Outcome.SUCCESS, null);
        if (phone == null) {
            return;
        }
        // The person got in: earlier typos no longer count against the number, and the breaker counts a conversion.
        // Both in one call, one round trip to a shared backend.
        // Only the owner's network is cleared: an attacker's networks stay locked.
        List<RateLimiter.Reset> resets = wrongCodes
                .map(limit -> List.of(new RateLimiter.Reset(wrongCodesKey(phone, verify.ip()), limit)))
                .orElse(List.of());
        List<String> counts = breaker.verifiedKeys(Integer.toString(phone.callingCode()), IpKeys.of(verify.ip()));
        if (!resets.isEmpty() || !counts.isEmpty()) {
            limiter.resetAndCount(resets, breaker.counter(), counts);
        }
    }

    private void refuseVerify(VerifyContext verify, Limit limit, Decision decision) {
        audit(
                AuditEvent.Type.VERIFY,
                verify.clientId(),
                verify.phone(),
                verify.ip(),
                AuditEvent.Outcome.REFUSED,
                "limit=" + limit.name());
        throw refusal(ErrorCode.TOO_MANY_ATTEMPTS, TOO_MANY_ATTEMPTS, decision);
    }

    // ---------------------------------------------------------------- revoke

    @Override
    public void checkRevoke(String ip) {
        if (revokePerIp.isEmpty()) {
            return;
        }
        Decision decision = limiter.tryAcquire("revoke:" + IpKeys.of(ip), revokePerIp.get());
        if (!decision.allowed()) {
            audit(AuditEvent.Type.REVOKE, null, null, ip, AuditEvent.Outcome.REFUSED, "limit=" + REVOKE_PER_IP);
            throw refusal(ErrorCode.TOO_MANY_REQUESTS, IP_LIMITED, decision);
        }
    }

    // ---------------------------------------------------------------- authorize

    @Override
    public void checkAuthorize(String ip) {
        if (authorizePerIp.isEmpty()) {
            return;
        }
        Decision decision = limiter.tryAcquire("authorize:" + IpKeys.of(ip), authorizePerIp.get());
        if (!decision.allowed()) {
            audit(AuditEvent.Type.AUTHORIZE, null, null, ip, AuditEvent.Outcome.REFUSED, "limit=" + AUTHORIZE_PER_IP);
            throw refusal(ErrorCode.TOO_MANY_REQUESTS, IP_LIMITED, decision);
        }
    }

    // ---------------------------------------------------------------- helpers

    private PhonepassException refusal(ErrorCode code, String description, Decision decision) {
        metrics.refused(decision.limit().name());
        RateLimitHeaders headers = RateLimitHeaders.of(decision);
        Map<String, Object> details = headers.toDetails();
        return new PhonepassException(code, description, details, headers.retryAfterSeconds(), null);
    }

    private static String describe(Audience audience) {
        return switch (audience) {
            case PHONE -> PHONE_LIMITED;
            case ADDRESS -> IP_LIMITED;
            case BUDGET -> BUDGET_LIMITED;
        };
    }

    private static void add(List<Check> checks, Optional<Limit> limit, String key, Audience audience) {
        limit.ifPresent(l -> checks.add(new Check(key, l, audience)));
    }

    private static String phoneKey(PhoneNumber phone) {
        return "phone:" + phone.e164();
    }

    /** The key of the wrong-code budget and lock: one number from one network. */
    static String wrongCodesKey(PhoneNumber phone, String ip) {
        return phoneKey(phone) + "|net:" + IpKeys.of(ip);
    }

    /**
     * Writes an event. Refusals, and guesses that found no live code, cost the caller nothing and compare nothing,
     * so they go through {@link RefusalAudit}: one row per key and minute, not one per request.
     */
    private void audit(
            AuditEvent.Type type,
            String clientId,
            PhoneNumber phone,
            String ip,
            AuditEvent.Outcome outcome,
            String detail) {
        try {
            AuditEvent event = AuditEvent.of(clock.instant(), type, clientId, phone, ip, outcome, detail);
            if (outcome == AuditEvent.Outcome.REFUSED || NO_LIVE_CODE.equals(detail)) {
                refusals.record(event);
                return;
            }
            audit.record(event);
        } catch (RuntimeException e) {
            // The audit log must never turn a decision into an error.
        }
    }
}
