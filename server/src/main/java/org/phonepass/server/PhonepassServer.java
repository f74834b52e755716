package org.phonepass.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.phonepass.core.abuse.AbusePolicy;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.abuse.CompositeAuditLog;
import org.phonepass.core.abuse.LoggingAuditLog;
import org.phonepass.core.authorize.AuthorizationCodeService;
import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.core.client.ClientStore;
import org.phonepass.core.config.Durations;
import org.phonepass.core.login.LoginService;
import org.phonepass.core.login.LoginTicketStore;
import org.phonepass.core.login.LoginTickets;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.login.StartService;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.phone.PhoneNumberParser;
import org.phonepass.core.session.SessionService;
import org.phonepass.core.session.SessionSettings;
import org.phonepass.core.session.SessionStore;
import org.phonepass.core.sms.MessageTemplate;
import org.phonepass.core.token.TokenManagementService;
import org.phonepass.core.token.TokenService;
import org.phonepass.core.user.Profiles;
import org.phonepass.core.user.UserLifecycleListener;
import org.phonepass.server.admin.AdminConsole;
import org.phonepass.server.admin.ProviderTally;
import org.phonepass.server.authorize.AuthorizeEndpoints;
import org.phonepass.server.authorize.LoginTransactions;
import org.phonepass.server.config.ClientSettings;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.Settings;
import org.phonepass.server.crypto.CryptoProviders;
import org.phonepass.server.dev.SampleAppServer;
import org.phonepass.server.hosted.Countries;
import org.phonepass.server.hosted.HostedPages;
import org.phonepass.server.hosted.LoginPages;
import org.phonepass.server.http.ClientAddress;
import org.phonepass.server.http.CrossOriginEndpoints;
import org.phonepass.server.http.EndpointSet;
import org.phonepass.server.http.HttpApi;
import org.phonepass.server.http.IpRange;
import org.phonepass.server.http.ManagementServer;
import org.phonepass.server.http.OpsEndpoints;
import org.phonepass.server.http.Responder;
import org.phonepass.server.keys.NimbusTokenSigner;
import org.phonepass.server.management.ClientDefinition;
import org.phonepass.server.management.ClientManagement;
import org.phonepass.server.management.ConnectionManagement;
import org.phonepass.server.management.LogsAndStats;
import org.phonepass.server.management.ManagementApi;
import org.phonepass.server.management.ManagementScopes;
import org.phonepass.server.management.StoredClients;
import org.phonepass.server.management.UserManagement;
import org.phonepass.server.tls.SecretFiles;
import org.phonepass.server.tls.TlsMaterial;
import org.phonepass.sms.SmsProviders;
import org.phonepass.sms.SmsStack;
import org.phonepass.sms.config.Secrets;
import org.phonepass.sms.dev.DevSmsInbox;
import org.phonepass.store.redis.RedisStorage;
import org.phonepass.store.sql.JdbcAuditLog;
import org.phonepass.store.sql.SqlStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part from the settings, starts the HTTP server, and stops it all. Nothing here
 * is static; tests start as many servers as they like, each on its own port and data folder.
 */
