package org.phonepass.core.login;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CheckResult;
import org.phonepass.core.otp.CodeGenerator;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.otp.ConsumeResult;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.sms.LanguageTags;
import org.phonepass.core.sms.MessageTemplate;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.store.UnitOfWork;
import org.phonepass.core.token.TokenResponse;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two steps of a phone login: send a code, then exchange it for tokens. */
public final class LoginService {
    /** The answer Auth0 gives for every code failure, matched literally by Lock and the mobile SDKs (§8.2, §8.4). */
    public static final String WRONG_CODE_DESCRIPTION = "Wrong phone number or verification code.";
    private static final Logger log = LoggerFactory.getLogger(LoginService.class);

    private final OtpSettings settings;
    private final PhoneNumberParser phones;
    private final ChallengeStore challenges;
    private final UserStore users;
    private final TokenService tokens;
    private final SmsProvider sms;
    private final CodeGenerator codes;
    private final CodeHasher hasher;
    private final Clock clock;
    private final SecureRandom random;
    /** The user and token writes of one login, as one transaction where the stores share one. */
    private final UnitOfWork writes;
    private final FixedCodes fixedCodes;

    /**
     * Numbers whose code is fixed by configuration (app-store review, CI): no random code is made for them, and the
     * SMS layer does not send to them.
     */
    @FunctionalInterface
    public interface FixedCodes {
        Optional<String> fixedCode(PhoneNumber phone, Instant now);
    }

