package org.phonepass.sms;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.phonepass.core.sms.MessageFormatter;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.sms.config.ProviderId;
import org.phonepass.sms.config.RouteSettings;
import org.phonepass.sms.config.Secrets;
import org.phonepass.sms.config.SmsSettings;
import org.phonepass.sms.delivery.CircuitBreaker;
import org.phonepass.sms.delivery.ResilientSmsProvider;
import org.phonepass.sms.delivery.RetryPolicy;
import org.phonepass.sms.delivery.Routing;
import org.phonepass.sms.delivery.SmsMetrics;
import org.phonepass.sms.dev.DevSmsInbox;
import org.phonepass.sms.gateway.HttpGatewaySettings;
import org.phonepass.sms.gateway.HttpGatewaySmsProvider;
import org.phonepass.sms.http.VendorHttp;
import org.phonepass.sms.message.FormattingSmsProvider;
import org.phonepass.sms.sns.SnsSettings;
import org.phonepass.sms.sns.SnsSmsProvider;
import org.phonepass.sms.testnumbers.TestNumberSmsProvider;
import org.phonepass.sms.testnumbers.TestNumbers;
import org.phonepass.sms.twilio.TwilioSender;
import org.phonepass.sms.twilio.TwilioSettings;
import org.phonepass.sms.twilio.TwilioSmsProvider;
import org.phonepass.sms.vonage.VonageSettings;
import org.phonepass.sms.vonage.VonageSmsProvider;

/**
 * Builds the SMS delivery stack from the {@code sms:} settings: {@link #validate} checks every value and resolves the
 * secrets without starting anything; {@link #build(Plan, Clock, MeterRegistry)} then only builds.
 */
public final class SmsProviders {
    // Completion work of every vendor call is short; two threads carry it for any number of messages in flight.
    private static final int COMPLETION_THREADS = 2;

    private SmsProviders() {}

    /**
     * The settings checked and their secrets resolved, ready to build: what {@link #validate} returns. Holding one
     * means every {@code sms.*} value is known good, so {@link #build(Plan, Clock, MeterRegistry)} only builds.
     */
    public static final class Plan {
        private final SmsSettings settings;
        private final List<ProviderId> defaultIds;
        private final Map<Integer, List<ProviderId>> routeIds;
        private final Set<ProviderId> used;
        private final RetryPolicy retry;
        private final MessageFormatter formatter;
        private final TestNumbers testNumbers;
        private final TwilioSettings twilio;
        private final HttpGatewaySettings gateway;
        private final VonageSettings vonage;
        private final SnsSettings sns;

        private Plan(
                SmsSettings settings,
                List<ProviderId> defaultIds,
                Map<Integer, List<ProviderId>> routeIds,
                Set<ProviderId> used,
                RetryPolicy retry,
                MessageFormatter formatter,
                TestNumbers testNumbers,
                TwilioSettings twilio,
                HttpGatewaySettings gateway,
                VonageSettings vonage,
                SnsSettings sns) {
            this.settings = settings;
            this.defaultIds = defaultIds;
            this.routeIds = routeIds;
            this.used = used;
            this.retry = retry;
            this.formatter = formatter;
            this.testNumbers = testNumbers;
            this.twilio = twilio;
            this.gateway = gateway;
            this.vonage = vonage;
            this.sns = sns;
        }

        /** The message formatter, for checking templates against the segment limit. */
        public MessageFormatter formatter() {
            return formatter;
        }

        /** Twilio's sender in the settings file when a route uses Twilio; empty otherwise. */
        public Optional<TwilioSender> twilioSender() {
            return Optional.ofNullable(twilio).map(TwilioSender::of);
        }

        /** The id of {@code sms.provider}, the first provider of every message without a route of its own. */
        public String provider() {
            return settings.provider().id();
        }
    }

    /**
     * What the server plugs into the stack it builds.
     *
     * @param twilioSender the Twilio sender in force, asked at each message (null from it: the settings' sender)
     * @param attempts     told of every send attempt, for the dashboard's cluster-wide tally
     */
    public record Hooks(Supplier<TwilioSender> twilioSender, SmsMetrics.AttemptListener attempts) {
        /** The settings' sender, and no tally. */
        public static final Hooks NONE = new Hooks(() -> null, SmsMetrics.AttemptListener.NONE);

        public Hooks {
            Objects.requireNonNull(twilioSender, "twilioSender cannot be null");
            Objects.requireNonNull(attempts, "attempts cannot be null");
        }
    }

    /**
     * Validates the settings and builds the stack.
     *
     * @param environment    environment lookup for {@code ${NAME}} secrets, {@code System::getenv} in production
     * @param productionMode refuses the dev inbox, and test numbers unless allowed
     * @throws IllegalArgumentException whose message names the offending key
     */
    public static SmsStack build(
            SmsSettings settings,
            Clock clock,
            MeterRegistry registry,
            Function<String, String> environment,
            boolean productionMode) {
        Objects.requireNonNull(environment, "environment cannot be null");
        return build(validate(settings, new Secrets(environment), productionMode), clock, registry);
    }

