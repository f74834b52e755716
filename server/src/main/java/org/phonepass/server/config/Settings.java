package org.phonepass.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.phonepass.core.config.Env;
import org.phonepass.core.config.Secret;
import org.phonepass.core.config.SecretReference;
import org.phonepass.core.login.OtpSettings.SignupDisabledResponse;
import org.phonepass.limits.LimitsSettings;
import org.phonepass.server.keys.SigningAlgorithm;
import org.phonepass.sms.config.CircuitBreakerSettings;
import org.phonepass.sms.config.MessageSettings;
import org.phonepass.sms.config.ProviderId;
import org.phonepass.sms.config.RetrySettings;
import org.phonepass.sms.config.RouteSettings;
import org.phonepass.sms.config.SmsSettings;
import org.phonepass.sms.config.TestNumbersSettings;
import org.phonepass.sms.gateway.HttpGatewaySettings;
import org.phonepass.sms.sns.SnsSettings;
import org.phonepass.sms.twilio.TwilioSettings;
import org.phonepass.sms.vonage.VonageSettings;

/**
 * Every setting, as read from the YAML file and the environment. How a setting is declared, in every section:
 * <ul>
 *   <li>a record component whose snake_case name is the YAML key (one naming rule, applied by {@link ConfigLoader});
 *       a boxed type, so that an absent key is null and the compact constructor writes the default;</li>
 *   <li>{@link Env} beside it when an environment variable overrides it; {@link Secret} when it holds a secret
 *       ({@code ${ENV}}, {@code ${file:...}} and the {@code _file} twin are then resolved at load);</li>
 *   <li>a closed set is an enum, a duration a {@link Duration} ({@code 180s});</li>
 *   <li>ranges and cross-key rules are checked at load by {@link SettingsValidator}, with the key in the message.</li>
 * </ul>
 * Defaults of the server's own sections are written in the compact constructors here; the {@code limits:} and
 * {@code sms:} sections keep theirs in their modules. {@code docs/configuration.md} documents each key, and
 * {@code ConfigLoaderTest} keeps the two in step.
 */
