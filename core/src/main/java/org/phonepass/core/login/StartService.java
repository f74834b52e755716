package org.phonepass.core.login;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.StartContext;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.otp.Challenge;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CodeGenerator;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.phone.PhoneNumber;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.sms.LanguageTags;
import org.phonepass.core.sms.MessageTemplate;
import org.phonepass.core.sms.SmsDeliveryException;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.phonepass.core.store.RecordIds;
import org.phonepass.core.user.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The start of a phone login ({@code /passwordless/start}), whole: the HTTP layer reads the parameters, calls
 * {@link #start} and writes what it returns.
 *
 * <p>The sequence: parse the number once; the local limits ({@link AbusePolicy#checkStart}: country, number type,
 * the buckets and the pumping breaker; synchronous and cheap); the remote screens (bot check, pre-send hook); the
 * sign-up rule; create the code; hand the message to the SMS provider; and once the provider accepted it, record
 * the send ({@link AbusePolicy#recordSend}). No thread waits for the remote screens or the provider.
 *
 * <p><b>Silent sign-up refusal</b> ({@code disable_signup} with the {@code silent} response) must not tell anyone
 * which numbers have accounts (docs/security.md#silent-sign-up-refusal). So an unknown number gets a decoy
 * challenge, stored like a real one but with a random hash that no code matches, and never sent: verifications
 * then answer it exactly as a real code (the same {@code attempts_remaining} countdown). And the answer does not
 * wait for the SMS provider for any number: a known number's message is handed over in the background, and a
 * delivery failure is logged, not answered, since an unknown number could not fail that way.
 */
public final class StartService {
    private static final Logger log = LoggerFactory.getLogger(StartService.class);

    /** Read at each start: the connection settings can change while the server runs (docs/management.md). */
    private final java.util.function.Supplier<OtpSettings> live;

    private final PhoneNumberParser phones;
    private final ChallengeStore challenges;
    private final UserStore users;
    private final SmsProvider sms;
    private final CodeHasher hasher;
    private final FixedCodes fixedCodes;
    private final AbusePolicy policy;
    private final Clock clock;
    private final SecureRandom random;
    private final RecordIds ids;
    private final CodeGenerator codes;

    /**
     * Numbers whose code is fixed by configuration (app-store review, CI): no random code is made for them, and the
     * SMS layer does not send to them.
     */
    @FunctionalInterface
    public interface FixedCodes {
        /** No number has a fixed code. */
        FixedCodes NONE = (phone, now) -> Optional.empty();

        Optional<String> fixedCode(PhoneNumber phone, Instant now);
    }

    /** The stores and services a start uses. */
    public record Parts(
            PhoneNumberParser phones,
            ChallengeStore challenges,
            UserStore users,
            SmsProvider sms,
            CodeHasher hasher,
            FixedCodes fixedCodes) {
        public Parts {
            Objects.requireNonNull(phones, "phones cannot be null");
            Objects.requireNonNull(challenges, "challenges cannot be null");
            Objects.requireNonNull(users, "users cannot be null");
            Objects.requireNonNull(sms, "sms cannot be null");
            Objects.requireNonNull(hasher, "hasher cannot be null");
            Objects.requireNonNull(fixedCodes, "fixedCodes cannot be null");
        }
    }

    public StartService(OtpSettings settings, Parts parts, AbusePolicy policy, Clock clock, SecureRandom random) {
        this(constant(settings), parts, policy, clock, random);
    }

    /** @param settings the current code rules and templates, asked at each start (they may change at run time) */
    public StartService(
            java.util.function.Supplier<OtpSettings> settings,
            Parts parts,
            AbusePolicy policy,
            Clock clock,
            SecureRandom random) {
        this.live = Objects.requireNonNull(settings, "settings cannot be null");
        Objects.requireNonNull(parts, "parts cannot be null");
        this.phones = parts.phones();
        this.challenges = parts.challenges();
        this.users = parts.users();
        this.sms = parts.sms();
        this.hasher = parts.hasher();
        this.fixedCodes = parts.fixedCodes();
        this.policy = Objects.requireNonNull(policy, "policy cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        this.ids = new RecordIds(clock, random);
        this.codes = new CodeGenerator(random);
    }

    /**
     * A start as the caller read it.
     *
     * @param client   the authenticated client
     * @param rawPhone the submitted number, as sent; parsed here, once
     * @param language the language of the message (the request's, resolved by the caller)
     * @param ip       the client address, resolved once by the caller
     * @param botToken the bot-check token sent with the request, or null
     */
    public record StartCommand(Client client, String rawPhone, String language, String ip, String botToken) {
        public StartCommand {
            Objects.requireNonNull(client, "client cannot be null");
            Objects.requireNonNull(ip, "ip cannot be null");
        }
    }

    /**
     * The answer to a start: the challenge id, the normalised number, the language used, and whether a message was
     * really sent (false for the silent answer to an unknown number when sign-ups are disabled).
     */
    public record StartResult(String id, PhoneNumber phone, String language, boolean sent) {}

    /**
     * Runs a start. The refusals that need no remote call ({@code bad.phone_number}, a refused country or number
     * type, a spent limit) are thrown at once; the rest complete the stage exceptionally, each with one
     * {@code CompletionException} around a {@code PhonepassException}.
     *
     * @param limits told the limits to advertise as soon as the local checks passed, so that a later failure still
     *               carries them
     */
    public CompletionStage<StartResult> start(StartCommand command, Consumer<RateLimitHeaders> limits) {
        PhoneNumber phone = parsePhone(command.rawPhone());
        StartContext screening = new StartContext(command.client().clientId(), phone, command.ip(), command.botToken());
        // Local limits first (cheap, synchronous), then the remote screens, then the send.
        policy.checkStart(screening).ifPresent(limits);
        // The stages may complete on the SMS client's thread: keep the request's log context in their lines.
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        if (hidesAccounts()) {
            return policy.screenStart(screening)
                    .thenApply(allowed -> sendInBackground(command, phone, screening, logContext));
        }
        return policy.screenStart(screening)
                .thenCompose(allowed -> send(command, phone))
                .thenApply(result -> {
                    restore(logContext);
                    if (result.sent()) {
                        policy.recordSend(screening);
                    }
                    return result;
                });
    }

    /** Whether unknown numbers are answered as known ones (sign-ups off, silent response). */
    private boolean hidesAccounts() {
        return settings().disableSignup()
                && settings().signupDisabledResponse() == OtpSettings.SignupDisabledResponse.SILENT;
    }

    /**
     * The silent mode's start: the same work and the same answer whether or not the number has an account. A known
     * number's code is stored and handed to the provider without waiting; an unknown one gets a decoy.
     */
    private StartResult sendInBackground(
            StartCommand command, PhoneNumber phone, StartContext screening, Map<String, String> logContext) {
        Client client = command.client();
        boolean known = users.findByPhone(phone.e164()).isPresent();
        Instant now = clock.instant();
        String code = fixedCodes
                .fixedCode(phone, now)
                .orElseGet(() -> codes.generate(settings().codeLength()));
        byte[] hash = hasher.hash(client.clientId(), phone.e164(), code);
        if (!known) {
            // A hash no code has: the decoy counts wrong codes like a real one but can never be accepted, so it
            // cannot log anyone in even if an account appears meanwhile.
            random.nextBytes(hash);
            log.info("start answered silently: sign-ups disabled, unknown number {}, decoy stored", phone.masked());
        }
        Challenge challenge = new Challenge(
                ids.next(),
                client.clientId(),
                phone.e164(),
                hash,
                now,
                now.plus(settings().codeTtl()),
                0,
                settings().maxAttempts());
        challenges.create(challenge, settings().keepPreviousCodes());
        if (!known) {
            return new StartResult(challenge.id(), phone, command.language(), false);
        }
        CompletionStage<SmsReceipt> delivery;
        try {
            delivery = sms.send(message(command, phone, code));
        } catch (RuntimeException e) {
            delivery = CompletableFuture.failedFuture(e);
        }
        delivery.whenComplete((receipt, error) -> {
            restore(logContext);
            if (error == null) {
                log.info(
                        "code sent to {} via {} for client {}",
                        phone.masked(),
                        receipt.providerId(),
                        client.clientId());
                try {
                    policy.recordSend(screening);
                } catch (RuntimeException e) {
                    // Nobody waits on this stage: a failure here would otherwise vanish.
                    log.warn("recording the send to {} failed", phone.masked(), e);
                }
                return;
            }
            // Answered already, and answering it would tell the number has an account: logged only.
            RuntimeException failure = deliveryFailure(error, phone);
            if (failure instanceof PhonepassException pe && pe.code() == ErrorCode.SMS_PROVIDER_REJECTED) {
                log.warn("SMS to {} rejected (silent mode, not answered): {}", phone.masked(), pe.description());
            }
        });
        return new StartResult(challenge.id(), phone, command.language(), true);
    }

    private static void restore(Map<String, String> logContext) {
        if (logContext != null) {
            MDC.setContextMap(logContext);
        }
    }

    /** Normalises a phone number or answers {@code bad.phone_number}. */
    private PhoneNumber parsePhone(String raw) {
        if (raw == null || raw.isBlank()) {
            throw PhonepassException.of(ErrorCode.BAD_PHONE_NUMBER, "Missing required property: phone_number");
        }
        return phones.parse(raw)
                .orElseThrow(() -> PhonepassException.of(
                        ErrorCode.BAD_PHONE_NUMBER,
                        "The phone number is invalid. Use international format, for example +12015550123."));
    }

    /**
     * The sign-up rule (error response), then a new code handed to the SMS provider; completes when the provider
     * accepted it.
     */
    private CompletionStage<StartResult> send(StartCommand command, PhoneNumber phone) {
        Client client = command.client();
        // The silent response never comes here (sendInBackground): this is the error response's refusal.
        if (settings().disableSignup() && users.findByPhone(phone.e164()).isEmpty()) {
            throw PhonepassException.of(
                    ErrorCode.SIGNUP_DISABLED, "Sign-ups are disabled, and there is no account for this phone number.");
        }
        Instant now = clock.instant();
        String code = fixedCodes
                .fixedCode(phone, now)
                .orElseGet(() -> codes.generate(settings().codeLength()));
        Challenge challenge = new Challenge(
                ids.next(),
                client.clientId(),
                phone.e164(),
                hasher.hash(client.clientId(), phone.e164(), code),
                now,
                now.plus(settings().codeTtl()),
                0,
                settings().maxAttempts());
        challenges.create(challenge, settings().keepPreviousCodes());
        SmsMessage message = message(command, phone, code);
        CompletionStage<StartResult> sent;
        try {
            sent = sms.send(message).thenApply(receipt -> {
                log.info(
                        "code sent to {} via {} for client {}",
                        phone.masked(),
                        receipt.providerId(),
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

    private SmsMessage message(StartCommand command, PhoneNumber phone, String code) {
        Client client = command.client();
        String body = template(command.language())
                .render(Map.of(
                        "code", code,
                        "application.name", client.name(),
                        // Only a known tag: the header is the caller's text, and this message goes to someone's phone.
                        "request_language", LanguageTags.orDefault(command.language()),
                        "ttl_minutes",
                                Long.toString(Math.max(1, settings().codeTtl().toMinutes()))));
        return new SmsMessage(phone, body, code, command.language(), client.clientId());
    }

    private MessageTemplate template(String language) {
        if (language != null) {
            String tag = language.toLowerCase(Locale.ROOT);
            MessageTemplate exact = settings().templatesByLanguage().get(tag);
            if (exact != null) {
                return exact;
            }
            int dash = tag.indexOf('-');
            if (dash > 0) {
                MessageTemplate base = settings().templatesByLanguage().get(tag.substring(0, dash));
                if (base != null) {
                    return base;
                }
            }
        }
        return settings().template();
    }

    private static RuntimeException deliveryFailure(Throwable error, PhoneNumber phone) {
        Throwable cause = AsyncFailures.unwrap(error);
        if (cause instanceof PhonepassException pe) {
            return pe;
        }
        if (cause instanceof SmsDeliveryException sde) {
            if (sde.kind() == SmsDeliveryException.Kind.REJECTED_NUMBER) {
                String code = sde.providerCode() == null ? "" : " (Code: " + sde.providerCode() + ")";
                return new PhonepassException(
                        ErrorCode.SMS_PROVIDER_REJECTED, sde.getMessage() + code, Map.of(), null, sde);
            }
            log.warn("SMS to {} failed at {} ({}): {}", phone.masked(), sde.providerId(), sde.kind(), sde.getMessage());
        } else {
            log.error("SMS to {} failed unexpectedly", phone.masked(), cause);
        }
        return new PhonepassException(
                ErrorCode.SMS_PROVIDER_UNAVAILABLE,
                "The SMS could not be sent right now. Please try again in a minute.",
                Map.of(),
                60L,
                cause);
    }

    private OtpSettings settings() {
        return live.get();
    }

    private static java.util.function.Supplier<OtpSettings> constant(OtpSettings settings) {
        Objects.requireNonNull(settings, "settings cannot be null");
        return () -> settings;
    }
}
