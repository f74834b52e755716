package org.phonepass.server.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.phonepass.core.client.ClientSecrets;
import org.phonepass.core.client.GrantType;
import org.phonepass.core.config.Durations;
import org.phonepass.core.otp.CodeGenerator;
import org.phonepass.core.otp.CodeHasher;
import org.phonepass.core.sms.MessageFormatter;
import org.phonepass.core.sms.MessageTemplate;
import org.phonepass.core.token.Scopes;
import org.phonepass.server.management.ManagementScopes;
import org.phonepass.sms.SmsProviders;
import org.phonepass.sms.config.Secrets;
import org.phonepass.store.keys.MasterKeyRing;

/**
 * Every check of values that parse but make no sense, for every section, run once by {@link ConfigLoader} before
 * anything starts: the server's own keys here, the {@code sms:} delivery keys through {@link SmsProviders#validate}
 * and the {@code limits:} keys through {@link org.phonepass.limits.LimitsSettings#validate()}. Each message names the
 * key and what it accepts. A new key's range check goes here (or in its module's validate method).
 */
final class SettingsValidator {
    private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9._\\-]{1,128}$");
    /** A scope token (RFC 6749 §3.3): printable ASCII except space, quote and backslash. */
    private static final Pattern SCOPE = Pattern.compile("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$");

    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,3}(-[a-z0-9]{2,8})*$");
    private final Settings s;

    SettingsValidator(Settings settings) {
        this.s = settings;
    }

    void validate() {
        port("https_port", s.httpsPort());
        if (s.httpPort() != null) {
            port("http_port", s.httpPort());
        }
        url("public_url", s.publicUrl(), true);
        if ((s.tls().certFile() == null) != (s.tls().keyFile() == null)) {
            throw new ConfigException("tls.cert_file and tls.key_file go together: set both");
        }
        port("dev.sample_app_port", s.dev().sampleAppPort());
        if (s.http().maxBodyBytes() < 1024 || s.http().maxBodyBytes() > 1024 * 1024) {
            fail("http.max_body_bytes", s.http().maxBodyBytes(), "a number of bytes from 1024 to 1048576");
        }
        if (s.http().maxThreads() < 16 || s.http().maxThreads() > 4096) {
            fail("http.max_threads", s.http().maxThreads(), "a number of threads from 16 to 4096");
        }
        if (s.http().idleTimeout().compareTo(Duration.ofSeconds(1)) < 0
                || s.http().idleTimeout().compareTo(Duration.ofMinutes(10)) > 0) {
            fail("http.idle_timeout", s.http().idleTimeout(), "a duration from 1s to 10m");
        }
        if (s.http().maxConnectionsPerAddress() < 2 || s.http().maxConnectionsPerAddress() > 100_000) {
            fail("http.max_connections_per_address", s.http().maxConnectionsPerAddress(), "a number from 2 to 100000");
        }
        if (s.http().headerTimeout().compareTo(Duration.ofSeconds(1)) < 0
                || s.http().headerTimeout().compareTo(Duration.ofMinutes(5)) > 0) {
            fail("http.header_timeout", s.http().headerTimeout(), "a duration from 1s to 5m");
        }
        if (s.http().managementPort() != null) {
            port("http.management_port", s.http().managementPort());
        }
        if (s.storage().isPostgres()
                && (s.storage().url() == null || s.storage().url().isBlank())) {
            throw new ConfigException("storage.url is required when storage.type is postgres, for example "
                    + "jdbc:postgresql://db.internal:5432/phonepass (env PHONEPASS_STORAGE_URL)");
        }
        if (s.storage().poolSize() < 1 || s.storage().poolSize() > 200) {
            fail("storage.pool_size", s.storage().poolSize(), "a number from 1 to 200");
        }
        if (s.storage().auditRetention().compareTo(Duration.ofDays(1)) < 0) {
            fail(
                    "storage.audit_retention",
                    Durations.format(s.storage().auditRetention()),
                    "a duration of at least 1d");
        }
        positive("session.idle_lifetime", s.session().idleLifetime());
        positive("session.absolute_lifetime", s.session().absoluteLifetime());
        if (s.session().idleLifetime().compareTo(s.session().absoluteLifetime()) > 0) {
            fail(
                    "session.idle_lifetime",
                    Durations.format(s.session().idleLifetime()),
                    "a duration no longer than session.absolute_lifetime");
        }
        if (s.session().loginLifetime().compareTo(Duration.ofMinutes(1)) < 0
                || s.session().loginLifetime().compareTo(Duration.ofDays(1)) > 0) {
            fail("session.login_lifetime", Durations.format(s.session().loginLifetime()), "a duration from 1m to 1d");
        }
        validateSms(s.sms());
        try {
            // The delivery part: providers, routes, retry, breaker, message, test numbers and each vendor's keys.
            // Secrets were resolved by the loader already. What production mode refuses on top (the dev inbox,
            // test numbers) is checked as the server starts, with the other production refusals.
            SmsProviders.Plan sms = SmsProviders.validate(s.sms().delivery(), Secrets.RESOLVED, false);
            segments(sms.formatter());
            s.limits().validate();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        secrets();
        if (s.redis().url() != null && !s.redis().url().matches("^(redis|rediss|redis-sentinel)://.+")) {
            fail("redis.url", "(hidden)", "a redis://, rediss:// or redis-sentinel:// URL");
        }
        if (s.redis().url() != null && !s.storage().isPostgres()) {
            // Redis is for state several nodes share, and the embedded store cannot be shared: behind a load
            // balancer, codes in Redis would work on every node while each node kept users and tokens of its own.
            throw new ConfigException("redis.url is set but storage.type is embedded: Redis shares codes and limits "
                    + "between nodes, which needs storage.type: postgres; remove redis.url for a single node");
        }
        Set<String> apis = new HashSet<>();
        for (int i = 0; i < s.apis().size(); i++) {
            Settings.Api api = s.apis().get(i);
            if (api.identifier() == null || api.identifier().isBlank()) {
                throw new ConfigException("apis[" + i + "].identifier is required (the audience value, "
                        + "for example https://api.example.com/)");
            }
            if (api.identifier().equals(ManagementScopes.audience(s.issuer()))
                    || api.identifier().equals(ManagementScopes.GRANT_AUDIENCE)) {
                throw new ConfigException("apis[" + i + "].identifier '" + api.identifier() + "' is the built-in "
                        + "Management API; grant it with api_grants audience: management (docs/management.md)");
            }
            if (!apis.add(api.identifier())) {
                throw new ConfigException("apis[" + i + "].identifier '" + api.identifier() + "' is listed twice");
            }
            positive("apis[" + i + "].access_token_lifetime", api.accessTokenLifetime());
            Set<String> defined = new HashSet<>();
            for (int j = 0; j < api.scopes().size(); j++) {
                String key = "apis[" + i + "].scopes[" + j + "]";
                String scope = api.scopes().get(j);
                if (scope == null || !SCOPE.matcher(scope).matches()) {
                    fail(
                            key,
                            scope,
                            "one scope token: printable ASCII without spaces, quotes or backslashes, "
                                    + "for example read:orders");
                }
                if (Scopes.OIDC.contains(scope)) {
                    throw new ConfigException(key + " '" + scope + "' is an OpenID Connect scope, which every token "
                            + "may carry anyway; list only the API's own scopes");
                }
                if (!defined.add(scope)) {
                    throw new ConfigException(key + " '" + scope + "' is listed twice");
                }
            }
        }
        validateClients();
        validateHosted();
        validateAdmin(s.admin());
        for (int i = 0; i < s.clients().size(); i++) {
            if ("phonepass-admin-console".equals(s.clients().get(i).clientId())) {
                throw new ConfigException("clients[" + i + "].client_id 'phonepass-admin-console' is reserved for the "
                        + "admin console's own sign-in client; choose another id");
            }
        }
        String country = s.geoloc().defaultCountry();
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(country)) {
            fail("geoloc.default_country", country, "an ISO 3166 alpha-2 code such as US or GB");
        }
        for (int i = 0; i < s.http().trustedProxies().size(); i++) {
            try {
                org.phonepass.server.http.IpRange.parse(
                        s.http().trustedProxies().get(i));
            } catch (IllegalArgumentException e) {
                fail(
                        "http.trusted_proxies[" + i + "]",
                        s.http().trustedProxies().get(i),
                        "an IP address or CIDR range such as 10.0.0.0/8");
            }
        }
    }

    /**
     * Each template, rendered with the worst case this deployment can produce (the longest code, application name
     * and lifetime), must fit {@code sms.message.max_segments}.
     */
    private void segments(MessageFormatter formatter) {
        Settings.Sms sms = s.sms();
        String longestName = s.isProduction() ? "" : Settings.Dev.CLIENT_NAME;
        for (ClientSettings c : s.clients()) {
            if (c.name() != null && c.name().length() > longestName.length()) {
                longestName = c.name();
            }
        }
        Map<String, String> sample = MessageFormatter.sampleVariables(
                sms.codeLength(), longestName, Math.max(1, sms.codeTtl().toMinutes()));
        formatter.requireWithinLimit("sms.template", MessageTemplate.parse(sms.template()), sample);
        sms.templates()
                .forEach((lang, t) -> formatter.requireWithinLimit(
                        "sms.templates." + lang.toLowerCase(Locale.ROOT), MessageTemplate.parse(t), sample));
    }

    /** The keys' form, so that a bad key stops the load rather than the start. */
    private void secrets() {
        String hmac = s.secrets().codeHmacKey();
        if (hmac != null) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(hmac.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("secrets.code_hmac_key is not valid base64 (openssl rand -base64 32)");
            }
            if (key.length < CodeHasher.MIN_KEY_BYTES) {
                throw new ConfigException("secrets.code_hmac_key must hold at least " + CodeHasher.MIN_KEY_BYTES
                        + " bytes (base64 of 32 random bytes: openssl rand -base64 32)");
            }
        }
        if (s.secrets().masterKey() != null) {
            try {
                MasterKeyRing.parse(s.secrets().masterKey());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("secrets.master_key: " + e.getMessage());
            }
        }
    }

    private void validateSms(Settings.Sms sms) {
        if (sms.codeLength() < CodeGenerator.MIN_LENGTH || sms.codeLength() > CodeGenerator.MAX_LENGTH) {
            fail("sms.code_length", sms.codeLength(), "a number from 4 to 10");
        }
        // OWASP ASVS 4.0.3 item 2.7.2: out-of-band codes expire after 10 minutes at most.
        if (sms.codeTtl().compareTo(Duration.ofSeconds(30)) < 0
                || sms.codeTtl().compareTo(Duration.ofMinutes(10)) > 0) {
            fail("sms.code_ttl", Durations.format(sms.codeTtl()), "a duration from 30s to 10m");
        }
        if (sms.maxAttempts() < 1 || sms.maxAttempts() > 10) {
            fail("sms.max_attempts", sms.maxAttempts(), "a number from 1 to 10");
        }
        if (sms.keepPreviousCodes() < 0 || sms.keepPreviousCodes() > 5) {
            fail("sms.keep_previous_codes", sms.keepPreviousCodes(), "a number from 0 to 5");
        }
        template("sms.template", sms.template());
        for (Map.Entry<String, String> e : sms.templates().entrySet()) {
            if (!LANGUAGE.matcher(e.getKey().toLowerCase(Locale.ROOT)).matches()) {
                fail("sms.templates." + e.getKey(), e.getKey(), "a language tag such as es or pt-br");
            }
            template("sms.templates." + e.getKey(), e.getValue());
        }
        if (sms.defaultRegion() != null
                && !PhoneNumberUtil.getInstance().getSupportedRegions().contains(sms.defaultRegion())) {
            fail("sms.default_region", sms.defaultRegion(), "an ISO 3166 alpha-2 code such as US, or no value");
        }
    }

    private void validateClients() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < s.clients().size(); i++) {
            ClientSettings c = s.clients().get(i);
            String key = "clients[" + i + "]";
            if (c.clientId() == null || !CLIENT_ID.matcher(c.clientId()).matches()) {
                fail(key + ".client_id", c.clientId(), "1 to 128 letters, digits, '.', '_' or '-'");
            }
            if (!ids.add(c.clientId())) {
                throw new ConfigException(key + ".client_id '" + c.clientId() + "' is used by two clients");
            }
            for (int j = 0; j < c.allowedOrigins().size(); j++) {
                origin(key + ".allowed_origins[" + j + "]", c.allowedOrigins().get(j));
            }
            for (int j = 0; j < c.callbacks().size(); j++) {
                url(key + ".callbacks[" + j + "]", c.callbacks().get(j), false);
            }
            for (int j = 0; j < c.allowedLogoutUrls().size(); j++) {
                url(
                        key + ".allowed_logout_urls[" + j + "]",
                        c.allowedLogoutUrls().get(j),
                        false);
            }
            if (c.clientSecretHash() != null && !ClientSecrets.isHash(c.clientSecretHash())) {
                fail(
                        key + ".client_secret_hash",
                        "(hidden)",
                        "sha256: followed by 64 hex digits (run: java -jar phonepass.jar hash-secret)");
            }
            if (c.clientSecret() != null && c.clientSecret().length() < 32) {
                throw new ConfigException(key + ".client_secret is too short: use at least 32 random characters");
            }
            if (c.trustAuth0ForwardedFor() && c.clientSecret() == null && c.clientSecretHash() == null) {
                throw new ConfigException(key + ".trust_auth0_forwarded_for is only for confidential clients: "
                        + "a public client's header could be written by anyone");
            }
            if (c.clientSecret() != null && c.clientSecretHash() != null) {
                throw new ConfigException(key + ": set client_secret or client_secret_hash, not both");
            }
            boolean confidential = c.clientSecret() != null || c.clientSecretHash() != null;
            if (c.grants().contains(GrantType.CLIENT_CREDENTIALS) && !confidential) {
                throw new ConfigException(key + ".grants: client_credentials is for confidential clients only; give "
                        + "the client a client_secret or client_secret_hash (docs/management.md#access)");
            }
            validateApiGrants(key, c.apiGrants());
            validateCrossOrigin(key, c);
            positive(key + ".id_token_lifetime", c.idTokenLifetime());
            positive(key + ".access_token_lifetime", c.accessTokenLifetime());
            positive(key + ".refresh_token_lifetime", c.refreshTokenLifetime());
        }
    }

    /**
     * Cross-origin authentication needs an origin to log in from, and the verification page must be a page of one of
     * them: the server frames it and takes the verifier it posts back from that origin only.
     */
    private void validateCrossOrigin(String key, ClientSettings c) {
        if (c.crossOriginAuthentication() && c.allowedOrigins().isEmpty()) {
            throw new ConfigException(key + ".cross_origin_authentication needs at least one allowed_origins entry: "
                    + "only pages on those origins may log in cross-origin");
        }
        if (c.crossOriginLoc() == null) {
            return;
        }
        url(key + ".cross_origin_loc", c.crossOriginLoc(), false);
        String origin;
        try {
            URI uri = new URI(c.crossOriginLoc());
            origin = uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (URISyntaxException e) {
            origin = null;
        }
        if (origin == null || !c.allowedOrigins().contains(origin)) {
            fail(key + ".cross_origin_loc", c.crossOriginLoc(), "a page on one of the client's allowed_origins");
        }
    }

    /**
     * Each grant names a configured API and only scopes that API defines. The audiences known here are the
     * configured APIs and the built-in Management API, named {@code management} (docs/management.md#scopes).
     */
    private void validateApiGrants(String clientKey, List<ClientSettings.ApiGrant> grants) {
        Set<String> audiences = new HashSet<>();
        for (int j = 0; j < grants.size(); j++) {
            ClientSettings.ApiGrant grant = grants.get(j);
            String key = clientKey + ".api_grants[" + j + "]";
            Settings.Api api = ManagementScopes.GRANT_AUDIENCE.equals(grant.audience())
                    ? new Settings.Api(grant.audience(), "Management API", null, null, ManagementScopes.ALL)
                    : s.apis().stream()
                            .filter(a -> a.identifier().equals(grant.audience()))
                            .findFirst()
                            .orElse(null);
            if (api == null) {
                throw new ConfigException(
                        key + ".audience '" + grant.audience() + "' is not the identifier of any " + "entry in apis");
            }
            if (!audiences.add(grant.audience())) {
                throw new ConfigException(key + ".audience '" + grant.audience() + "' is granted twice; "
                        + "list all its scopes in one grant");
            }
            for (int k = 0; k < grant.scopes().size(); k++) {
                String scope = grant.scopes().get(k);
                if (!api.scopes().contains(scope)) {
                    throw new ConfigException(key + ".scopes[" + k + "] '" + scope + "' is not defined by the API "
                            + grant.audience() + "; add it to that API's scopes first");
                }
            }
        }
    }

    private static void template(String key, String source) {
        try {
            MessageTemplate.parse(source);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    private static void port(String key, int port) {
        if (port < 0 || port > 65535) {
            fail(key, port, "a port from 1 to 65535 (0 picks a free port)");
        }
    }

    private static void positive(String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            fail(key, Durations.format(d), "a positive duration");
        }
    }

    /** The hosted login pages' branding (docs/hosted-login.md#branding). */
    private void validateHosted() {
        Settings.Hosted h = s.hosted();
        if (h.productName().isBlank() || h.productName().length() > 60) {
            fail("hosted.product_name", h.productName(), "1 to 60 characters");
        }
        if (!org.phonepass.server.hosted.Contrast.isHexColour(h.primaryColor())) {
            fail("hosted.primary_color", h.primaryColor(), "a colour written #rrggbb, such as #1d4ed8");
        }
        double ratio = org.phonepass.server.hosted.Contrast.ratio(
                h.primaryColor(), org.phonepass.server.hosted.Contrast.BUTTON_TEXT);
        if (ratio < org.phonepass.server.hosted.Contrast.AA_TEXT) {
            throw new ConfigException(String.format(
                    java.util.Locale.ROOT,
                    "bad value '%s' for 'hosted.primary_color': white button text on it has a contrast of %.2f:1, "
                            + "below the 4.5:1 that WCAG 2.2 AA requires; choose a darker colour",
                    h.primaryColor(),
                    ratio));
        }
        if (h.logoUrl() != null) {
            logoUrl("hosted.logo_url", h.logoUrl(), true);
        }
        if (h.logoFile() != null) {
            java.nio.file.Path file = java.nio.file.Path.of(h.logoFile());
            String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (!name.matches(".*\\.(png|svg|webp|jpe?g)$")) {
                fail("hosted.logo_file", h.logoFile(), "a .png, .svg, .webp or .jpg file");
            }
            try {
                if (java.nio.file.Files.size(file) > 256 * 1024) {
                    fail("hosted.logo_file", h.logoFile(), "a file of at most 256 KiB");
                }
            } catch (java.io.IOException e) {
                fail("hosted.logo_file", h.logoFile(), "a readable file (" + e.getMessage() + ")");
            }
        }
        if (h.resendAfter().compareTo(Duration.ofSeconds(5)) < 0
                || h.resendAfter().compareTo(Duration.ofMinutes(10)) > 0) {
            fail("hosted.resend_after", h.resendAfter(), "between 5s and 10m");
        }
        url("hosted.bot_check_script_url", h.botCheckScriptUrl(), false);
        if (Boolean.TRUE.equals(s.limits().botCheck().enabled())
                && (h.botCheckSiteKey() == null || h.botCheckSiteKey().isBlank())) {
            throw new ConfigException("hosted.bot_check_site_key is required when limits.bot_check.enabled is true: "
                    + "the hosted login page shows the bot-check widget with it");
        }
        if (h.botCheckSiteKey() != null && !h.botCheckSiteKey().matches("^[A-Za-z0-9_.\\-]{1,100}$")) {
            fail("hosted.bot_check_site_key", h.botCheckSiteKey(), "the widget's public site key");
        }
        for (int i = 0; i < s.clients().size(); i++) {
            String logo = s.clients().get(i).logoUri();
            if (logo != null) {
                logoUrl("clients[" + i + "].logo_uri", logo, false);
            }
        }
    }

    /** A logo's address: https (http for localhost), or a path on this server when {@code pathAllowed}. */
    private static void logoUrl(String key, String value, boolean pathAllowed) {
        if (pathAllowed && value.startsWith("/") && !value.startsWith("//") && !value.contains("\\")) {
            return;
        }
        try {
            URI uri = new URI(value);
            boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
            if (uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || !("https".equals(uri.getScheme()) || (local && "http".equals(uri.getScheme())))) {
                throw new URISyntaxException(value, "not https");
            }
        } catch (URISyntaxException e) {
            fail(key, value, pathAllowed ? "an https URL or a path on this server such as /logo.svg" : "an https URL");
        }
    }

    private static void url(String key, String value, boolean originOnly) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL");
            }
            if (originOnly
                    && uri.getRawPath() != null
                    && !uri.getRawPath().isEmpty()
                    && !uri.getRawPath().equals("/")) {
                throw new URISyntaxException(value, "has a path");
            }
        } catch (URISyntaxException e) {
            fail(
                    key,
                    value,
                    originOnly
                            ? "an https URL without a path, such as https://login.example.com"
                            : "an absolute http(s) URL");
        }
    }

    private static void origin(String key, String value) {
        try {
            URI uri = new URI(value);
            boolean ok = uri.getScheme() != null
                    && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null;
            if (!ok) {
                throw new URISyntaxException(value, "not an origin");
            }
        } catch (URISyntaxException e) {
            fail(
                    key,
                    value,
                    "an origin: scheme, host and optional port, no path or trailing slash "
                            + "(for example http://localhost:3000)");
        }
    }

    /** The console's admins, session lifetimes and SMS price table (docs/management.md#console). */
    private static void validateAdmin(Settings.Admin admin) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < admin.phoneNumbers().size(); i++) {
            String key = "admin.phone_numbers[" + i + "]";
            String number = admin.phoneNumbers().get(i);
            boolean valid;
            try {
                valid = number != null
                        && E164.matcher(number).matches()
                        && util.isValidNumber(util.parse(number, null))
                        && util.format(util.parse(number, null), PhoneNumberUtil.PhoneNumberFormat.E164)
                                .equals(number);
            } catch (com.google.i18n.phonenumbers.NumberParseException e) {
                valid = false;
            }
            if (!valid) {
                fail(key, number, "a valid phone number in E.164 form, for example +447400123456");
            }
            if (!seen.add(number)) {
                throw new ConfigException(key + " '" + number + "' is listed twice");
            }
        }
        Duration idle = admin.sessionIdleTimeout();
        if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(Duration.ofHours(2)) > 0) {
            fail("admin.session_idle_timeout", Durations.format(idle), "a duration from 1m to 2h");
        }
        Duration max = admin.sessionMaxLifetime();
        if (max.compareTo(idle) < 0 || max.compareTo(Duration.ofHours(24)) > 0) {
            fail(
                    "admin.session_max_lifetime",
                    Durations.format(max),
                    "a duration from admin.session_idle_timeout to 24h");
        }
        if (!CURRENCY.matcher(admin.currency()).matches()) {
            fail("admin.currency", admin.currency(), "an ISO 4217 code of three capital letters, such as USD or EUR");
        }
        Set<String> regions = util.getSupportedRegions();
        admin.smsPrices().forEach((region, price) -> {
            String key = "admin.sms_prices." + region;
            if (!Settings.Admin.DEFAULT_PRICE.equals(region) && !regions.contains(region)) {
                throw new ConfigException("unknown region '" + region + "' in admin.sms_prices: keys are ISO 3166 "
                        + "alpha-2 codes such as GB or US, or default");
            }
            if (price == null
                    || price.signum() < 0
                    || price.compareTo(java.math.BigDecimal.TEN) > 0
                    || price.scale() > 6) {
                fail(key, price, "the price of one SMS segment, from 0 to 10 with at most 6 decimals");
            }
        });
    }

    private static void fail(String key, Object value, String accepted) {
        throw new ConfigException("bad value '" + value + "' for '" + key + "': " + accepted);
    }
}
