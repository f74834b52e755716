package org.phonepass.server.hosted;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.phonepass.core.client.Client;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.StartService;
import org.phonepass.core.user.User;
import org.phonepass.server.authorize.LoginTransaction;
import org.phonepass.server.authorize.LoginTransactions;
import org.phonepass.server.http.ApiRequest;
import org.phonepass.server.http.ClientAddress;
import org.phonepass.server.http.EndpointSet;
import org.phonepass.server.http.RequestReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The hosted SMS login pages (docs/hosted-login.md#pages-languages-branding-and-accessibility):
 *
 * <ul>
 *   <li>{@code GET /u/login?state=} the number page; {@code POST} sends the code and goes on to the code page;</li>
 *   <li>{@code GET /u/login/code?state=} the code page; {@code POST} checks the code and finishes the login;</li>
 *   <li>{@code POST /u/login/resend?state=} sends a new code to the same number.</li>
 * </ul>
 *
 * <p>The {@code state} is the login transaction of {@code /authorize}. Sending and checking go through the same
 * domain services as {@code /passwordless/start} and {@code /oauth/token}, with the address resolved the same way,
 * so every abuse limit counts a login here exactly as one through the API. Every POST carries a CSRF token bound to
 * the browser and the transaction.
 */
public final class LoginPages {
    public static final String LOGIN_PATH = "/u/login";
    public static final String CODE_PATH = "/u/login/code";
    public static final String RESEND_PATH = "/u/login/resend";
    private static final Logger log = LoggerFactory.getLogger(LoginPages.class);
    private static final int MAX_FIELD = 64;
    private static final String FORM_ATTRIBUTE = "phonepass.hosted.form";

    /** What the pages are built from. */
    public record Parts(
            HostedPages pages,
            LoginTransactions transactions,
            StartService starts,
            LoginService logins,
            ClientAddress address,
            RequestReader reader,
            byte[] codeHmacKey,
            Clock clock) {}

    /** Settings the pages follow. */
    public record Options(
            int codeLength,
            Duration resendAfter,
            String defaultCountry,
            boolean countryFromLanguage,
            boolean botCheck,
            String botCheckSiteKey,
            String botCheckScriptUrl) {}

    private final HostedPages pages;
    private final LoginTransactions transactions;
    private final StartService starts;
    private final LoginService logins;
    private final ClientAddress address;
    private final RequestReader reader;
    private final BrowserState browser;
    private final Clock clock;
    private final Options options;
    private final Countries countries = new Countries();
    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String botOrigin;

    public LoginPages(Parts parts, Options options) {
        this.pages = parts.pages();
        this.transactions = parts.transactions();
        this.starts = parts.starts();
        this.logins = parts.logins();
        this.address = parts.address();
        this.reader = parts.reader();
        this.browser = new BrowserState(parts.codeHmacKey());
        this.clock = parts.clock();
        this.options = options;
        this.botOrigin = options.botCheck()
                ? Branding.origin(options.botCheckScriptUrl()).orElse(null)
                : null;
    }

    /** The routes, for {@link EndpointSet#build}: the pages and their assets. */
    public List<EndpointSet.Extra> routes() {
        return List.of(
                new EndpointSet.Extra(HandlerType.GET, LOGIN_PATH, this::numberPage),
                new EndpointSet.Extra(HandlerType.POST, LOGIN_PATH, this::sendCode),
                new EndpointSet.Extra(HandlerType.GET, CODE_PATH, this::codePage),
                new EndpointSet.Extra(HandlerType.POST, CODE_PATH, this::checkCode),
                new EndpointSet.Extra(HandlerType.POST, RESEND_PATH, this::resend));
    }

    /** The asset route, which needs no transaction. */
    public static EndpointSet.Extra assetRoute(HostedPages pages) {
        return new EndpointSet.Extra(
                HandlerType.GET, Assets.PREFIX + "{file}", ctx -> pages.assets().serve(ctx));
    }

    // ---- the number page ----

    /** What the number page shows. */
    public record NumberForm(
            String state,
            String csrf,
            List<Countries.Country> countries,
            String country,
            String phone,
            String error,
            String botSiteKey) {}

    void numberPage(Context ctx) {
        Optional<LoginTransaction> tx = transaction(ctx);
        if (tx.isEmpty()) {
            return;
        }
        Messages t = language(ctx, tx.get());
        String country = guessCountry(ctx);
        String phone = "";
        Optional<BrowserState.SentCode> sent = browser.sent(ctx, tx.get().id());
        String known = sent.map(BrowserState.SentCode::e164).orElse(tx.get().loginHint());
        if (known != null && known.length() <= MAX_FIELD) {
            try {
                Phonenumber.PhoneNumber parsed = util.parse(known, country);
                String region = util.getRegionCodeForNumber(parsed);
                if (countries.isSupported(region)) {
                    country = region;
                    phone = util.format(parsed, PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
                } else {
                    phone = known;
                }
            } catch (NumberParseException e) {
                phone = known;
            }
        }
        String error = "start_first".equals(ctx.queryParam("error")) ? t.t("login.error.start_first") : null;
        renderNumber(ctx, 200, tx.get(), t, country, phone, error);
    }

    void sendCode(Context ctx) {
        Optional<LoginTransaction> found = transaction(ctx);
        if (found.isEmpty()) {
            return;
        }
        LoginTransaction tx = found.get();
        Messages t = language(ctx, tx);
        String country = field(ctx, "country");
        String phone = field(ctx, "phone");
        if (country == null || !countries.isSupported(country)) {
            country = guessCountry(ctx);
        }
        if (!browser.csrfValid(ctx, tx.id(), field(ctx, "csrf"))) {
            renderNumber(ctx, 403, tx, t, country, phone == null ? "" : phone, t.t("login.error.csrf"));
            return;
        }
        String e164 = toE164(phone, country);
        if (e164 == null) {
            renderNumber(ctx, 400, tx, t, country, phone == null ? "" : phone, t.t("login.error.invalid"));
            return;
        }
        String shownCountry = country;
        String shownPhone = phone;
        start(
                ctx,
                tx,
                t,
                e164,
                botToken(ctx),
                () -> {
                    browser.rememberSent(ctx, new BrowserState.SentCode(tx.id(), e164, clock.instant()), maxAge(tx));
                    ctx.redirect(CODE_PATH + "?state=" + tx.id(), io.javalin.http.HttpStatus.SEE_OTHER);
                },
                failure -> renderNumber(ctx, failure.status(), tx, t, shownCountry, shownPhone, failure.message()));
    }

    private void renderNumber(
            Context ctx, int status, LoginTransaction tx, Messages t, String country, String phone, String error) {
        String nonce = pages.nonce();
        Page page = pages.page(
                t,
                nonce,
                t.t("login.title"),
                error != null,
                tx.client(),
                true,
                options.botCheck() ? options.botCheckScriptUrl() : null);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page);
        params.put(
                "form",
                new NumberForm(
                        tx.id(),
                        browser.csrfToken(ctx, tx.id()),
                        countries.list(t.locale()),
                        country,
                        phone,
                        error,
                        options.botCheck() ? options.botCheckSiteKey() : null));
        pages.render(ctx, status, "hosted/login.jte", params, formTargets(tx.client()), botOrigin);
    }

    // ---- the code page ----

    /** What the code page shows. */
    public record CodeForm(
            String state,
            String csrf,
            String phone,
            int codeLength,
            String error,
            String notice,
            long resendWaitSeconds,
            String resendWaitText,
            String resendWaitOne,
            String resendWaitMany,
            String resendReadyText) {}

    void codePage(Context ctx) {
        Optional<LoginTransaction> found = transaction(ctx);
        if (found.isEmpty()) {
            return;
        }
        LoginTransaction tx = found.get();
        Optional<BrowserState.SentCode> sent = browser.sent(ctx, tx.id());
        if (sent.isEmpty()) {
            ctx.redirect(LOGIN_PATH + "?state=" + tx.id() + "&error=start_first", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        Messages t = language(ctx, tx);
        String notice = "1".equals(ctx.queryParam("resent"))
                ? t.f("code.resent", display(sent.get().e164()))
                : null;
        renderCode(ctx, 200, tx, t, sent.get(), null, notice);
    }

    void checkCode(Context ctx) {
        Optional<LoginTransaction> found = transaction(ctx);
        if (found.isEmpty()) {
            return;
        }
        LoginTransaction tx = found.get();
        Messages t = language(ctx, tx);
        Optional<BrowserState.SentCode> sent = browser.sent(ctx, tx.id());
        if (sent.isEmpty()) {
            ctx.redirect(LOGIN_PATH + "?state=" + tx.id() + "&error=start_first", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        if (!browser.csrfValid(ctx, tx.id(), field(ctx, "csrf"))) {
            renderCode(ctx, 403, tx, t, sent.get(), t.t("login.error.csrf"), null);
            return;
        }
        String code = field(ctx, "code");
        code = code == null ? "" : code.replaceAll("[\\s-]", "");
        if (code.isEmpty()) {
            renderCode(ctx, 400, tx, t, sent.get(), t.t("code.error.missing"), null);
            return;
        }
        User user;
        try {
            user = logins.signIn(
                    new LoginService.SignInCommand(tx.client(), sent.get().e164(), code, address.ip(ctx)),
                    limits -> {});
        } catch (PhonepassException e) {
            renderCode(ctx, e.code().status(ErrorCode.Dialect.START), tx, t, sent.get(), codeError(t, e), null);
            return;
        }
        browser.forgetSent(ctx);
        String next = transactions.complete(ctx, tx, user);
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    void resend(Context ctx) {
        Optional<LoginTransaction> found = transaction(ctx);
        if (found.isEmpty()) {
            return;
        }
        LoginTransaction tx = found.get();
        Messages t = language(ctx, tx);
        Optional<BrowserState.SentCode> sent = browser.sent(ctx, tx.id());
        if (sent.isEmpty()) {
            ctx.redirect(LOGIN_PATH + "?state=" + tx.id() + "&error=start_first", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        if (!browser.csrfValid(ctx, tx.id(), field(ctx, "csrf"))) {
            renderCode(ctx, 403, tx, t, sent.get(), t.t("login.error.csrf"), null);
            return;
        }
        long wait = resendWait(sent.get());
        if (wait > 0) {
            renderCode(ctx, 429, tx, t, sent.get(), t.f("code.error.resend_too_soon", duration(t, wait)), null);
            return;
        }
        String e164 = sent.get().e164();
        start(
                ctx,
                tx,
                t,
                e164,
                botToken(ctx),
                () -> {
                    browser.rememberSent(ctx, new BrowserState.SentCode(tx.id(), e164, clock.instant()), maxAge(tx));
                    ctx.redirect(CODE_PATH + "?state=" + tx.id() + "&resent=1", io.javalin.http.HttpStatus.SEE_OTHER);
                },
                failure -> renderCode(ctx, failure.status(), tx, t, sent.get(), failure.message(), null));
    }

    private void renderCode(
            Context ctx,
            int status,
            LoginTransaction tx,
            Messages t,
            BrowserState.SentCode sent,
            String error,
            String notice) {
        String nonce = pages.nonce();
        Page page = pages.page(t, nonce, t.t("code.title"), error != null, tx.client(), true, null);
        long wait = resendWait(sent);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page);
        params.put(
                "form",
                new CodeForm(
                        tx.id(),
                        browser.csrfToken(ctx, tx.id()),
                        display(sent.e164()),
                        options.codeLength(),
                        error,
                        notice,
                        wait,
                        wait > 0 ? t.f("code.resend_wait", duration(t, wait)) : null,
                        t.f("code.resend_wait", t.f("time.seconds", 1)),
                        t.f("code.resend_wait", t.f("time.seconds", 99)).replace("99", "#"),
                        t.t("code.resend_ready")));
        pages.render(ctx, status, "hosted/code.jte", params, formTargets(tx.client()), null);
    }

    // ---- shared ----

    /** A refusal shown on the page: its status and text. */
    private record Failure(int status, String message) {}

    /**
     * Sends a code through the same service as {@code /passwordless/start}. The request thread is not held while
     * the SMS provider works: the answer is written when it has taken the message (or refused it).
     */
    private void start(
            Context ctx,
            LoginTransaction tx,
            Messages t,
            String e164,
            String botToken,
            Runnable sentThen,
            java.util.function.Consumer<Failure> failedThen) {
        StartService.StartCommand command =
                new StartService.StartCommand(tx.client(), e164, t.lang(), address.ip(ctx), botToken);
        CompletableFuture<StartService.StartResult> stage;
        try {
            stage = starts.start(command, limits -> {}).toCompletableFuture();
        } catch (PhonepassException e) {
            failedThen.accept(startFailure(t, e));
            return;
        }
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        CompletableFuture<Void> done = stage.handle((result, error) -> {
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            if (error == null) {
                sentThen.run();
                return null;
            }
            Throwable cause = AsyncFailures.unwrap(error);
            if (cause instanceof PhonepassException pe) {
                failedThen.accept(startFailure(t, pe));
                return null;
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
        });
        ctx.future(() -> done);
    }

    private Failure startFailure(Messages t, PhonepassException e) {
        int status = e.code().status(ErrorCode.Dialect.START);
        String message = switch (e.code()) {
            case BAD_PHONE_NUMBER -> t.t("login.error.invalid");
            case PHONE_NUMBER_NOT_ALLOWED, SMS_PROVIDER_REJECTED -> t.t("login.error.refused");
            case SIGNUP_DISABLED -> t.t("login.error.signup_disabled");
            case TOO_MANY_REQUESTS, TOO_MANY_ATTEMPTS -> t.f("login.error.rate_limited", retry(t, e));
            case INVALID_REQUEST -> t.t("login.error.bot");
            default -> {
                log.info("hosted login: start refused with {}: {}", e.code(), e.description());
                yield t.t("login.error.unavailable");
            }
        };
        return new Failure(status, message);
    }

    private String codeError(Messages t, PhonepassException e) {
        return switch (e.code()) {
            case WRONG_CODE -> {
                Object left = e.details().get("attempts_remaining");
                int remaining = left instanceof Number n ? n.intValue() : 0;
                yield remaining > 0
                        ? t.f("code.error.wrong", t.f("code.attempts_left", remaining))
                        : t.t("code.error.wrong_last");
            }
            case TOO_MANY_ATTEMPTS, TOO_MANY_REQUESTS -> t.f("code.error.locked", retry(t, e));
            case INVALID_REQUEST -> t.t("code.error.missing");
            default -> {
                log.info("hosted login: sign-in refused with {}: {}", e.code(), e.description());
                yield t.t("login.error.unavailable");
            }
        };
    }

    private String retry(Messages t, PhonepassException e) {
        long seconds = e.retryAfterSeconds() == null ? 60 : Math.max(1, e.retryAfterSeconds());
        return duration(t, seconds);
    }

    private static String duration(Messages t, long seconds) {
        return seconds < 120 ? t.f("time.seconds", seconds) : t.f("time.minutes", (seconds + 59) / 60);
    }

    private long resendWait(BrowserState.SentCode sent) {
        long millis = Duration.between(clock.instant(), sent.sentAt().plus(options.resendAfter()))
                .toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    private long maxAge(LoginTransaction tx) {
        return Math.max(60, Duration.between(clock.instant(), tx.expiresAt()).toSeconds());
    }

    /** The transaction named by {@code state}, or an error page already written. */
    private Optional<LoginTransaction> transaction(Context ctx) {
        String state = ctx.queryParam("state");
        Optional<LoginTransaction> tx =
                state == null || state.isEmpty() || state.length() > 200 ? Optional.empty() : transactions.find(state);
        if (tx.isEmpty()) {
            pages.error(
                    ctx,
                    400,
                    HostedPages.LOGIN_EXPIRED,
                    state == null ? "The state parameter is missing." : "The login transaction is unknown or over.");
        }
        return tx;
    }

    private Messages language(Context ctx, LoginTransaction tx) {
        return pages.languages().choose(tx.uiLocales(), ctx.header("Accept-Language"));
    }

    /**
     * The country the picker starts on, as {@code /user/geoloc/country} finds it: a trusted proxy's header, else
     * the region of the browser's first language when that is enabled, else {@code geoloc.default_country}.
     */
    private String guessCountry(Context ctx) {
        String country = address.guessCountry(ctx, options.countryFromLanguage());
        return countries.isSupported(country) ? country : options.defaultCountry();
    }

    /**
     * The number in E.164 for the domain service, read with the chosen country (a number typed with {@code +} or
     * {@code 00} keeps its own); null when libphonenumber cannot read it at all. Whether it is a valid number is
     * left to the start service, which judges it as for the API.
     */
    private String toE164(String phone, String country) {
        if (phone == null || phone.isBlank() || phone.length() > MAX_FIELD) {
            return null;
        }
        try {
            Phonenumber.PhoneNumber parsed = util.parse(phone.trim(), country);
            return util.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }

    private String display(String e164) {
        try {
            return util.format(util.parse(e164, null), PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL);
        } catch (NumberParseException e) {
            return e164;
        }
    }

    /** The bot-check widget's token: Turnstile's field, hCaptcha's, or a plain {@code bot_token}. */
    private String botToken(Context ctx) {
        for (String name : new String[] {"cf-turnstile-response", "h-captcha-response", "bot_token"}) {
            String value = field(ctx, name);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    /**
     * A field of the POSTed form, read from the body the server gathered before the route ran (the same reader as
     * the API's, with its limits on size, field count and encoding).
     */
    private String field(Context ctx, String name) {
        ApiRequest form = ctx.attribute(FORM_ATTRIBUTE);
        if (form == null) {
            form = reader.read(ctx);
            ctx.attribute(FORM_ATTRIBUTE, form);
        }
        return form.param(name);
    }

    /**
     * The origins of the client's callbacks: the POST of the code form ends in redirects to the app, and CSP's
     * {@code form-action} applies to those redirects too.
     */
    private static Set<String> formTargets(Client client) {
        Set<String> origins = new LinkedHashSet<>();
        for (String callback : client.callbacks()) {
            try {
                java.net.URI uri = java.net.URI.create(callback);
                String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
                if (scheme != null && uri.getHost() != null) {
                    String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
                    origins.add(scheme + "://" + uri.getHost() + port);
                } else if (scheme != null && scheme.matches("^[a-z][a-z0-9+.-]*$") && !scheme.equals("javascript")) {
                    // A native app's own scheme (com.example.app:/callback): CSP allows it as a scheme source.
                    origins.add(scheme + ":");
                }
            } catch (IllegalArgumentException e) {
                // A callback that is not a URL cannot be redirected to either.
            }
        }
        return origins;
    }
}