public final class PhonepassServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PhonepassServer.class);

    private final Settings settings;
    private final Clock clock;
    private final Path dataDir;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private HttpApi http;
    private TlsMaterial tls;
    private DevSmsInbox devInbox;
    private NimbusTokenSigner signer;
    private OpsEndpoints ops;
    private ClientRegistry clients;
    private ScheduledExecutorService housekeeping;
    private ScheduledExecutorService rechecks;
    private Runnable limitSweep = () -> {};
    private JdbcAuditLog auditEvents;
    private SampleAppServer sampleApp;
    private ManagementServer management;
    private LoginTransactions loginTransactions;
    private HostedPages hostedPages;
    private SessionService sessions;
    private AuthorizeEndpoints authorize;
    private Function<HostedLogin, List<EndpointSet.Extra>> hostedRoutes;
    private Runnable hostedSweep = () -> {};
    private ManagementServices managementServices;
    private CryptoProviders.Choice crypto;

    public PhonepassServer(Settings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings cannot be null");
        // A free port is chosen now, not at bind time, because the issuer URL contains it.
        this.settings = settings.httpsPort() == 0 ? settings.withHttpsPort(freePort()) : settings;
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.dataDir = Path.of(settings.dataDir()).toAbsolutePath().normalize();
    }

    /**
     * What the hosted login pages work with (docs/hosted-login.md): the pending authorization requests and the way
     * back from them, the sign-in and the code sending, and the caller's address.
     */
    public record HostedLogin(
            LoginTransactions transactions,
            LoginService login,
            StartService starts,
            ClientAddress address,
            ClientRegistry clients) {}

    /** Routes built from the hosted-login parts, added when the server starts instead of the hosted pages. */
    public PhonepassServer withHostedRoutes(Function<HostedLogin, List<EndpointSet.Extra>> routes) {
        this.hostedRoutes = Objects.requireNonNull(routes, "routes cannot be null");
        return this;
    }

    /** The hosted login pages (docs/hosted-login.md#pages-languages-branding-and-accessibility). */
    private LoginPages loginPages(HostedLogin hosted, byte[] codeKey) {
        return new LoginPages(
                new LoginPages.Parts(
                        hostedPages,
                        hosted.transactions(),
                        hosted.starts(),
                        hosted.login(),
                        hosted.address(),
                        new org.phonepass.server.http.RequestReader(
                                settings.http().maxBodyBytes()),
                        codeKey,
                        clock),
                new LoginPages.Options(
                        settings.sms().codeLength(),
                        settings.hosted().resendAfter(),
                        settings.geoloc().defaultCountry(),
                        settings.geoloc().fromAcceptLanguage(),
                        Boolean.TRUE.equals(settings.limits().botCheck().enabled()),
                        settings.hosted().botCheckSiteKey(),
                        settings.hosted().botCheckScriptUrl()));
    }

    /** Builds everything and starts listening. Throws {@link ConfigException} for settings it refuses. */
    public PhonepassServer start() {
        ProductionChecks.beforeStart(settings);
        try {
            SecretFiles.ownerOnlyDirectory(dataDir);
        } catch (IOException e) {
            throw new ConfigException("cannot create the data folder " + dataDir + ": " + e.getMessage());
        }
        // The database opens and migrates on a thread of its own while this one loads the certificate and builds
        // what does not need it: on two cores that takes a fifth of a second off the start-up.
        CompletableFuture<SqlStorage> opening = new CompletableFuture<>();
        Thread opener = new Thread(
                () -> {
                    try {
                        opening.complete(SignerFactory.storage(settings));
                    } catch (Throwable e) {
                        opening.completeExceptionally(e);
                    }
                },
                "phonepass-storage-open");
        opener.setDaemon(true);
        opener.start();
        try {
            // Before the certificate's key and the signing keys are read (Main has chosen already; tests and
            // embedders get the same choice here).
            crypto = CryptoProviders.choose(settings.crypto().provider());
            CryptoProviders.logOnce(crypto);
            tls = loadTls();
            if (tls != null) {
                ProductionChecks.certificate(settings, tls, clock.instant());
            }
            SecureRandom random = new SecureRandom();
            PhoneNumberParser phones = new PhoneNumberParser(settings.sms().defaultRegion());
            Profiles profiles = new Profiles(settings.publicUrl() + "/avatar.svg");
            String managementAudience = ManagementScopes.audience(settings.issuer());
            Map<String, TokenService.Api> apis = new LinkedHashMap<>();
            settings.apis()
                    .forEach(a -> apis.put(
                            a.identifier(),
                            new TokenService.Api(
                                    a.accessTokenLifetime(), a.signingAlg().jwsName(), Set.copyOf(a.scopes()))));
            // The Management API (docs/management.md#access): tokens only from client_credentials, never a login.
            apis.put(
                    managementAudience,
                    new TokenService.Api(MANAGEMENT_TOKEN_LIFETIME, "RS256", Set.copyOf(ManagementScopes.ALL), true));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Gauge.builder("phonepass.crypto.provider.info", () -> 1)
                    .description("The JCA provider that signs tokens and serves TLS (crypto.provider), always 1")
                    .tags(
                            "provider",
                            crypto.name(),
                            "version",
                            crypto.version(),
                            "setting",
                            settings.crypto().provider().name().toLowerCase(java.util.Locale.ROOT))
                    .register(metrics);
            // The Twilio sender can change while the server runs (docs/management.md#the-sms-connection): the
            // provider asks the connection, built once the database is open, at each message.
            AtomicReference<ConnectionManagement> liveConnection = new AtomicReference<>();
            ProviderTally providerTally = new ProviderTally(clock);
            SmsStack sms = smsStack(
                    metrics,
                    new SmsProviders.Hooks(
                            () -> {
                                ConnectionManagement c = liveConnection.get();
                                return c == null ? null : c.twilioSender();
                            },
                            providerTally));
            closeables.add(sms);
            devInbox = sms.devInbox().orElse(null);
            OtpSettings otp = otpSettings();

            SqlStorage storage = opened(opening);
            closeables.add(storage);
            // Every node's send attempts per day and provider, for the dashboard (docs/management.md#console);
            // closed before the storage, so the last figures are written.
            providerTally.attach(storage.providerStats());
            closeables.add(providerTally::flush);
            // docs/management.md#clients: the settings file's clients are written to the database at every start
            // (the file wins for them), beside those created through the API; every node reads them from there.
            storage.clientStore().replaceSettingsClients(settingsClientRows(managementAudience));
            // What every node reads from the database and keeps (clients, the SMS connection) is checked for changes
            // made through other nodes on this thread, never by a request (docs/management.md#how-nodes-see-changes).
            rechecks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "phonepass-recheck");
                t.setDaemon(true);
                return t;
            });
            StoredClients storedClients =
                    new StoredClients(storage.clientStore(), rechecks, CLIENT_RECHECK, CLIENT_MISS_RECHECK);
            clients = storedClients;
            byte[] codeKey = codeHmacKey(storage);
            CodeHasher hasher = new CodeHasher(codeKey);
            // Closed before the storage (closeables close in reverse), so queued events are written first.
            auditEvents = storage.auditLog();
            closeables.add(auditEvents);
            AuditLog audit = new CompositeAuditLog(List.of(new LoggingAuditLog(), auditEvents));
            signer = SignerFactory.signer(settings, storage, clock, random, crypto);
            Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
            checks.put("database", storage::isHealthy);
            ChallengeStore challenges = storage.challenges();
            LoginTicketStore loginTicketStore = storage.loginTickets();
            RedisStorage redis = null;
            if (settings.redis().url() != null) {
                redis = RedisStorage.connect(
                        settings.redis().url(), settings.redis().keyPrefix());
                closeables.add(redis);
                challenges = redis.challenges();
                loginTicketStore = redis.loginTickets();
                checks.put("redis", redis::isHealthy);
                // The writes after an accepted code go out without the request waiting (docs/security.md); one
                // that fails is logged, and counted here so an operator can alert on it.
                FunctionCounter.builder(
                                "phonepass.redis.writes.after.success.failed",
                                redis,
                                RedisStorage::failedWritesAfterSuccess)
                        .description("Wrong-code resets and breaker counts after an accepted code that Redis did not"
                                + " take (logged; limits then stay stricter)")
                        .register(metrics);
            }
            TokenService tokens = new TokenService(
                    settings.issuer(),
                    signer,
                    storage.accessTokens(),
                    storage.refreshTokens(),
                    storage.users(),
                    profiles,
                    apis,
                    clock,
                    random,
                    storage.unitOfWork());

            ObjectMapper json = JsonMapper.builder().build();
            Responder responder = new Responder(json);
            LimitBackends.Chosen limits = LimitBackends.choose(
                    settings.limits(),
                    storage,
                    settings.storage().isPostgres(),
                    redis,
                    phones,
                    () -> HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .build(),
                    json,
                    audit,
                    new MicrometerAbuseMetrics(metrics),
                    clock);
            limitSweep = limits.sweep();
            AbusePolicy policy = limits.policy();
            SmsProviders.Plan smsPlan =
                    SmsProviders.validate(settings.sms().delivery(), Secrets.RESOLVED, settings.isProduction());
            ConnectionManagement connection = new ConnectionManagement(
                    otp,
                    smsPlan.twilioSender().orElse(null),
                    smsPlan.provider(),
                    storage.connectionSettings(),
                    smsPlan.formatter(),
                    clients,
                    audit,
                    clock,
                    rechecks);
            liveConnection.set(connection);
            LoginService login = new LoginService(
                    connection,
                    new LoginService.Parts(phones, challenges, storage.users(), tokens, hasher, storage.unitOfWork()),
                    policy,
                    audit,
                    clock,
                    random);
            StartService starts = new StartService(
                    connection,
                    new StartService.Parts(
                            phones, challenges, storage.users(), sms.provider(), hasher, sms.testNumbers()::fixedCode),
                    policy,
                    clock,
                    random);
            // Silent sign-up refusal: the SMS meters would tell which numbers have accounts, so the public scrape
            // (dev mode) leaves them out; the management port is the operator's and keeps them.
            JvmMeters jvmMeters = new JvmMeters(metrics);
            ops = new OpsEndpoints(
                    checks,
                    metrics,
                    responder,
                    !settings.isProduction(),
                    otp.disableSignup() && otp.signupDisabledResponse() == OtpSettings.SignupDisabledResponse.SILENT,
                    jvmMeters);
            List<IpRange> proxies = settings.http().trustedProxies().stream()
                    .map(IpRange::parse)
                    .toList();
            ClientAddress address = new ClientAddress(proxies, settings.http().countryHeader());
            hostedPages = new HostedPages(settings);
            // Codes, sessions and login transactions live where the codes of the SMS do: in Redis when it is
            // configured, so that every node finds them, else in the database.
            AuthorizationCodeStore codeStore =
                    redis == null ? storage.authorizationCodes() : redis.authorizationCodes();
            SessionStore sessionStore = redis == null ? storage.sessions() : redis.sessions();
            PendingLoginStore pendingLogins = redis == null ? storage.pendingLogins() : redis.pendingLogins();
            Settings.Session s = settings.session();
            sessions = new SessionService(
                    sessionStore,
                    new SessionSettings(s.idleLifetime(), s.absoluteLifetime(), s.loginLifetime()),
                    clock,
                    random);
            AuthorizationCodeService codes = new AuthorizationCodeService(
                    codeStore,
                    tokens,
                    storage.accessTokens(),
                    storage.refreshTokens(),
                    storage.unitOfWork(),
                    clock,
                    random);
            LoginTickets loginTickets = new LoginTickets(login, loginTicketStore, storage.users(), clock, random);
            authorize = new AuthorizeEndpoints(
                    new AuthorizeEndpoints.Parts(
                            // The console signs in through /authorize as a client only /authorize knows
                            // (docs/management.md#console-security).
                            settings.admin().consoleEnabled()
                                    ? AdminConsole.withConsoleClient(clients, settings.publicUrl())
                                    : clients,
                            sessions,
                            codes,
                            pendingLogins,
                            tokens,
                            json,
                            settings.issuer(),
                            hostedPages::error,
                            policy,
                            address),
                    loginTickets,
                    clock,
                    random);
            hostedSweep = () -> {
                codes.deleteExpired();
                sessions.deleteExpired();
                pendingLogins.deleteExpired(clock.instant());
            };
            List<EndpointSet.Extra> extras = new ArrayList<>(org.phonepass.server.http.StaticAssets.extras());
            extras.addAll(CrossOriginEndpoints.extras(
                    responder,
                    clients,
                    address,
                    loginTickets,
                    settings.issuer(),
                    settings.http().maxBodyBytes()));
            extras.add(new EndpointSet.Extra(HandlerType.GET, "/authorize", authorize::authorize));
            extras.add(new EndpointSet.Extra(HandlerType.GET, "/authorize/resume", authorize::resume));
            extras.add(new EndpointSet.Extra(HandlerType.POST, "/co/verify", authorize::coVerify));
            extras.add(new EndpointSet.Extra(HandlerType.GET, "/oidc/logout", authorize::oidcLogout));
            extras.add(LoginPages.assetRoute(hostedPages));
            HostedLogin hosted = new HostedLogin(
                    loginTransactions != null ? loginTransactions : authorize, login, starts, address, clients);
            extras.addAll(
                    hostedRoutes != null
                            ? hostedRoutes.apply(hosted)
                            : loginPages(hosted, codeKey).routes());
            extras.addAll(
                    managementRoutes(managementAudience, tokens, storage, audit, connection, profiles, phones, random));
            if (settings.admin().consoleEnabled()) {
                extras.addAll(new AdminConsole(new AdminConsole.Parts(
                                settings,
                                storage.users(),
                                sessions,
                                codes,
                                tokens,
                                phones,
                                clients,
                                auditEvents,
                                providerTally,
                                connection,
                                smsPlan.formatter(),
                                managementServices.users(),
                                managementServices.clients(),
                                managementServices.logs(),
                                codeKey,
                                clock))
                        .routes());
            }
            EndpointSet endpoints = EndpointSet.build(
                    new EndpointSet.Services(
                            login,
                            tokens,
                            signer,
                            clients,
                            profiles,
                            phones,
                            devInbox,
                            ops,
                            address,
                            settings.issuer(),
                            settings.geoloc().defaultCountry(),
                            settings.geoloc().fromAcceptLanguage(),
                            settings.http().maxBodyBytes(),
                            starts,
                            new TokenManagementService(tokens, policy, audit, clock),
                            codes,
                            sessions),
                    responder,
                    extras);
            http = new HttpApi(
                    new HttpApi.Listen(
                            settings.bindAddress(),
                            settings.httpsPort(),
                            settings.httpPort(),
                            tls,
                            settings.http().maxBodyBytes(),
                            settings.http().corsMaxAge().toSeconds(),
                            settings.http().maxThreads(),
                            settings.http().idleTimeout().toMillis(),
                            settings.isProduction(),
                            new HttpApi.Connections(
                                    settings.http().maxConnectionsPerAddress(),
                                    settings.http().headerTimeout().toMillis(),
                                    proxies)),
                    json,
                    endpoints,
                    new org.phonepass.server.http.ClientGate(clients));
            http.start();
            startManagement(json);
            startSampleApp();

            housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "phonepass-housekeeping");
                t.setDaemon(true);
                return t;
            });
            // The hosted pages' country picker, which no API login needs, is built on this thread a few seconds
            // after the port answers (docs/benchmarks.md "Start-up, cut again"): built at once it would run beside
            // the first requests and the JIT compilers of the start on two cores. A page that shows the picker
            // sooner builds it itself.
            // The JVM's own meters too: binding them loads the JVM's management interface (about 200 classes),
            // which no request needs, and done right after the port opened it ran beside the first requests
            // (docs/benchmarks.md "Start-up, a margin"). A scrape before then binds them first, so that no scrape
            // goes without them.
            housekeeping.schedule(
                    () -> {
                        try {
                            Countries.prepare();
                        } catch (RuntimeException e) {
                            log.warn("the country picker could not be built: {}", e.getMessage());
                        }
                    },
                    AFTER_START_MILLIS,
                    TimeUnit.MILLISECONDS);
            housekeeping.schedule(jvmMeters, AFTER_START_MILLIS, TimeUnit.MILLISECONDS);
            ChallengeStore sweptChallenges = challenges;
            LoginTicketStore sweptTickets = loginTicketStore;
            housekeeping.scheduleWithFixedDelay(
                    () -> housekeep(storage, sweptChallenges, sweptTickets), 1, 60, TimeUnit.SECONDS);
            housekeeping.scheduleWithFixedDelay(
                    providerTally::flush, PROVIDER_TALLY_SECONDS, PROVIDER_TALLY_SECONDS, TimeUnit.SECONDS);
            return this;
        } catch (IOException | GeneralSecurityException e) {
            closeUnclaimed(opening);
            close();
            throw new ConfigException("cannot start: " + e.getMessage());
        } catch (RuntimeException e) {
            closeUnclaimed(opening);
            close();
            throw e;
        }
    }

    /** The JVM's own meters (memory, threads, processor), bound to the registry once, by whoever asks first. */
    static final class JvmMeters implements Runnable {
        private final MeterRegistry registry;
        private boolean bound;

        JvmMeters(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public synchronized void run() {
            if (bound) {
                return;
            }
            bound = true;
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
        }
    }

    /**
     * How long after the port answers the work no login needs is done (see {@link #start}): past the first logins
     * that start-up probes and orchestrators send at once, short enough that a scrape soon has the JVM's meters.
     */
    static final long AFTER_START_MILLIS = 3_000;

    /** How often each node adds its SMS send attempts to the database's tally (docs/management.md#console). */
    static final long PROVIDER_TALLY_SECONDS = 10;

    /** How long a Management API token lives (Auth0's default for it). */
    static final Duration MANAGEMENT_TOKEN_LIFETIME = Duration.ofHours(24);
    /** How often each node checks the stored clients for changes made elsewhere. */
    static final Duration CLIENT_RECHECK = Duration.ofSeconds(1);
    /** How soon an unknown client id makes a node look again: a client just created on another node. */
    static final Duration CLIENT_MISS_RECHECK = Duration.ofMillis(50);

    /** The settings file's clients (and the dev client) as stored rows, hashing any plain secret. */
    private List<ClientStore.Row> settingsClientRows(String managementAudience) {
        List<ClientStore.Row> rows = new ArrayList<>();
        java.time.Instant now = clock.instant();
        for (ClientSettings c : ConfiguredClients.withDevClient(settings.clients(), !settings.isProduction())) {
            String hash = c.clientSecretHash() != null
                    ? c.clientSecretHash()
                    : c.clientSecret() == null ? null : ClientSecrets.hash(c.clientSecret());
            rows.add(new ClientStore.Row(
                    c.clientId(),
                    ClientStore.Source.SETTINGS,
                    ClientDefinition.of(c, managementAudience).toJson(),
                    hash,
                    now,
                    now));
        }
        return rows;
    }

    /** The Management API's routes; its user service ends a blocked or deleted user's server sessions. */
    private List<EndpointSet.Extra> managementRoutes(
            String managementAudience,
            TokenService tokens,
            SqlStorage storage,
            AuditLog audit,
            ConnectionManagement connection,
            Profiles profiles,
            PhoneNumberParser phones,
            SecureRandom random) {
        UserManagement users = new UserManagement(
                storage.userAdmin(), phones, profiles, audit, List.of(sessionEndings()), clock, random);
        ClientManagement clientAdmin =
                new ClientManagement(storage.clientStore(), (StoredClients) clients, audit, clock, random);
        LogsAndStats logs = new LogsAndStats(auditEvents, storage.userAdmin(), clients, clock);
        ManagementApi api =
                new ManagementApi(managementAudience, tokens, clients, users, clientAdmin, connection, logs, clock);
        managementServices = new ManagementServices(users, clientAdmin, connection, logs, api);
        return api.routes();
    }

    /** Ends every server session of a user who is blocked or deleted (docs/hosted-login.md#sessions). */
    private UserLifecycleListener sessionEndings() {
        return new UserLifecycleListener() {
            @Override
            public void userBlocked(String userId) {
                sessions.endForUser(userId);
            }

            @Override
            public void userDeleted(String userId) {
                sessions.endForUser(userId);
            }
        };
    }

    /**
     * The Management API's domain services, for Java callers such as the admin console: the same rules, checks and
     * audit events as the HTTP API (docs/management.md).
     */
    public record ManagementServices(
            UserManagement users,
            ClientManagement clients,
            ConnectionManagement connection,
            LogsAndStats logs,
            ManagementApi api) {}

    /** The Management API's services; null before start. */
    public ManagementServices managementServices() {
        return managementServices;
    }

    /** The opened storage, or what stopped it from opening, as if it had been opened on this thread. */
    private static SqlStorage opened(CompletableFuture<SqlStorage> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** A start that failed before taking the storage still closes it once it has opened. */
    private void closeUnclaimed(CompletableFuture<SqlStorage> opening) {
        SqlStorage storage;
        try {
            storage = opening.join();
        } catch (CompletionException e) {
            return;
        }
        if (!closeables.contains(storage)) {
            storage.close();
        }
    }

    /** Dev mode: the sample SPA on its own origin, when its folder is there; never fatal. */
    private void startSampleApp() {
        Settings.Dev dev = settings.dev();
        Path folder = Path.of(dev.sampleAppDir());
        if (settings.isProduction() || !dev.sampleApp() || !Files.isDirectory(folder)) {
            return;
        }
        String domain = java.net.URI.create(settings.publicUrl()).getAuthority();
        try {
            sampleApp = SampleAppServer.start(folder, dev.sampleAppPort(), domain, ConfiguredClients.DEV_CLIENT_ID);
            closeables.add(sampleApp);
        } catch (IOException e) {
            log.warn(
                    "the sample app could not listen on port {} ({}); set dev.sample_app_port to another port",
                    dev.sampleAppPort(),
                    e.getMessage());
        }
    }

    /**
     * The management port (/metrics, detailed /health): in production on {@code http.management_port} (9464 unless
     * set), in dev mode only when that is set. A port already taken is logged, not fatal: the API stays up and the
     * scraper notices the missing target.
     */
    private void startManagement(ObjectMapper json) {
        Integer port = settings.http().managementPort();
        if (port == null && settings.isProduction()) {
            port = Settings.Http.PRODUCTION_MANAGEMENT_PORT;
        }
        if (port == null) {
            return;
        }
        try {
            management = ManagementServer.start(settings.http().managementBindAddress(), port, ops, json);
            closeables.add(management);
        } catch (IOException e) {
            log.error(
                    "the management port (/metrics) could not listen on {}:{} ({}); set http.management_port",
                    settings.http().managementBindAddress(),
                    port,
                    e.getMessage());
        }
    }

    /**
     * Login transactions for the hosted login pages to sign in for instead of those of {@code /authorize}; set
     * before {@link #start}. Tests of the pages on their own use it.
     */
    public PhonepassServer loginTransactions(LoginTransactions transactions) {
        this.loginTransactions = transactions;
        return this;
    }

    /** The hosted pages' renderer, for error pages of requests that cannot go back to the app; null before start. */
    public HostedPages hostedPages() {
        return hostedPages;
    }

    /** The management server, or null when it is not running. */
    public ManagementServer management() {
        return management;
    }

    /** The sample-app server in dev mode, or null. */
    public SampleAppServer sampleApp() {
        return sampleApp;
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("cannot find a free port: " + e.getMessage());
        }
    }

    private void housekeep(SqlStorage storage, ChallengeStore challenges, LoginTicketStore tickets) {
        try {
            var now = clock.instant();
            // Each sweep deletes in short batches (docs/benchmarks.md#data-growth); how long a large one took is
            // logged, so an operator can tell a sweep from a stall.
            long t0 = System.nanoTime();
            int codes = challenges.deleteExpired(now.minus(Duration.ofHours(1)));
            long t1 = System.nanoTime();
            tickets.deleteExpired(now);
            int access = storage.accessTokens().deleteExpired(now);
            int refresh = storage.refreshTokens().deleteExpired(now);
            long t2 = System.nanoTime();
            long pruned =
                    auditEvents.deleteOlderThan(now.minus(settings.storage().auditRetention()));
            storage.providerStats()
                    .deleteBefore(java.time.LocalDate.ofInstant(
                            now.minus(settings.storage().auditRetention()), java.time.ZoneOffset.UTC));
            long t3 = System.nanoTime();
            if (codes + access + refresh >= 10_000) {
                log.info(
                        "housekeeping: deleted {} expired codes in {} ms, {} access and {} refresh tokens in {} ms",
                        codes,
                        (t1 - t0) / 1_000_000,
                        access,
                        refresh,
                        (t2 - t1) / 1_000_000);
            }
            if (pruned > 0) {
                log.info(
                        "deleted {} audit events older than {} in {} ms",
                        pruned,
                        Durations.format(settings.storage().auditRetention()),
                        (t3 - t2) / 1_000_000);
            }
            limitSweep.run();
            hostedSweep.run();
            signer.reload();
        } catch (RuntimeException e) {
            log.warn("housekeeping failed: {}", e.getMessage());
        }
    }

    private TlsMaterial loadTls() throws IOException, GeneralSecurityException {
        Settings.Tls t = settings.tls();
        if (t.pkcs12File() != null) {
            return TlsMaterial.fromPkcs12(Path.of(t.pkcs12File()), t.pkcs12Password());
        }
        if (t.certFile() != null || t.keyFile() != null) {
            if (t.certFile() == null || t.keyFile() == null) {
                throw new ConfigException("tls.cert_file and tls.key_file go together: set both");
            }
            return TlsMaterial.fromPem(Path.of(t.certFile()), Path.of(t.keyFile()));
        }
        if (settings.isProduction()) {
            return null;
        }
        return TlsMaterial.devCertificate(dataDir.resolve("tls"), List.of());
    }

    /**
     * The configured HMAC key (checked at load), or in dev mode one generated once and kept in the database, so that
     * every dev node on a shared PostgreSQL database uses the same key and a code sent by one verifies on another. A
     * key generated by an earlier build into {@code <data_dir>/secrets/code-hmac.key} is taken over, so codes in
     * flight survive the upgrade. Production mode never gets here without a key (ProductionChecks).
     */
    private byte[] codeHmacKey(SqlStorage storage) throws IOException {
        String encoded = settings.secrets().codeHmacKey();
        if (encoded == null) {
            Path legacy = dataDir.resolve("secrets").resolve("code-hmac.key");
            String candidate;
            if (Files.exists(legacy)) {
                candidate = Files.readString(legacy).trim();
            } else {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                candidate = Base64.getEncoder().encodeToString(key);
            }
            encoded = storage.devSecret("code_hmac_key", candidate, clock.instant());
            if (encoded.equals(candidate)) {
                log.info("dev mode: generated the code HMAC key and stored it in the database (table dev_secrets), "
                        + "where every node on this database finds it");
            }
        }
        return Base64.getDecoder().decode(encoded.trim());
    }

    private SmsStack smsStack(PrometheusMeterRegistry metrics, SmsProviders.Hooks hooks) {
        try {
            // Checked, with its secrets resolved, when the settings were loaded; this only builds.
            return SmsProviders.build(
                    SmsProviders.validate(settings.sms().delivery(), Secrets.RESOLVED, settings.isProduction()),
                    clock,
                    metrics,
                    hooks);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The code rules and templates (checked against the segment limit when the settings were loaded). */
    private OtpSettings otpSettings() {
        Settings.Sms s = settings.sms();
        Map<String, MessageTemplate> byLanguage = new LinkedHashMap<>();
        s.templates()
                .forEach(
                        (lang, t) -> byLanguage.put(lang.toLowerCase(java.util.Locale.ROOT), MessageTemplate.parse(t)));
        return new OtpSettings(
                s.codeLength(),
                s.codeTtl(),
                s.maxAttempts(),
                s.keepPreviousCodes(),
                s.disableSignup(),
                s.signupDisabledResponse(),
                MessageTemplate.parse(s.template()),
                byLanguage);
    }

    /** The HTTPS port actually bound (after asking for 0). */
    public int httpsPort() {
        return http.ports().get(0);
    }

    /** The plain-HTTP port actually bound, when one was configured. */
    public Integer httpPort() {
        List<Integer> ports = http.ports();
        return settings.httpPort() == null ? null : ports.get(ports.size() - 1);
    }

    public Settings settings() {
        return settings;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The TLS certificate in use (null behind a TLS proxy without one). */
    public TlsMaterial tls() {
        return tls;
    }

    /** The dev inbox, in dev mode with the dev provider; null otherwise. */
    public DevSmsInbox devInbox() {
        return devInbox;
    }

    /** The crypto provider in use (crypto.provider). */
    public CryptoProviders.Choice crypto() {
        return crypto;
    }

    public NimbusTokenSigner signer() {
        return signer;
    }

    /** The stored audit log (the structured log lines go beside it). */
    public JdbcAuditLog auditEvents() {
        return auditEvents;
    }

    public ClientRegistry clients() {
        return clients;
    }

    /**
     * The server sessions of the hosted login: {@link SessionService#endForUser} ends a user's sessions when the user
     * is blocked or deleted.
     */
    public SessionService sessions() {
        return sessions;
    }

    /** The login transactions the hosted pages work with. */
    public LoginTransactions loginTransactions() {
        return authorize;
    }

    /** Graceful stop: readiness turns DOWN, requests in flight finish (up to 10 s), then everything closes. */
    @Override
    public void close() {
        if (ops != null) {
            ops.stopping();
        }
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (rechecks != null) {
            rechecks.shutdownNow();
        }
        if (http != null) {
            http.stop();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("error while closing: {}", e.getMessage());
            }
        }
        closeables.clear();
    }
}