    /**
     * Checks every {@code sms.*} value and resolves the secrets of the providers in use, starting nothing. The
     * server runs it when it loads its settings, so a bad value stops the start before anything runs.
     *
     * @param secrets        {@link Secrets#RESOLVED} when the caller resolved every secret already
     * @param productionMode refuses the dev inbox, and test numbers unless allowed
     * @throws IllegalArgumentException whose message names the offending key
     */
    public static Plan validate(SmsSettings settings, Secrets secrets, boolean productionMode) {
        Objects.requireNonNull(settings, "settings cannot be null");
        Objects.requireNonNull(secrets, "secrets cannot be null");

        Map<ProviderId, String> usage = new LinkedHashMap<>();
        List<ProviderId> defaultIds = new ArrayList<>();
        defaultIds.add(settings.provider());
        defaultIds.addAll(settings.failover());
        checkIds("sms.provider", defaultIds.subList(0, 1), usage);
        checkIds("sms.failover", settings.failover(), usage);
        requireDistinct("sms.failover", defaultIds);
        Map<Integer, List<ProviderId>> routeIds = new HashMap<>();
        for (int i = 0; i < settings.routes().size(); i++) {
            RouteSettings route = settings.routes().get(i);
            String key = "sms.routes[" + i + "]";
            if (route == null || route.callingCodes().isEmpty()) {
                throw new IllegalArgumentException(key + ".calling_codes needs at least one country calling code");
            }
            if (route.providers().isEmpty()) {
                throw new IllegalArgumentException(key + ".providers needs at least one provider");
            }
            checkIds(key + ".providers", route.providers(), usage);
            requireDistinct(key + ".providers", route.providers());
            for (Integer code : route.callingCodes()) {
                if (code == null || code < 1 || code > 999) {
                    throw new IllegalArgumentException(key + ".calling_codes holds " + code
                            + ", which is not a country calling code (1 to 999, without +)");
                }
                if (routeIds.put(code, route.providers()) != null) {
                    throw new IllegalArgumentException(
                            key + ".calling_codes: +" + code + " already has a route in an earlier entry");
                }
            }
        }
        if (productionMode && usage.containsKey(ProviderId.DEV)) {
            throw new IllegalArgumentException("the dev SMS inbox is refused in production mode: "
                    + usage.get(ProviderId.DEV) + " names dev; configure a real provider");
        }

        RetryPolicy retry = settings.retry().toPolicy("sms.retry");
        settings.circuitBreaker().validate("sms.circuit_breaker");
        MessageFormatter formatter = settings.message().toFormatter("sms.message");
        TestNumbers testNumbers = settings.testNumbers().toTestNumbers("sms.test_numbers", productionMode);
        if (settings.dev().capacity() < 1 || settings.dev().capacity() > 100_000) {
            throw new IllegalArgumentException("sms.dev.capacity must be 1 to 100000");
        }

        TwilioSettings twilio = usage.containsKey(ProviderId.TWILIO)
                ? orEmpty(settings.twilio()).resolved("sms.twilio", usage.get(ProviderId.TWILIO), secrets)
                : null;
        HttpGatewaySettings gateway = usage.containsKey(ProviderId.HTTP_GATEWAY)
                ? orEmpty(settings.httpGateway())
                        .resolved("sms.http_gateway", usage.get(ProviderId.HTTP_GATEWAY), secrets)
                : null;
        VonageSettings vonage = usage.containsKey(ProviderId.VONAGE)
                ? orEmpty(settings.vonage()).resolved("sms.vonage", usage.get(ProviderId.VONAGE), secrets)
                : null;
        SnsSettings sns = usage.containsKey(ProviderId.SNS)
                ? orEmpty(settings.sns()).resolved("sms.sns", usage.get(ProviderId.SNS), secrets)
                : null;
        return new Plan(
                settings,
                List.copyOf(defaultIds),
                Map.copyOf(routeIds),
                Set.copyOf(usage.keySet()),
                retry,
                formatter,
                testNumbers,
                twilio,
                gateway,
                vonage,
                sns);
    }

    /** Builds the stack from validated settings; starts its threads and clients, and checks nothing more. */
    public static SmsStack build(Plan plan, Clock clock, MeterRegistry registry) {
        return build(plan, clock, registry, Hooks.NONE);
    }