    public LoginService(OtpSettings settings, PhoneNumberParser phones, ChallengeStore challenges, UserStore users,
                        TokenService tokens, SmsProvider sms, CodeHasher hasher, Clock clock, SecureRandom random,
                        FixedCodes fixedCodes, UnitOfWork writes) {
        this.writes = Objects.requireNonNull(writes, "writes cannot be null");
        this.fixedCodes = Objects.requireNonNull(fixedCodes, "fixedCodes cannot be null");
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        this.phones = Objects.requireNonNull(phones, "phones cannot be null");
        this.challenges = Objects.requireNonNull(challenges, "challenges cannot be null");
        this.users = Objects.requireNonNull(users, "users cannot be null");
        this.tokens = Objects.requireNonNull(tokens, "tokens cannot be null");
        this.sms = Objects.requireNonNull(sms, "sms cannot be null");
        this.hasher = Objects.requireNonNull(hasher, "hasher cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        this.codes = new CodeGenerator(random);
    }

    /** A parsed {@code /passwordless/start}. */
    public record StartCommand(Client client, String rawPhone, String language, String ip) {
    }

    /**
     * The answer to a start: the challenge id, the normalised number, the language used, and whether a message was
     * really sent (false for the silent answer to an unknown number when sign-ups are disabled).
     */
    public record StartResult(String id, PhoneNumber phone, String language, boolean sent) {
    }

    /** A parsed code exchange. */
    public record VerifyCommand(Client client, String rawPhone, String code, String ip, TokenService.Request tokens) {
    }

    /** A successful login: the user and the tokens. */
    public record LoginResult(User user, TokenResponse tokens) {
    }

    /** Normalises a phone number; empty when it is not a valid one. */
    public Optional<PhoneNumber> tryParsePhone(String raw) {
        return phones.parse(raw);
    }

    /** Normalises a phone number or answers {@code bad.phone_number}. */
    public PhoneNumber parsePhone(String raw) {
        if (raw == null || raw.isBlank()) {
            throw PhonepassException.of(ErrorCode.BAD_PHONE_NUMBER, "Missing required property: phone_number");
        }
        return phones.parse(raw).orElseThrow(() -> PhonepassException.of(ErrorCode.BAD_PHONE_NUMBER,
                "The phone number is invalid. Use international format, for example +12015550123."));
    }

    /**
     * Creates a code and hands its message to the SMS provider. The stage completes when the provider accepted the
     * message; no thread waits for it meanwhile.
     */
    public CompletionStage<StartResult> start(StartCommand command, PhoneNumber phone) {
        Client client = command.client();
        if (settings.disableSignup() && users.findByPhone(phone.e164()).isEmpty()) {
            if (settings.signupDisabledResponse() == OtpSettings.SignupDisabledResponse.ERROR) {
                throw PhonepassException.of(ErrorCode.SIGNUP_DISABLED,
                        "Sign-ups are disabled, and there is no account for this phone number.");
            }
            log.info("start refused silently: sign-ups disabled, unknown number {}", phone.masked());
            return CompletableFuture.completedFuture(new StartResult(newId(), phone, command.language(), false));
        }
        Instant now = clock.instant();
        String code = fixedCodes.fixedCode(phone, now).orElseGet(() -> codes.generate(settings.codeLength()));
        Challenge challenge = new Challenge(newId(), client.clientId(), phone.e164(),
                hasher.hash(client.clientId(), phone.e164(), code), now, now.plus(settings.codeTtl()), 0,
                settings.maxAttempts());
        challenges.create(challenge, settings.keepPreviousCodes());
        String body = template(command.language()).render(Map.of(
                "code", code,
                "application.name", client.name(),
                // Only a known tag: the header is the caller's text, and this message goes to someone's phone.
                "request_language", LanguageTags.orDefault(command.language()),
                "ttl_minutes", Long.toString(Math.max(1, settings.codeTtl().toMinutes()))));
        SmsMessage message = new SmsMessage(phone, body, code, command.language(), client.clientId());
        CompletionStage<StartResult> sent;
        try {
            sent = sms.send(message).thenApply(receipt -> {
                log.info("code sent to {} via {} for client {}", phone.masked(), receipt.providerId(),
                        client.clientId());
                return new StartResult(challenge.id(), phone, command.language(), true);
            });
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.exceptionally(error -> {
            throw deliveryFailure(error, phone);
        });
    }

    /** Exchanges a code for tokens, or answers the one wrong-code error. */
    public LoginResult verify(VerifyCommand command) {
        if (command.code() == null || command.code().isEmpty()) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing password parameter");
        }
        Client client = command.client();
        Optional<PhoneNumber> phone = phones.parse(command.rawPhone());
        if (phone.isEmpty() || command.code().length() > 64) {
            throw wrongCode(0);
        }
        String e164 = phone.get().e164();
        // Before the code is touched: a request the token service would refuse does not use it up.
        tokens.checkAudience(command.tokens().audience());
        byte[] submitted = hasher.hash(client.clientId(), e164, command.code());
        // Using the code, recording the login and storing the tokens are one unit of work (one commit where the
        // stores share a database); a wrong code's counted attempt is committed too, so nothing in here throws for
        // it. The signatures come after, outside any transaction.
        Verified verified = writes.run(() -> {
            ConsumeResult result = challenges.consume(client.clientId(), e164, submitted, clock.instant());
            if (!result.isAccepted()) {
                return new Verified(result, null);
            }
            // With sign-up disabled and no such user the code is used up all the same, and the answer is a wrong
            // code.
            return new Verified(result, users.recordLogin(e164, newId(), command.ip(), clock.instant(),
                    !settings.disableSignup()).map(user -> tokens.store(client, user, command.tokens())).orElse(null));
        });
        if (!verified.result().isAccepted()) {
            log.info("verification failed for {}: {}", phone.get().masked(), verified.result().outcome());
            throw wrongCode(verified.result().attemptsRemaining());
        }
        if (verified.issued() == null) {
            throw wrongCode(0);
        }
        return new LoginResult(verified.issued().user(), tokens.sign(verified.issued()));
    }

    /** What the unit of work of a verification decided: tokens stored, or why not. */
    private record Verified(ConsumeResult result, TokenService.Issued issued) {
    }

    /**
     * Step 1 of the legacy redirect flow (protocol.md §3.3): says whether the code is right for one of the
     * candidate clients, without using it, and answers that client; a wrong code costs an attempt as in
     * {@link #verify}. auth0-js 6/7 send no client_id here, so the caller passes every client the request may be
     * for; the code's HMAC is computed for each of them (microseconds each).
     *
     * @throws PhonepassException {@code WRONG_CODE} when no candidate's live code matches
     */
    public Client check(List<Client> candidates, String rawPhone, String code) {
        if (code == null || code.isEmpty()) {
            throw PhonepassException.of(ErrorCode.INVALID_REQUEST, "missing verification_code parameter");
        }
        Optional<PhoneNumber> phone = phones.parse(rawPhone);
        if (phone.isEmpty() || code.length() > 64) {
            throw wrongCode(0);
        }
        String e164 = phone.get().e164();
        // Sorted: the SQL store takes one lock per client in this order, so concurrent checks cannot deadlock.
        Map<String, byte[]> hashes = new TreeMap<>();
        Map<String, Client> byId = new TreeMap<>();
        for (Client c : candidates) {
            hashes.put(c.clientId(), hasher.hash(c.clientId(), e164, code));
            byId.put(c.clientId(), c);
        }
        CheckResult result = challenges.check(e164, hashes, clock.instant());
        if (!result.isAccepted()) {
            log.info("code check failed for {}: {}", phone.get().masked(), result.outcome());
            throw wrongCode(result.attemptsRemaining());
        }
        return byId.get(result.clientId());
    }

    private MessageTemplate template(String language) {
        if (language != null) {
            String tag = language.toLowerCase(java.util.Locale.ROOT);
            MessageTemplate exact = settings.templatesByLanguage().get(tag);
            if (exact != null) {
                return exact;
            }
            int dash = tag.indexOf('-');
            if (dash > 0) {
                MessageTemplate base = settings.templatesByLanguage().get(tag.substring(0, dash));
                if (base != null) {
                    return base;
                }
            }
        }
        return settings.template();
    }

    private static PhonepassException wrongCode(int attemptsRemaining) {
        return new PhonepassException(ErrorCode.WRONG_CODE, WRONG_CODE_DESCRIPTION,
                Map.of("attempts_remaining", attemptsRemaining), null, null);
    }

    private static RuntimeException deliveryFailure(Throwable error, PhoneNumber phone) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof PhonepassException pe) {
            return pe;
        }
        if (cause instanceof SmsDeliveryException sde) {
            if (sde.kind() == SmsDeliveryException.Kind.REJECTED_NUMBER) {
                String code = sde.providerCode() == null ? "" : " (Code: " + sde.providerCode() + ")";
                return new PhonepassException(ErrorCode.SMS_PROVIDER_REJECTED, sde.getMessage() + code,
                        Map.of(), null, sde);
            }
            log.warn("SMS to {} failed at {} ({}): {}", phone.masked(), sde.providerId(), sde.kind(),
                    sde.getMessage());
        } else {
            log.error("SMS to {} failed unexpectedly", phone.masked(), cause);
        }
        return new PhonepassException(ErrorCode.SMS_PROVIDER_UNAVAILABLE,
                "The SMS could not be sent right now. Please try again in a minute.", Map.of(), 60L, cause);
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
