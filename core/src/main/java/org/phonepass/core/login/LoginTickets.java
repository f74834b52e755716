package org.phonepass.core.login;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.ratelimit.RateLimitHeaders;
import org.phonepass.core.token.OpaqueTokens;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.User;
import org.phonepass.core.user.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-origin authentication (docs/spa.md#cross-origin-authentication): a code checked on {@code POST
 * /co/authenticate} becomes a login ticket, which {@code /authorize} redeems for tokens and a session.
 *
 * <p>The code is checked by {@link LoginService#signIn}, so this path has exactly the limits, attempt counting and
 * audit of every other one. A ticket is 256 random bits after the millisecond it was made, stored only under its key
 * ({@link OpaqueTokens}), good for {@link #LIFETIME}, used at most once, and only by the client it was issued for and
 * the browser it was issued to: the browser proves itself with the {@code co_verifier}, which it carries to {@code
 * /authorize} in a cookie, or which the app's verification page hands over when the browser dropped that cookie.
 */
public final class LoginTickets {
    /** How long a ticket may wait for {@code /authorize}; Auth0's value. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    /** The answer for every ticket that cannot be used, whatever the reason, so that none can be probed. */
    public static final String INVALID_TICKET_DESCRIPTION = "The login ticket is invalid, expired or already used.";

    private static final Logger log = LoggerFactory.getLogger(LoginTickets.class);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final LoginService login;
    private final LoginTicketStore store;
    private final UserStore users;
    private final Clock clock;
    private final SecureRandom random;
    /** The tickets: keys that begin with their time (docs/benchmarks.md#time-ordered-secret-keys). */
    private final OpaqueTokens ids;

    public LoginTickets(LoginService login, LoginTicketStore store, UserStore users, Clock clock, SecureRandom random) {
        this.login = Objects.requireNonNull(login, "login cannot be null");
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.users = Objects.requireNonNull(users, "users cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.random = Objects.requireNonNull(random, "random cannot be null");
        this.ids = new OpaqueTokens(clock, random);
    }

    /**
     * A {@code POST /co/authenticate} as the caller read it.
     *
     * @param client   the client named by {@code client_id}, already allowed to log in cross-origin from
     *                 {@code origin}
     * @param rawPhone the {@code username}, as sent
     * @param code     the {@code otp}, as sent
     * @param ip       the client address, resolved once by the caller
     * @param origin   the browser's {@code Origin}, or null
     */
    public record AuthenticateCommand(Client client, String rawPhone, String code, String ip, String origin) {
        public AuthenticateCommand {
            Objects.requireNonNull(client, "client cannot be null");
            Objects.requireNonNull(ip, "ip cannot be null");
        }
    }

    /** What {@code /co/authenticate} answers: the ticket and the verifier pair; all three are secrets but co_id. */
    public record Issued(String loginTicket, String coVerifier, String coId, User user) {}

    /**
     * Checks the code and issues a ticket for the user.
     *
     * @throws PhonepassException {@code TOO_MANY_ATTEMPTS} when the limits refuse, {@code WRONG_CODE} for every
     *                            code failure (as {@link LoginService#signIn})
     */
    public Issued authenticate(AuthenticateCommand command, Consumer<RateLimitHeaders> limits) {
        User user = login.signIn(
                new LoginService.SignInCommand(command.client(), command.rawPhone(), command.code(), command.ip()),
                limits);
        Instant now = clock.instant();
        String ticket = ids.next();
        String verifier = randomToken(32);
        String coId = randomToken(16);
        store.save(
                OpaqueTokens.key(ticket),
                new LoginTicket(
                        command.client().clientId(),
                        user.userId(),
                        command.origin(),
                        coId,
                        TokenService.sha256(verifier),
                        now,
                        now.plus(LIFETIME)));
        return new Issued(ticket, verifier, coId, user);
    }

    /** The live ticket, unused; empty for anything else. For deciding how the browser must prove itself. */
    public Optional<LoginTicket> peek(String ticket) {
        if (ticket == null || ticket.isEmpty() || ticket.length() > 256) {
            return Optional.empty();
        }
        return store.find(OpaqueTokens.key(ticket), clock.instant());
    }

    /** A redeemed ticket: what it proved, and the user as stored now. */
    public record Redeemed(LoginTicket ticket, User user) {}

    /**
     * Uses the ticket for {@code client}, when the browser proved it is the one the ticket was issued to: {@code
     * verifier} is the {@code co_verifier} it carried. The ticket is used up whatever the outcome once it was found:
     * a ticket presented by another client, or without the right verifier, is taken for stolen.
     *
     * @throws PhonepassException {@code CROSS_ORIGIN_DENIED} with {@link #INVALID_TICKET_DESCRIPTION}
     */
    public Redeemed redeem(Client client, String ticket, String verifier) {
        Objects.requireNonNull(client, "client cannot be null");
        if (ticket == null || ticket.isEmpty() || ticket.length() > 256) {
            throw invalid();
        }
        Optional<LoginTicket> found = store.consume(OpaqueTokens.key(ticket), clock.instant());
        if (found.isEmpty()) {
            log.info("login ticket refused for client {}: unknown, expired or used", client.clientId());
            throw invalid();
        }
        LoginTicket t = found.get();
        if (!t.clientId().equals(client.clientId())) {
            log.warn("login ticket of client {} presented for client {}: used up", t.clientId(), client.clientId());
            throw invalid();
        }
        if (!verifierMatches(t, verifier)) {
            log.warn("login ticket for client {} presented without its verifier: used up", client.clientId());
            throw invalid();
        }
        return new Redeemed(t, user(t));
    }

    /**
     * Uses the ticket for {@code client} in a browser that lost the verifier cookie (third-party cookies blocked) but
     * navigated from the page that called {@code /co/authenticate}: {@code origin} is the origin of that navigation's
     * {@code Referer}, and must be the ticket's (docs/security.md#cross-origin-authentication). Used up whatever the
     * outcome, as {@link #redeem}.
     *
     * @throws PhonepassException {@code CROSS_ORIGIN_DENIED} with {@link #INVALID_TICKET_DESCRIPTION}
     */
    public Redeemed redeemFromOrigin(Client client, String ticket, String origin) {
        Objects.requireNonNull(client, "client cannot be null");
        if (ticket == null || ticket.isEmpty() || ticket.length() > 256) {
            throw invalid();
        }
        Optional<LoginTicket> found = store.consume(OpaqueTokens.key(ticket), clock.instant());
        if (found.isEmpty()
                || !found.get().clientId().equals(client.clientId())
                || found.get().origin() == null
                || !found.get().origin().equals(origin)) {
            log.warn(
                    "login ticket refused for client {}: unknown, used, another client's or another origin's",
                    client.clientId());
            throw invalid();
        }
        return new Redeemed(found.get(), user(found.get()));
    }

    private User user(LoginTicket t) {
        String prefix = User.CONNECTION + "|";
        return (t.userId().startsWith(prefix)
                        ? users.findById(t.userId().substring(prefix.length()))
                        : Optional.<User>empty())
                .orElseThrow(LoginTickets::invalid);
    }

    /** Uses up a ticket without redeeming it (a browser that cannot prove itself); quiet when there is none. */
    public void discard(String ticket) {
        if (ticket != null && !ticket.isEmpty() && ticket.length() <= 256) {
            store.consume(OpaqueTokens.key(ticket), clock.instant());
        }
    }

    /** Whether {@code verifier} is the ticket's {@code co_verifier}, compared in constant time. */
    public static boolean verifierMatches(LoginTicket ticket, String verifier) {
        return verifier != null
                && !verifier.isEmpty()
                && verifier.length() <= 256
                && MessageDigest.isEqual(ticket.verifierHash(), TokenService.sha256(verifier));
    }

    private static PhonepassException invalid() {
        return new PhonepassException(ErrorCode.CROSS_ORIGIN_DENIED, INVALID_TICKET_DESCRIPTION, Map.of(), null, null);
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }
}