    /** Builds the stack from validated settings, with the server's hooks; checks nothing more. */
    public static SmsStack build(Plan plan, Clock clock, MeterRegistry registry, Hooks hooks) {
        Objects.requireNonNull(plan, "plan cannot be null");
        Objects.requireNonNull(hooks, "hooks cannot be null");
        Objects.requireNonNull(clock, "clock cannot be null");
        Objects.requireNonNull(registry, "registry cannot be null");
        SmsSettings settings = plan.settings;
        List<ProviderId> defaultIds = plan.defaultIds;
        Map<Integer, List<ProviderId>> routeIds = plan.routeIds;
        RetryPolicy retry = plan.retry;
        MessageFormatter formatter = plan.formatter;
        TestNumbers testNumbers = plan.testNumbers;
        TwilioSettings twilio = plan.twilio;
        HttpGatewaySettings gateway = plan.gateway;
        VonageSettings vonage = plan.vonage;
        SnsSettings sns = plan.sns;

        List<AutoCloseable> resources = new ArrayList<>();
        ExecutorService completion =
                Executors.newFixedThreadPool(COMPLETION_THREADS, daemonThreads("phonepass-sms-io"));
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(daemonThreads("phonepass-sms-retry"));
        Map<ProviderId, SmsProvider> providers = new EnumMap<>(ProviderId.class);
        DevSmsInbox devInbox = null;
        try {
            if (plan.used.contains(ProviderId.DEV)) {
                devInbox = new DevSmsInbox(clock, settings.dev().capacity());
                providers.put(ProviderId.DEV, devInbox);
            }
            if (twilio != null) {
                providers.put(
                        ProviderId.TWILIO,
                        new TwilioSmsProvider(
                                twilio,
                                new VendorHttp(
                                        TwilioSmsProvider.ID,
                                        "Twilio",
                                        twilio.connectTimeout(),
                                        twilio.timeout(),
                                        completion),
                                hooks.twilioSender()));
            }
            if (gateway != null) {
                providers.put(
                        ProviderId.HTTP_GATEWAY,
                        new HttpGatewaySmsProvider(
                                gateway,
                                new VendorHttp(
                                        HttpGatewaySmsProvider.ID,
                                        "The SMS gateway",
                                        gateway.connectTimeout(),
                                        gateway.timeout(),
                                        completion),
                                clock));
            }
            if (vonage != null) {
                providers.put(
                        ProviderId.VONAGE,
                        new VonageSmsProvider(
                                vonage,
                                new VendorHttp(
                                        VonageSmsProvider.ID,
                                        "Vonage",
                                        vonage.connectTimeout(),
                                        vonage.timeout(),
                                        completion)));
            }
            if (sns != null) {
                SnsSmsProvider snsProvider = new SnsSmsProvider(SnsSmsProvider.ID, sns, completion);
                resources.add(snsProvider);
                providers.put(ProviderId.SNS, snsProvider);
            }
        } catch (RuntimeException e) {
            resources.forEach(SmsProviders::closeQuietly);
            completion.shutdownNow();
            scheduler.shutdownNow();
            throw e;
        }
        resources.add(scheduler::shutdownNow);
        resources.add(completion::shutdownNow);

        Map<Integer, List<SmsProvider>> byCode = new HashMap<>();
        routeIds.forEach(
                (code, ids) -> byCode.put(code, ids.stream().map(providers::get).toList()));
        Routing routing = new Routing(defaultIds.stream().map(providers::get).toList(), byCode);
        SmsProvider delivery = new ResilientSmsProvider(
                routing,
                retry,
                id -> new CircuitBreaker(
                        settings.circuitBreaker().failureThreshold(),
                        settings.circuitBreaker().openDuration(),
                        clock),
                scheduler,
                clock,
                new SmsMetrics(registry, hooks.attempts()),
                () -> ThreadLocalRandom.current().nextDouble());
        SmsProvider formatted = new FormattingSmsProvider(formatter, delivery);
        SmsProvider outer =
                testNumbers.isEmpty() ? formatted : new TestNumberSmsProvider(testNumbers, formatted, clock);
        return new SmsStack(outer, devInbox, testNumbers, formatter, resources);
    }

    /** Unknown ids cannot reach here (binding refuses them); an empty entry ({@code [~]}) can. */
    private static void checkIds(String key, List<ProviderId> ids, Map<ProviderId, String> usage) {
        for (ProviderId id : ids) {
            if (id == null) {
                throw new IllegalArgumentException(key + " has an empty entry; known providers: "
                        + Arrays.stream(ProviderId.values()).map(ProviderId::id).collect(Collectors.joining(", ")));
            }
            usage.putIfAbsent(id, key.equals("sms.provider") ? "sms.provider is " + id : key + " lists " + id);
        }
    }

    private static void requireDistinct(String key, List<ProviderId> ids) {
        if (new LinkedHashSet<>(ids).size() != ids.size()) {
            throw new IllegalArgumentException(
                    key + " names a provider twice" + (key.equals("sms.failover") ? " (or repeats sms.provider)" : ""));
        }
    }

    private static TwilioSettings orEmpty(TwilioSettings s) {
        return s != null ? s : new TwilioSettings(null, null, null, null, null, null, null, null, null);
    }

    private static HttpGatewaySettings orEmpty(HttpGatewaySettings s) {
        return s != null
                ? s
                : new HttpGatewaySettings(null, null, null, null, null, null, null, null, null, null, null);
    }

    private static VonageSettings orEmpty(VonageSettings s) {
        return s != null ? s : new VonageSettings(null, null, null, null, null, null);
    }

    private static SnsSettings orEmpty(SnsSettings s) {
        return s != null ? s : new SnsSettings(null, null, null, null, null, null, null, null, null, null);
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Start-up already failed; the first error is the one worth reporting.
        }
    }
}
