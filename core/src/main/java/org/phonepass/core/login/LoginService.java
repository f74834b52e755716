package org.phonepass.core.login;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.VerifyContext;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CheckResult;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.otp.ConsumeResult;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.store.RecordIds;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange of a code for a login, whole, for every way of logging in ({@code /oauth/ro}, {@code /oauth/token},
 * the legacy redirect flow, and whatever comes next): the HTTP layer reads the parameters, calls one method here and
 * writes what it returns.
 *
 * <p>Every exchange runs the same sequence, which is what makes a public code endpoint safe:
 * <ol>
 *   <li>the number is parsed once;</li>
 *   <li>the abuse limits are checked <em>before</em> the code is compared ({@link AbusePolicy#checkVerify}), so a
 *       refused request never spends one of the code's attempts;</li>
 *   <li>the code is compared (and, for a login, used up, with the user and the tokens written in one unit of
 *       work);</li>
 *   <li>the outcome is recorded: a wrong guess at a live code counts towards the number's lock for the caller's
 *       network, an accepted one clears it and feeds the pumping breaker, and a request that failed before any code
 *       was compared, or found no live code to guess, gives its attempt back, so that only guesses that could have
 *       succeeded count (docs/security.md#wrong-code-limit);</li>
 *   <li>the reasons other than a wrong code (sign-up disabled, an unknown audience, a malformed request) are
 *       audited here; the policy audits wrong codes and refusals.</li>
 * </ol>
 * The tokens are signed after the unit of work, outside any transaction.
 */
public final class LoginService {
    /**
     * The answer Auth0 gives for every code failure, matched literally by Lock and the mobile SDKs
     * (docs/auth0-compatibility.md#error-strings-clients-match).
     */
    public static final String WRONG_CODE_DESCRIPTION = "Wrong phone number or verification code.";
    /** The client recorded for the legacy redirect flow's check when the request named none (auth0-js 6/7). */
    public static final String ANY_CLIENT = "*";
    /** Longer submissions are refused as wrong codes without being hashed. */
    private static final int MAX_CODE_LENGTH = 64;

    private static final Logger log = LoggerFactory.getLogger(LoginService.class);

    /** Read at each login: the connection settings can change while the server runs (docs/management.md). */
    private final Supplier<OtpSettings> settings;

    private final PhoneNumberParser phones;
    private final ChallengeStore challenges;
    private final UserStore users;
    private final TokenService tokens;
    private final CodeHasher hasher;
    private final AbusePolicy policy;
    private final AuditLog audit;
    /** The user and token writes of one login, as one transaction where the stores share one. */
    private final UnitOfWork writes;

    private final Clock clock;
    private final RecordIds ids;

    /** The stores and services a login uses. */
    public record Parts(
            PhoneNumberParser phones,
            ChallengeStore challenges,
            UserStore users,
            TokenService tokens,
            CodeHasher hasher,
            UnitOfWork writes) {
        public Parts {
            Objects.requireNonNull(phones, "phones cannot be null");
            Objects.requireNonNull(challenges, "challenges cannot be null");
            Objects.requireNonNull(users, "users cannot be null");
            Objects.requireNonNull(tokens, "tokens cannot be null");
            Objects.requireNonNull(hasher, "hasher cannot be null");
            Objects.requireNonNull(writes, "writes cannot be null");
        }
    }

    public LoginService(
            OtpSettings settings, Parts parts, AbusePolicy policy, AuditLog audit, Clock clock, SecureRandom random) {
        this(constant(settings), parts, policy, audit, clock, random);
    }

    /** @param settings the current code rules, asked at each login (they may change at run time) */
    public LoginService(
            Supplier<OtpSettings> settings,
            Parts parts,
            AbusePolicy policy,
            AuditLog audit,
            Clock clock,
            SecureRandom random) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        Objects.requireNonNull(parts, "parts cannot be null");
        this.phones = parts.phones();
        this.challenges = parts.challenges();
        this.users = parts.users();
        this.tokens = parts.tokens();
        this.hasher = parts.hasher();
        this.writes = parts.writes();
        this.policy = Objects.requireNonNull(policy, "policy cannot be null");
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.ids = new RecordIds(clock, Objects.requireNonNull(random, "random cannot be null"));
    }

    /**
     * A code exchange as the caller read it.
     *
     * @param client   the authenticated client
     * @param rawPhone the submitted number, as sent
     * @param code     the submitted code, as sent (null or empty is a malformed request)
     * @param ip       the client address, resolved once by the caller
     * @param tokens   what the tokens should carry
     */
    public record VerifyCommand(Client client, String rawPhone, String code, String ip, TokenService.Request tokens) {
        public VerifyCommand {
            Objects.requireNonNull(client, "client cannot be null");
            Objects.requireNonNull(ip, "ip cannot be null");
            Objects.requireNonNull(tokens, "tokens cannot be null");
        }
    }

    /**
     * Step 1 of the legacy redirect flow as the caller read it.
     *
     * @param client     the client the request named, or null when it named none (auth0-js 6/7)
     * @param candidates the clients the code may be for: the named one, or every client the request may come from
     * @param rawPhone   the submitted number, as sent
     * @param code       the submitted code, as sent
     * @param ip         the client address, resolved once by the caller
     */
    public record CheckCommand(Client client, List<Client> candidates, String rawPhone, String code, String ip) {
        public CheckCommand {
            candidates = List.copyOf(candidates);
            Objects.requireNonNull(ip, "ip cannot be null");
        }
    }

    /** A successful login: the user and the tokens. */
    public record LoginResult(User user, TokenResponse tokens) {}

    /**
     * A sign-in on the hosted login pages (docs/hosted-login.md): the code proves the number, and the person gets a
     * server session instead of tokens; the tokens come later from the authorization code.
     *
     * @param client   the client the login is for (the one the code was sent for)
     * @param rawPhone the submitted number, as sent
     * @param code     the submitted code, as sent
     * @param ip       the client address, resolved once by the caller
     */
    public record SignInCommand(Client client, String rawPhone, String code, String ip) {
        public SignInCommand {
            Objects.requireNonNull(client, "client cannot be null");
            Objects.requireNonNull(ip, "ip cannot be null");
        }
    }

    /**
     * Uses a code to sign a person in, with the same limits, attempt counting and audit as {@link #verify}, and
     * answers the user (created when sign-ups are on); no token is issued.
     *
     * @throws PhonepassException {@code TOO_MANY_ATTEMPTS} when the limits refuse, {@code WRONG_CODE} for every code
     *                            failure
     */
    public User signIn(SignInCommand command, Consumer<RateLimitHeaders> limits) {
        Optional<PhoneNumber> phone = phones.parse(command.rawPhone());
        VerifyContext context = new VerifyContext(command.client().clientId(), phone.orElse(null), command.ip());
        return guarded(context, limits, reach -> signInUser(command, phone, reach));
    }

    /**
     * Exchanges a code for tokens, or answers the one wrong-code error.
     *
     * @param limits told the limits to advertise as soon as the checks passed, so that a failure after them still
     *               carries them
     * @throws PhonepassException {@code TOO_MANY_ATTEMPTS} when the limits refuse, {@code WRONG_CODE} for every code
     *                            failure, or the reason the tokens cannot be issued
     */
    public LoginResult verify(VerifyCommand command, Consumer<RateLimitHeaders> limits) {
        Client client = command.client();
        Optional<PhoneNumber> phone = phones.parse(command.rawPhone());
        VerifyContext context = new VerifyContext(client.clientId(), phone.orElse(null), command.ip());
        return guarded(context, limits, reach -> exchange(command, phone, reach));
    }

    /**
     * Step 1 of the legacy redirect flow: says whether the code is right for one of the candidate clients, without
     * using it, and answers that client; a wrong code costs an attempt as in {@link #verify}. auth0-js 6/7 send no
     * client_id here, so the caller passes every client the request may be for; the code's HMAC is computed for
     * each of them (microseconds each).
     *
     * @throws PhonepassException {@code WRONG_CODE} when no candidate's live code matches
     */
    public Client check(CheckCommand command, Consumer<RateLimitHeaders> limits) {
        Optional<PhoneNumber> phone = phones.parse(command.rawPhone());
        String policyClient =
                command.client() == null ? ANY_CLIENT : command.client().clientId();
        VerifyContext context = new VerifyContext(policyClient, phone.orElse(null), command.ip());
        return guarded(context, limits, reach -> compare(command, phone, reach));
    }

    /**
     * Whether a comparison found no live code: set by the attempt from the challenge store's answer. The wire answer
     * is the same wrong code either way; only the record differs.
     */
    private static final class Reach {
        private boolean noLiveCode;
    }

    /**
     * Runs one comparison under the abuse policy: the checks before it, and after it the record of what it did.
     * A {@code WRONG_CODE} failure counts unless there was no live code to guess; any other failure gives the attempt
     * back.
     */
    private <T> T guarded(VerifyContext context, Consumer<RateLimitHeaders> limits, Function<Reach, T> attempt) {
        policy.checkVerify(context).ifPresent(limits);
        Reach reach = new Reach();
        T result;
        try {
            result = attempt.apply(reach);
        } catch (PhonepassException e) {
            if (e.code() == ErrorCode.WRONG_CODE && reach.noLiveCode) {
                // Nothing could have been guessed: counting it would let anyone lock any number.
                policy.recordVerifyNoLiveCode(context);
            } else if (e.code() == ErrorCode.WRONG_CODE) {
                policy.recordVerifyFailure(context);
            } else {
                policy.recordVerifyAborted(context);
                // The policy audits wrong codes; the other reasons (sign-up disabled, bad audience, ...) here.
                audit(AuditEvent.of(
                        clock.instant(),
                        AuditEvent.Type.VERIFY,
                        context.clientId(),
                        context.phone(),
                        context.ip(),
                        AuditEvent.Outcome.FAILURE,
                        e.code().name().toLowerCase(Locale.ROOT)));
            }
            throw e;
        } catch (RuntimeException e) {
            policy.recordVerifyAborted(context);
            throw e;
        }
        policy.recordVerifySuccess(context);
        return result;
    }

    private LoginResult exchange(VerifyCommand command, Optional<PhoneNumber> phone, Reach reach) {
        if (command.code() == null || command.code().isEmpty()) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing password parameter");
        }
        // Before the code is touched: a request the token service would refuse does not use it up.
        tokens.checkAudience(command.tokens().audience());
        TokenService.Issued issued = use(
                command.client(),
                phone,
                command.code(),
                command.ip(),
                reach,
                user -> tokens.store(command.client(), user, command.tokens()));
        return new LoginResult(issued.user(), tokens.sign(issued));
    }

    private User signInUser(SignInCommand command, Optional<PhoneNumber> phone, Reach reach) {
        if (command.code() == null || command.code().isEmpty()) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing code");
        }
        return use(command.client(), phone, command.code(), command.ip(), reach, user -> user);
    }

    /**
     * Uses the code: compares it, and when it is right records the login and runs {@code onLogin} for the user, in
     * one unit of work where the stores share one.
     */
    private <T> T use(
            Client client,
            Optional<PhoneNumber> phone,
            String code,
            String ip,
            Reach reach,
            Function<User, T> onLogin) {
        if (phone.isEmpty() || code.length() > MAX_CODE_LENGTH) {
            throw wrongCode(0);
        }
        String e164 = phone.get().e164();
        byte[] submitted = hasher.hash(client.clientId(), e164, code);
        Verified<T> verified;
        if (challenges.sharesUnitOfWork()) {
            // Using the code, recording the login and storing the tokens are one unit of work (one commit); a wrong
            // code's counted attempt is committed too, so nothing in here throws for it.
            verified = writes.run(() -> {
                ConsumeResult result = challenges.consume(client.clientId(), e164, submitted, clock.instant());
                return new Verified<>(
                        result, result.isAccepted() ? recordLogin(client, phone.get(), ip, onLogin) : null);
            });
        } else {
            // A remote challenge store (Redis) is called before the unit of work, never inside it: no database
            // transaction (nor the embedded store's writer lock) is held across its round trip. A code used up
            // here stays used if the writes then fail, as it would have inside the unit of work (the remote store
            // does not roll back), and the caller asks for a new code.
            ConsumeResult result = challenges.consume(client.clientId(), e164, submitted, clock.instant());
            verified = result.isAccepted()
                    ? writes.run(() -> new Verified<>(result, recordLogin(client, phone.get(), ip, onLogin)))
                    : new Verified<>(result, null);
        }
        if (!verified.result().isAccepted()) {
            reach.noLiveCode = verified.result().outcome() == ConsumeResult.Outcome.NO_LIVE_CHALLENGE;
            log.info(
                    "verification failed for {}: {}",
                    phone.get().masked(),
                    verified.result().outcome());
            throw wrongCode(verified.result().attemptsRemaining());
        }
        if (verified.login() == null) {
            // Sign-up disabled and no such user: the code is used up all the same, and the answer is a wrong code.
            throw wrongCode(0);
        }
        // After the unit of work: the login is committed when its audit line says so, and the line is not written
        // while the embedded store's writer lock is held (docs/benchmarks.md#checkpoints-cut).
        audit(verified.login().event());
        return verified.login().done();
    }

    /**
     * The user's login and what follows from it, with the login's audit event for the caller to record once the unit
     * of work is committed; null when sign-ups are off and no user exists. A blocked user is refused here, after the
     * right code and before anything is written (docs/management.md#blocking).
     */
    private <T> LoggedIn<T> recordLogin(Client client, PhoneNumber number, String ip, Function<User, T> onLogin) {
        String e164 = number.e164();
        UserStore.Login login = users.recordLoginUnlessBlocked(
                e164, ids.next(), ip, clock.instant(), !settings.get().disableSignup());
        if (login.blocked()) {
            throw PhonepassException.of(ErrorCode.USER_BLOCKED, "user is blocked");
        }
        return login.user()
                .map(user -> {
                    AuditEvent event = AuditEvent.of(
                                    clock.instant(),
                                    AuditEvent.Type.LOGIN,
                                    client.clientId(),
                                    number,
                                    ip,
                                    AuditEvent.Outcome.SUCCESS,
                                    user.loginsCount() == 1 ? "signup" : null)
                            .withUserId(user.userId());
                    return new LoggedIn<>(onLogin.apply(user), event);
                })
                .orElse(null);
    }

    private static Supplier<OtpSettings> constant(OtpSettings settings) {
        Objects.requireNonNull(settings, "settings cannot be null");
        return () -> settings;
    }

    /** What the unit of work of a verification decided: the login, or why there is none. */
    private record Verified<T>(ConsumeResult result, LoggedIn<T> login) {}

    /** A login recorded in a unit of work: what followed from it, and its audit event, not yet recorded. */
    private record LoggedIn<T>(T done, AuditEvent event) {}

    private Client compare(CheckCommand command, Optional<PhoneNumber> phone, Reach reach) {
        String code = command.code();
        if (code == null || code.isEmpty()) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing verification_code parameter");
        }
        if (phone.isEmpty() || code.length() > MAX_CODE_LENGTH) {
            throw wrongCode(0);
        }
        String e164 = phone.get().e164();
        // Sorted: the SQL store takes one lock per client in this order, so concurrent checks cannot deadlock.
        Map<String, byte[]> hashes = new TreeMap<>();
        Map<String, Client> byId = new TreeMap<>();
        for (Client c : command.candidates()) {
            hashes.put(c.clientId(), hasher.hash(c.clientId(), e164, code));
            byId.put(c.clientId(), c);
        }
        CheckResult result = challenges.check(e164, hashes, clock.instant());
        if (!result.isAccepted()) {
            reach.noLiveCode = result.outcome() == ConsumeResult.Outcome.NO_LIVE_CHALLENGE;
            log.info("code check failed for {}: {}", phone.get().masked(), result.outcome());
            throw wrongCode(result.attemptsRemaining());
        }
        return byId.get(result.clientId());
    }

    private void audit(AuditEvent event) {
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            // AuditLog's contract: a lost audit record never turns a request into an error.
        }
    }

    static PhonepassException wrongCode(int attemptsRemaining) {
        return new PhonepassException(
                ErrorCode.WRONG_CODE,
                WRONG_CODE_DESCRIPTION,
                Map.of("attempts_remaining", attemptsRemaining),
                null,
                null);
    }
}