public record Settings(
        @Env("PHONEPASS_MODE") Mode mode,
        @Env("PHONEPASS_PUBLIC_URL") String publicUrl,
        @Env("PHONEPASS_HTTPS_PORT") Integer httpsPort,
        @Env("PHONEPASS_HTTP_PORT") Integer httpPort,
        @Env("PHONEPASS_BIND_ADDRESS") String bindAddress,
        @Env("PHONEPASS_DATA_DIR") String dataDir,
        Tls tls,
        Http http,
        Storage storage,
        Secrets secrets,
        List<ClientSettings> clients,
        List<Api> apis,
        Sms sms,
        Geoloc geoloc,
        Redis redis,
        LimitsSettings limits,
        Dev dev,
        Session session,
        Hosted hosted,
        Admin admin,
        Crypto crypto) {

    public enum Mode {
        DEV,
        PRODUCTION
    }

    public Settings {
        mode = mode == null ? Mode.DEV : mode;
        httpsPort = httpsPort == null ? 8443 : httpsPort;
        publicUrl = publicUrl == null ? "https://localhost:" + httpsPort : stripSlash(publicUrl);
        // Dev mode serves every code in its inbox, so by default only this machine may reach it.
        bindAddress = bindAddress == null ? (mode == Mode.DEV ? "127.0.0.1" : "0.0.0.0") : bindAddress;
        dataDir = dataDir == null ? "./phonepass-data" : dataDir;
        tls = tls == null ? new Tls(null, null, null, null) : tls;
        http = http == null ? new Http(null, null, null, null, null, null, null, null, null, null, null) : http;
        storage = storage == null ? new Storage(null, null, null, null, null, null, null) : storage;
        secrets = secrets == null ? new Secrets(null, null) : secrets;
        clients = clients == null ? List.of() : List.copyOf(clients);
        apis = apis == null ? List.of() : List.copyOf(apis);
        sms = sms == null
                ? new Sms(
                        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null)
                : sms;
        geoloc = geoloc == null ? new Geoloc(null, null) : geoloc;
        redis = redis == null ? new Redis(null, null) : redis;
        limits = limits == null ? LimitsSettings.defaults() : limits;
        dev = dev == null ? new Dev(null, null, null) : dev;
        session = session == null ? new Session(null, null, null) : session;
        hosted = hosted == null ? new Hosted(null, null, null, null, null, null, null) : hosted;
        admin = admin == null ? new Admin(null, null, null, null, null) : admin;
        crypto = crypto == null ? new Crypto(null) : crypto;
    }

    /**
     * The same settings with the HTTPS port fixed, for {@code https_port: 0} (a free port): a public URL that was
     * defaulted from the port follows it.
     */
    public Settings withHttpsPort(int port) {
        String url = publicUrl.equals("https://localhost:" + httpsPort) ? "https://localhost:" + port : publicUrl;
        return new Settings(
                mode,
                url,
                port,
                httpPort,
                bindAddress,
                dataDir,
                tls,
                http,
                storage,
                secrets,
                clients,
                apis,
                sms,
                geoloc,
                redis,
                limits,
                dev,
                session,
                hosted,
                admin,
                crypto);
    }

    /** The {@code iss} of every token: the public URL and a slash (docs/auth0-compatibility.md#base-url-and-issuer). */
    public String issuer() {
        return publicUrl + "/";
    }

    public boolean isProduction() {
        return mode == Mode.PRODUCTION;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The server certificate: PEM files ({@code cert_file} with the chain, {@code key_file} with a PKCS#8 or
     * PKCS#1 key) or a PKCS#12 keystore. In dev mode with neither, a self-signed certificate is generated.
     */
    public record Tls(
            @Env("PHONEPASS_TLS_CERT_FILE") String certFile,
            @Env("PHONEPASS_TLS_KEY_FILE") String keyFile,
            @Env("PHONEPASS_TLS_PKCS12_FILE") String pkcs12File,
            @Env("PHONEPASS_TLS_PKCS12_PASSWORD") @Secret String pkcs12Password) {
        @Override
        public String toString() {
            return "Tls[certFile=" + certFile + ", keyFile=" + keyFile + ", pkcs12File=" + pkcs12File
                    + ", pkcs12Password=" + SecretReference.mask(pkcs12Password) + "]";
        }
    }

    /**
     * @param behindTlsProxy  a TLS-terminating proxy sits in front: plain HTTP on {@code http_port} is allowed in
     *                        production, and forwarded headers from {@code trusted_proxies} are believed
     * @param trustedProxies  addresses or CIDR ranges whose {@code X-Forwarded-For} and country header are believed
     * @param countryHeader   a header set by a trusted proxy with the caller's ISO country (e.g. CF-IPCountry)
     * @param maxBodyBytes    largest request body accepted
     * @param corsMaxAge      how long browsers may cache a preflight answer
     * @param maxThreads      most request threads on a Java runtime without virtual threads (17 to 20)
     * @param idleTimeout     how long a connection may stay silent, and how long a request body may take to arrive
     * @param maxConnectionsPerAddress open connections allowed per client address (IPv6: per /64)
     * @param headerTimeout   how long a request's line and headers may take to arrive
     * @param managementPort  the port of /metrics and detailed /health; production: 9464 when unset, dev: none
     * @param managementBindAddress the address the management port listens on
     */
    public record Http(
            @Env("PHONEPASS_BEHIND_TLS_PROXY") Boolean behindTlsProxy,
            List<String> trustedProxies,
            String countryHeader,
            Integer maxBodyBytes,
            Duration corsMaxAge,
            Integer maxThreads,
            Duration idleTimeout,
            Integer maxConnectionsPerAddress,
            Duration headerTimeout,
            @Env("PHONEPASS_MANAGEMENT_PORT") Integer managementPort,
            @Env("PHONEPASS_MANAGEMENT_BIND_ADDRESS") String managementBindAddress) {
        /** The management port production opens when {@code http.management_port} is not set. */
        public static final int PRODUCTION_MANAGEMENT_PORT = 9464;

        /** Request threads per core when {@code http.max_threads} is not set (Java 17 to 20). */
        public static final int THREADS_PER_CORE = 8;

        /**
         * {@code http.max_threads} when not set: {@link #THREADS_PER_CORE} per core, at least 16 and at most 4096 (the
         * setting's bounds). A request holds a thread only while it computes or waits on the store, so more threads
         * than that only make more of them runnable at once, which on two cores doubled the spread between a verify's
         * median and its p99 once the store's writes ran on their own thread (docs/benchmarks.md#writer-thread); 16
         * instead of 24 on two cores narrowed it again at the same rate (docs/benchmarks.md#request-threads).
         */
        public static int defaultMaxThreads(int cores) {
            return Math.min(4096, Math.max(16, THREADS_PER_CORE * cores));
        }

        public Http {
            behindTlsProxy = behindTlsProxy != null && behindTlsProxy;
            trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
            maxBodyBytes = maxBodyBytes == null ? 16 * 1024 : maxBodyBytes;
            corsMaxAge = corsMaxAge == null ? Duration.ofMinutes(10) : corsMaxAge;
            maxThreads =
                    maxThreads == null ? defaultMaxThreads(Runtime.getRuntime().availableProcessors()) : maxThreads;
            idleTimeout = idleTimeout == null ? Duration.ofSeconds(30) : idleTimeout;
            maxConnectionsPerAddress = maxConnectionsPerAddress == null ? 256 : maxConnectionsPerAddress;
            headerTimeout = headerTimeout == null ? Duration.ofSeconds(10) : headerTimeout;
            managementBindAddress = managementBindAddress == null ? "127.0.0.1" : managementBindAddress;
        }
    }

    /**
     * @param type           {@code embedded} (SQLite in the data folder) or {@code postgres}
     * @param synchronous    embedded only: {@code full} (every commit on disk before the answer) or {@code normal}
     * @param auditRetention how long stored audit events are kept; the housekeeping deletes older ones
     */
    public record Storage(
            @Env("PHONEPASS_STORAGE_TYPE") StorageType type,
            Synchronous synchronous,
            @Env("PHONEPASS_STORAGE_URL") String url,
            @Env("PHONEPASS_STORAGE_USER") String user,
            @Env("PHONEPASS_STORAGE_PASSWORD") @Secret String password,
            Integer poolSize,
            Duration auditRetention) {
        public Storage {
            type = type == null ? StorageType.EMBEDDED : type;
            synchronous = synchronous == null ? Synchronous.FULL : synchronous;
            poolSize = poolSize == null ? 10 : poolSize;
            auditRetention = auditRetention == null ? Duration.ofDays(90) : auditRetention;
        }

        public boolean isPostgres() {
            return type == StorageType.POSTGRES;
        }

        @Override
        public String toString() {
            return "Storage[type=" + type + ", synchronous=" + synchronous + ", url=" + url + ", user=" + user
                    + ", password=" + SecretReference.mask(password) + ", poolSize=" + poolSize
                    + ", auditRetention=" + auditRetention + "]";
        }
    }

    /** {@code storage.type}. */
    public enum StorageType {
        EMBEDDED,
        POSTGRES
    }

    /** {@code storage.synchronous}. */
    public enum Synchronous {
        FULL,
        NORMAL
    }

    /**
     * Server secrets, resolved at load: {@code secrets.code_hmac_key_file} and {@code secrets.master_key_file} are
     * the {@code _file} twins every secret key has, read into these values by {@link ConfigLoader}.
     *
     * @param codeHmacKey the key that HMACs codes: base64 of at least 32 random bytes
     * @param masterKey   the master key ring that encrypts signing keys at rest (docs/deployment.md)
     */
    public record Secrets(
            @Env("PHONEPASS_CODE_HMAC_KEY") @Secret String codeHmacKey,
            @Env("PHONEPASS_MASTER_KEY") @Secret String masterKey) {
        @Override
        public String toString() {
            return "Secrets[codeHmacKey=" + SecretReference.mask(codeHmacKey) + ", masterKey="
                    + SecretReference.mask(masterKey) + "]";
        }
    }

    /**
     * The server session of the hosted login (docs/hosted-login.md#sessions).
     *
     * @param idleLifetime        a session unused this long ends (Auth0's default, 3 days)
     * @param absoluteLifetime    a session ends this long after the sign-in however much it is used (30 days)
     * @param loginLifetime       how long a person has to sign in on the hosted pages after the app sent them there
     */
    public record Session(Duration idleLifetime, Duration absoluteLifetime, Duration loginLifetime) {
        public Session {
            idleLifetime = idleLifetime == null ? Duration.ofDays(3) : idleLifetime;
            absoluteLifetime = absoluteLifetime == null ? Duration.ofDays(30) : absoluteLifetime;
            loginLifetime = loginLifetime == null ? Duration.ofMinutes(30) : loginLifetime;
        }
    }

    /**
     * Redis for codes (optional).
     *
     * @param url       {@code redis://[:password@]host:6379[/db]}, {@code rediss://...} or
     *                  {@code redis-sentinel://host:26379#master}; codes stay in the SQL store when absent
     * @param keyPrefix prefix of every key, so that several deployments can share one Redis
     */
    /**
     * The JCA provider that signs and serves TLS (docs/security.md#crypto-provider).
     *
     * @param provider {@code auto}: Amazon Corretto Crypto Provider (AWS-LC) first when its native library loads on
     *                 this platform, else the JDK's; {@code jdk}: the JDK's own providers only
     */
    public record Crypto(@Env("PHONEPASS_CRYPTO_PROVIDER") CryptoProvider provider) {
        public Crypto {
            provider = provider == null ? CryptoProvider.AUTO : provider;
        }
    }

    /** What {@code crypto.provider} accepts. */
    @com.fasterxml.jackson.annotation.JsonClassDescription("crypto provider")
    public enum CryptoProvider {
        AUTO,
        JDK
    }

    public record Redis(@Env("PHONEPASS_REDIS_URL") @Secret String url, String keyPrefix) {
        public Redis {
            keyPrefix = keyPrefix == null ? "phonepass:" : keyPrefix;
        }
    }

    /**
     * An API whose {@code audience} gets RFC 9068 JWT access tokens.
     *
     * @param signingAlg {@code RS256} (default), {@code ES256} or {@code EdDSA}
     * @param scopes     the scopes the API defines (Auth0: its permissions); clients get them through
     *                   {@code clients[].api_grants}; none by default, so its tokens carry OIDC scopes only
     */
    public record Api(
            String identifier,
            String name,
            Duration accessTokenLifetime,
            SigningAlgorithm signingAlg,
            List<String> scopes) {
        public Api {
            accessTokenLifetime = accessTokenLifetime == null ? Duration.ofHours(24) : accessTokenLifetime;
            signingAlg = signingAlg == null ? SigningAlgorithm.RS256 : signingAlg;
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }

    /**
     * @param provider               the SMS provider; {@code dev} keeps messages in the dev inbox (dev mode only)
     * @param codeLength             digits per code, 4..10
     * @param codeTtl                how long a code is accepted
     * @param maxAttempts            wrong codes before a code is dead
     * @param keepPreviousCodes      earlier live codes that stay valid when a new one is sent
     * @param disableSignup          only existing users may sign in
     * @param signupDisabledResponse {@code error} or {@code silent}
     * @param template               default message template
     * @param templates              templates per language tag
     * @param defaultRegion          ISO region for numbers typed without a country code; none by default
     * @param failover               providers tried after {@code provider}, in order
     * @param routes                 provider lists per country calling code
     * @param retry                  retries of transient failures
     * @param circuitBreaker         per-provider breaker
     * @param message                segments, WebOTP and app-hash lines
     * @param testNumbers            numbers with fixed codes that never get an SMS
     * @param dev                    the dev inbox
     * @param twilio                 Twilio Programmable Messaging
     * @param httpGateway            a custom HTTP gateway (Auth0-compatible)
     * @param vonage                 Vonage SMS API
     * @param sns                    AWS SNS
     */
    public record Sms(
            @Env("PHONEPASS_SMS_PROVIDER") ProviderId provider,
            Integer codeLength,
            Duration codeTtl,
            Integer maxAttempts,
            Integer keepPreviousCodes,
            Boolean disableSignup,
            SignupDisabledResponse signupDisabledResponse,
            String template,
            Map<String, String> templates,
            String defaultRegion,
            List<ProviderId> failover,
            List<RouteSettings> routes,
            RetrySettings retry,
            CircuitBreakerSettings circuitBreaker,
            MessageSettings message,
            TestNumbersSettings testNumbers,
            SmsSettings.DevSettings dev,
            TwilioSettings twilio,
            HttpGatewaySettings httpGateway,
            VonageSettings vonage,
            SnsSettings sns) {

        /** The delivery part, as the SMS module takes it (docs/sms-providers.md). */
        public SmsSettings delivery() {
            return new SmsSettings(
                    provider,
                    failover,
                    routes,
                    retry,
                    circuitBreaker,
                    message,
                    testNumbers,
                    dev,
                    twilio,
                    httpGateway,
                    vonage,
                    sns);
        }

        public Sms {
            provider = provider == null ? ProviderId.DEV : provider;
            codeLength = codeLength == null ? 6 : codeLength;
            codeTtl = codeTtl == null ? Duration.ofSeconds(180) : codeTtl;
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            keepPreviousCodes = keepPreviousCodes == null ? 0 : keepPreviousCodes;
            disableSignup = disableSignup != null && disableSignup;
            signupDisabledResponse =
                    signupDisabledResponse == null ? SignupDisabledResponse.ERROR : signupDisabledResponse;
            template = template == null ? "Your verification code is: @@password@@" : template;
            templates = templates == null ? Map.of() : Map.copyOf(templates);
        }
    }

    /**
     * Dev-mode conveniences.
     *
     * @param sampleApp     serve the sample SPA on its own origin
     * @param sampleAppPort its plain-HTTP port on loopback (the dev client allows http://localhost:3000)
     * @param sampleAppDir  the folder it is served from
     */
    public record Dev(Boolean sampleApp, Integer sampleAppPort, String sampleAppDir) {
        /** The client dev mode adds (unless one with its id is configured), so a fresh server works as it is. */
        public static final String CLIENT_ID = "phonepass-dev";
        /** Its display name, which SMS templates may show. */
        public static final String CLIENT_NAME = "Phonepass dev app";

        public Dev {
            sampleApp = sampleApp == null || sampleApp;
            sampleAppPort = sampleAppPort == null ? 3000 : sampleAppPort;
            sampleAppDir = sampleAppDir == null ? "examples/jquery-sms-spa" : sampleAppDir;
        }
    }

    /** {@code /user/geoloc/country}: the country reported when neither a trusted header nor the language tells. */
    public record Geoloc(String defaultCountry, Boolean fromAcceptLanguage) {
        public Geoloc {
            defaultCountry = defaultCountry == null ? "US" : defaultCountry;
            fromAcceptLanguage = fromAcceptLanguage == null || fromAcceptLanguage;
        }
    }

    /**
     * The hosted login pages' look and behaviour (docs/hosted-login.md#branding).
     *
     * @param productName        shown in the page title and heading
     * @param logoUrl            an https URL (or a path on this server) of the logo; the image's origin is added to
     *                           the pages' CSP
     * @param logoFile           a PNG, SVG, WebP or JPEG file served by the server itself; wins over {@code logo_url}
     * @param primaryColor       {@code #rrggbb} of buttons and links; white text on it must reach WCAG AA (4.5:1)
     * @param resendAfter        how long after a code was sent the code page offers to send another
     * @param botCheckSiteKey    the site key of the bot-check widget, required when {@code limits.bot_check} is on
     * @param botCheckScriptUrl  the widget's script (Cloudflare Turnstile unless set); its origin is added to the CSP
     */
    public record Hosted(
            String productName,
            String logoUrl,
            String logoFile,
            String primaryColor,
            Duration resendAfter,
            String botCheckSiteKey,
            String botCheckScriptUrl) {
        public static final String DEFAULT_PRIMARY_COLOR = "#1d4ed8";
        public static final String TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js";

        public Hosted {
            productName = productName == null ? "Phonepass" : productName;
            primaryColor = primaryColor == null ? DEFAULT_PRIMARY_COLOR : primaryColor;
            resendAfter = resendAfter == null ? Duration.ofSeconds(30) : resendAfter;
            botCheckScriptUrl = botCheckScriptUrl == null ? TURNSTILE_SCRIPT : botCheckScriptUrl;
        }
    }

    /**
     * The admin console at {@code /admin} (docs/management.md#console). It is off until at least one admin number is
     * listed.
     *
     * @param phoneNumbers       the numbers (E.164) that may sign in to the console
     * @param sessionIdleTimeout a console session unused this long ends
     * @param sessionMaxLifetime a console session ends this long after sign-in, used or not
     * @param currency           the ISO 4217 code the SMS prices are in, shown beside the spend estimate
     * @param smsPrices          price of one SMS segment per destination (ISO 3166 alpha-2 region, or {@code default})
     */
    public record Admin(
            List<String> phoneNumbers,
            Duration sessionIdleTimeout,
            Duration sessionMaxLifetime,
            String currency,
            Map<String, java.math.BigDecimal> smsPrices) {
        /** The price key that applies to every region without a price of its own. */
        public static final String DEFAULT_PRICE = "default";

        public Admin {
            phoneNumbers = phoneNumbers == null ? List.of() : List.copyOf(phoneNumbers);
            sessionIdleTimeout = sessionIdleTimeout == null ? Duration.ofMinutes(15) : sessionIdleTimeout;
            sessionMaxLifetime = sessionMaxLifetime == null ? Duration.ofHours(8) : sessionMaxLifetime;
            currency = currency == null ? "USD" : currency;
            smsPrices = smsPrices == null ? Map.of() : Map.copyOf(smsPrices);
        }

        /** Whether the console is served: it is once an admin is named. */
        public boolean consoleEnabled() {
            return !phoneNumbers.isEmpty();
        }
    }
}
