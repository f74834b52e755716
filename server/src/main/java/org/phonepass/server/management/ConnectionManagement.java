package org.phonepass.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.phonepass.core.abuse.AuditEvent;
import org.phonepass.core.abuse.AuditLog;
import org.phonepass.core.client.ClientRegistry;
import org.phonepass.core.login.OtpSettings;
import org.phonepass.core.sms.MessageFormatter;
import org.phonepass.core.sms.MessageTemplate;
import org.phonepass.sms.twilio.TwilioSender;
import org.phonepass.store.sql.JdbcConnectionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one SMS connection through the management API (docs/management.md#the-sms-connection), with Auth0's
 * {@code sms} options. What is changed here is stored in the database over the settings file's values, and every
 * node reads it within a second: this class is also the {@code Supplier<OtpSettings>} that the login and start
 * services ask at each request, and the source of the Twilio sender that the running Twilio provider asks at each
 * message ({@link #twilioSender}). Secrets are never part of the connection's options: the provider's credentials
 * stay in the settings file.
 */
public final class ConnectionManagement implements Supplier<OtpSettings> {
    /** The connection's id; Auth0's look like {@code con_...}. */
    public static final String ID = "con_sms";

    public static final String NAME = "sms";
    static final Set<String> OPTION_FIELDS = Set.of(
            "template",
            "syntax",
            "totp",
            "disable_signup",
            "brute_force_protection",
            "from",
            "messaging_service_sid",
            "name",
            "strategy");
    static final Set<String> TOP_FIELDS = Set.of("options", "enabled_clients", "is_domain_connection", "metadata");
    private static final Logger log = LoggerFactory.getLogger(ConnectionManagement.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final int MIN_LENGTH = 4;
    private static final int MAX_LENGTH = 10;
    private static final long MIN_STEP = 30;
    private static final long MAX_STEP = 600;

    private final OtpSettings base;
    private final TwilioSender twilio;
    private final String provider;
    private final JdbcConnectionSettings store;
    private final MessageFormatter formatter;
    private final ClientRegistry clients;
    private final AuditLog audit;
    private final Clock clock;
    private final Rechecked<Live> live;

    /** The settings in force, the Twilio sender in force (null without Twilio), and the stored options they came from. */
    private record Live(long version, OtpSettings settings, TwilioSender sender, Map<String, Object> stored) {}

    /**
     * @param base      the settings file's code rules and templates
     * @param twilio    the Twilio sender in the settings file when a route uses Twilio, else null: then the sender
     *                  belongs to the provider in use and cannot be changed here
     * @param provider  the id of {@code sms.provider}, named when a sender change is refused
     * @param formatter checks a new template against the segment limit, as the settings file's are
     * @param checker   the thread that checks the store for changes made through other nodes, shut down by the caller
     */
    public ConnectionManagement(
            OtpSettings base,
            TwilioSender twilio,
            String provider,
            JdbcConnectionSettings store,
            MessageFormatter formatter,
            ClientRegistry clients,
            AuditLog audit,
            Clock clock,
            ScheduledExecutorService checker) {
        this.base = Objects.requireNonNull(base, "base cannot be null");
        this.twilio = twilio;
        this.provider = Objects.requireNonNull(provider, "provider cannot be null");
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.formatter = Objects.requireNonNull(formatter, "formatter cannot be null");
        this.clients = Objects.requireNonNull(clients, "clients cannot be null");
        this.audit = Objects.requireNonNull(audit, "audit cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        this.live = new Rechecked<>(
                "the connection settings",
                load(),
                l -> store.version() == l.version() ? l : load(),
                Objects.requireNonNull(checker, "checker cannot be null"),
                RECHECK);
    }

    /** The code rules in force on this node, at most a second behind a change made on another node. */
    @Override
    public OtpSettings get() {
        return current().settings();
    }

    /**
     * The Twilio sender in force on this node, at most a second behind a change made on another node; null when no
     * route uses Twilio. The running Twilio provider asks it at each message.
     */
    public TwilioSender twilioSender() {
        return current().sender();
    }

    /** Whether the sender can be changed here: only Twilio's is (docs/management.md#the-sms-connection). */
    public boolean senderChangeable() {
        return twilio != null;
    }

    /** The id of the provider in use ({@code sms.provider}). */
    public String provider() {
        return provider;
    }

    private Live current() {
        return live.get();
    }

    /** The Auth0 connection object. */
    public Map<String, Object> connection() {
        Live l = current();
        OtpSettings s = l.settings();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("name", NAME);
        options.put("strategy", NAME);
        options.put("template", s.template().source());
        options.put("syntax", syntax(s.template().source()));
        options.put(
                "totp",
                Map.of("length", s.codeLength(), "time_step", s.codeTtl().toSeconds()));
        options.put("disable_signup", s.disableSignup());
        options.put("brute_force_protection", true);
        if (l.sender() != null && l.sender().from() != null) {
            options.put("from", l.sender().from());
        }
        if (l.sender() != null && l.sender().messagingServiceSid() != null) {
            options.put("messaging_service_sid", l.sender().messagingServiceSid());
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", ID);
        c.put("name", NAME);
        c.put("strategy", NAME);
        c.put("display_name", "SMS");
        c.put("is_domain_connection", false);
        c.put("realms", List.of(NAME));
        c.put(
                "enabled_clients",
                clients.all().stream().map(x -> x.clientId()).sorted().toList());
        c.put("options", options);
        return c;
    }

    /**
     * Applies an Auth0 connection PATCH body ({@code {"options": {...}}}): {@code template}, {@code syntax},
     * {@code totp.length}, {@code totp.time_step}, {@code disable_signup}, and Twilio's sender: {@code from} (an
     * E.164 number) or {@code messaging_service_sid} ({@code MG} and 32 hexadecimal digits), exactly one in force.
     * {@code brute_force_protection} cannot be turned off. With another provider than Twilio the sender is that
     * provider's, set in its settings, and a sender in the body is refused ({@code operation_not_supported}).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> update(String id, Map<String, Object> body, String actingClientId) {
        requireId(id);
        for (String key : body.keySet()) {
            if (!TOP_FIELDS.contains(key)) {
                throw invalid("Additional properties not allowed: " + abbreviate(key));
            }
        }
        if (body.containsKey("enabled_clients")
                || body.containsKey("is_domain_connection")
                || body.containsKey("metadata")) {
            throw invalid("only options can be changed on the sms connection");
        }
        if (!(body.get("options") instanceof Map<?, ?> raw)) {
            throw invalid("'options' must be an object");
        }
        Map<String, Object> options = (Map<String, Object>) raw;
        for (String key : options.keySet()) {
            if (!OPTION_FIELDS.contains(key)) {
                throw invalid("Additional properties not allowed: options." + abbreviate(key));
            }
        }
        Live now = current();
        Map<String, Object> stored = new LinkedHashMap<>(now.stored());
        OtpSettings current = now.settings();
        String template = current.template().source();
        if (options.containsKey("template")) {
            if (!(options.get("template") instanceof String t) || t.isEmpty() || t.length() > 1_000) {
                throw invalid("options.template must be a string of 1 to 1000 characters");
            }
            template = t;
        }
        if (options.containsKey("syntax")) {
            Object syntax = options.get("syntax");
            if (!"md_with_macros".equals(syntax) && !"liquid".equals(syntax)) {
                throw invalid("options.syntax must be md_with_macros or liquid");
            }
        }
        int length = current.codeLength();
        long step = current.codeTtl().toSeconds();
        if (options.containsKey("totp")) {
            if (!(options.get("totp") instanceof Map<?, ?> totp)) {
                throw invalid("options.totp must be an object");
            }
            for (Object k : totp.keySet()) {
                if (!"length".equals(k) && !"time_step".equals(k)) {
                    throw invalid("Additional properties not allowed: options.totp." + abbreviate(String.valueOf(k)));
                }
            }
            if (totp.containsKey("length")) {
                length = (int) whole(totp.get("length"), "options.totp.length", MIN_LENGTH, MAX_LENGTH);
            }
            if (totp.containsKey("time_step")) {
                step = whole(totp.get("time_step"), "options.totp.time_step", MIN_STEP, MAX_STEP);
            }
        }
        boolean disableSignup = current.disableSignup();
        if (options.containsKey("disable_signup")) {
            if (!(options.get("disable_signup") instanceof Boolean b)) {
                throw invalid("options.disable_signup must be true or false");
            }
            disableSignup = b;
        }
        if (options.containsKey("brute_force_protection")
                && !Boolean.TRUE.equals(options.get("brute_force_protection"))) {
            throw invalid("options.brute_force_protection cannot be turned off: the wrong-code limits always apply");
        }
        TwilioSender sender = now.sender();
        boolean senderChanged = options.containsKey("from") || options.containsKey("messaging_service_sid");
        if (senderChanged) {
            sender = sender(options, now.sender());
        }
        MessageTemplate parsed;
        try {
            parsed = MessageTemplate.parse(template);
            formatter.requireWithinLimit(
                    "options.template",
                    parsed,
                    MessageFormatter.sampleVariables(length, longestClientName(), Math.max(1, step / 60)));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        stored.put("template", template);
        stored.put("length", length);
        stored.put("time_step", step);
        stored.put("disable_signup", disableSignup);
        if (senderChanged) {
            stored.put("from", sender.from());
            stored.put("messaging_service_sid", sender.messagingServiceSid());
        }
        try {
            store.save(NAME, JSON.writeValueAsString(stored), clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        live.set(load());
        try {
            audit.record(new AuditEvent(
                    clock.instant(),
                    AuditEvent.Type.CONNECTION_UPDATE,
                    actingClientId,
                    null,
                    null,
                    null,
                    AuditEvent.Outcome.SUCCESS,
                    "options="
                            + String.join(
                                    ",", options.keySet().stream().sorted().toList())));
        } catch (RuntimeException e) {
            // AuditLog's contract: a lost audit record never turns a request into an error.
        }
        return connection();
    }

    /**
     * The sender a PATCH asks for. Only Twilio's can change; a value equal to the one in force is always accepted
     * (a GET's options sent back), any other must be an E.164 number or a Messaging Service SID, and exactly one of
     * the two is in force afterwards: setting one drops the other, and removing one (null) needs the other.
     */
    private TwilioSender sender(Map<String, Object> options, TwilioSender inForce) {
        if (twilio == null || inForce == null) {
            throw ManagementException.badRequest(
                    "operation_not_supported",
                    "options.from and options.messaging_service_sid are Twilio's sender; the SMS provider in use ("
                            + provider + ") sends from what its own settings say (sms." + provider + ")");
        }
        String from = text(options, "from");
        String service = text(options, "messaging_service_sid");
        if (from != null && service != null) {
            throw invalid("set only one of options.from and options.messaging_service_sid: exactly one is the sender");
        }
        if (from == null && service == null) {
            throw invalid("the sender cannot be removed: set options.from or options.messaging_service_sid");
        }
        if (from != null && !from.equals(inForce.from()) && !TwilioSender.isNumber(from)) {
            throw invalid("options.from must be a phone number in E.164 form, such as +14155550100");
        }
        if (service != null
                && !service.equals(inForce.messagingServiceSid())
                && !TwilioSender.isMessagingServiceSid(service)) {
            throw invalid("options.messaging_service_sid must be MG followed by 32 hexadecimal digits");
        }
        // One given alone replaces the sender; the other one, not sent, goes.
        return new TwilioSender(from, service);
    }

    private static String text(Map<String, Object> options, String key) {
        Object v = options.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > 64) {
            throw invalid("options." + key + " must be a string or null");
        }
        return s.isEmpty() ? null : s;
    }

    public void requireId(String id) {
        if (!ID.equals(id)) {
            throw ManagementException.notFound("inexistent_connection", "The connection does not exist");
        }
    }

    private String longestClientName() {
        return clients.all().stream()
                .map(c -> c.name())
                .max(java.util.Comparator.comparingInt(String::length))
                .orElse("");
    }

    private Live load() {
        long version = store.version();
        Map<String, Object> stored =
                store.options(NAME).map(ConnectionManagement::parse).orElse(Map.of());
        TwilioSender sender = twilio;
        if (twilio != null && (stored.get("from") != null || stored.get("messaging_service_sid") != null)) {
            try {
                sender = new TwilioSender((String) stored.get("from"), (String) stored.get("messaging_service_sid"));
            } catch (RuntimeException e) {
                log.error("the stored Twilio sender is unreadable; the settings file's is used: {}", e.getMessage());
                sender = twilio;
            }
        }
        OtpSettings s = base;
        try {
            if (!stored.isEmpty()) {
                s = new OtpSettings(
                        ((Number) stored.getOrDefault("length", base.codeLength())).intValue(),
                        Duration.ofSeconds(((Number) stored.getOrDefault(
                                        "time_step", base.codeTtl().toSeconds()))
                                .longValue()),
                        base.maxAttempts(),
                        base.keepPreviousCodes(),
                        (Boolean) stored.getOrDefault("disable_signup", base.disableSignup()),
                        base.signupDisabledResponse(),
                        stored.containsKey("template")
                                ? MessageTemplate.parse((String) stored.get("template"))
                                : base.template(),
                        base.templatesByLanguage());
            }
        } catch (RuntimeException e) {
            log.error("the stored sms connection options are unreadable and are ignored: {}", e.getMessage());
            s = base;
        }
        return new Live(version, s, sender, stored);
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String syntax(String template) {
        return template.contains("{{") ? "liquid" : "md_with_macros";
    }

    private static long whole(Object v, String key, long min, long max) {
        if (!(v instanceof Number n)
                || n.doubleValue() != n.longValue()
                || n.longValue() < min
                || n.longValue() > max) {
            throw invalid(key + " must be a whole number from " + min + " to " + max);
        }
        return n.longValue();
    }

    private static ManagementException invalid(String message) {
        return ManagementException.badRequest("invalid_body", "Payload validation error: " + message + ".");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
