package org.phonepass.server;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.phonepass.limits.LimitsSettings;
import org.phonepass.server.config.ConfigException;
import org.phonepass.server.config.Settings;
import org.phonepass.server.http.IpRange;
import org.phonepass.server.tls.TlsMaterial;
import org.phonepass.sms.config.ProviderId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What production mode refuses, and what it warns about (docs/security.md, "Production mode: refused and warned").
 * Refused: development conveniences (the dev SMS inbox, a self-signed or generated certificate, secrets generated on
 * the spot) and settings that are unsafe (a key of one repeated value, one key used as both master and HMAC key, an
 * expired certificate or one for another host, every sending limit off, codes easy to guess, a proxy list that
 * trusts everyone or is missing behind a proxy). Warned: settings that are merely weak. Each message says how to fix
 * it.
 */
final class ProductionChecks {
    private static final Logger log = LoggerFactory.getLogger(ProductionChecks.class);
    /** A key with fewer different byte values than this is not random (all zero, one repeated character, ...). */
    static final int MIN_DISTINCT_KEY_BYTES = 8;
    /** Chance of guessing a code within its attempts at or above which production refuses to start. */
    static final double REFUSED_GUESS_CHANCE = 1e-3;
    /** Chance at or above which production warns. */
    static final double WEAK_GUESS_CHANCE = 1e-4;
    /** A certificate that expires sooner than this is warned about. */
    static final Duration CERTIFICATE_WARNING = Duration.ofDays(14);

    private ProductionChecks() {}

    /** Checks that need no I/O, run before anything is created; logs the warnings. */
    static void beforeStart(Settings s) {
        if (!s.isProduction()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        if (s.sms().provider() == ProviderId.DEV) {
            problems.add("sms.provider is 'dev', which only writes codes to the console and the dev inbox. "
                    + "Set sms.provider to a real provider (see docs/sms-providers.md).");
        }
        if (s.secrets().codeHmacKey() == null) {
            problems.add("no code HMAC key is set, and production mode does not generate one. Set "
                    + "PHONEPASS_CODE_HMAC_KEY (or secrets.code_hmac_key_file) to the base64 of 32 random bytes, "
                    + "for example the output of: openssl rand -base64 32. Every node must use the same key.");
        }
        if (s.secrets().masterKey() == null) {
            problems.add("no master key is set, so the signing keys would be stored unencrypted. Set "
                    + "PHONEPASS_MASTER_KEY (or secrets.master_key_file) to the base64 of 32 random bytes "
                    + "(openssl rand -base64 32); see docs/deployment.md for rotating it.");
        }
        keys(s, problems);
        boolean proxy = s.http().behindTlsProxy();
        boolean hasCert = (s.tls().certFile() != null && s.tls().keyFile() != null)
                || s.tls().pkcs12File() != null;
        if (!hasCert && !proxy) {
            problems.add("no TLS certificate is set. Set tls.cert_file and tls.key_file (PEM) or tls.pkcs12_file, "
                    + "or, behind a TLS-terminating proxy, set http.behind_tls_proxy: true and http_port.");
        }
        if (proxy && s.httpPort() == null) {
            problems.add("http.behind_tls_proxy is true but http_port is not set: the proxy needs a plain-HTTP port "
                    + "to forward to.");
        }
        if (s.httpPort() != null && !proxy) {
            problems.add("http_port serves plain HTTP, which production mode allows only behind a TLS proxy. "
                    + "Set http.behind_tls_proxy: true, or remove http_port.");
        }
        proxies(s, problems);
        if (!s.publicUrl().startsWith("https://")) {
            problems.add("public_url must start with https:// in production mode (Auth0's client libraries only "
                    + "speak HTTPS).");
        }
        if (s.clients().isEmpty()) {
            problems.add("no clients are configured; add at least one under clients: (dev mode adds a sample "
                    + "client, production mode does not).");
        }
        limits(s.limits(), problems);
        double chance = guessChance(s.sms());
        if (chance >= REFUSED_GUESS_CHANCE) {
            problems.add("codes are too easy to guess: " + s.sms().codeLength() + "-digit codes with "
                    + s.sms().maxAttempts() + " attempts" + keptCodes(s.sms()) + " give one guesser in "
                    + Math.round(1 / chance) + " a login. Use sms.code_length 6 (the default) or lower "
                    + "sms.max_attempts (docs/security.md, \"Guessing codes: the bound\").");
        }
        fail(problems);
        warnings(s).forEach(w -> log.warn("production mode: {}", w));
    }

    /** What is merely weak: production starts, and logs each of these as a warning. */
    static List<String> warnings(Settings s) {
        List<String> weak = new ArrayList<>();
        if (!s.isProduction()) {
            return weak;
        }
        double chance = guessChance(s.sms());
        if (chance >= WEAK_GUESS_CHANCE && chance < REFUSED_GUESS_CHANCE) {
            weak.add(s.sms().codeLength() + "-digit codes with " + s.sms().maxAttempts() + " attempts"
                    + keptCodes(s.sms()) + " give one guesser in " + Math.round(1 / chance)
                    + " a login; 6-digit codes with 3 attempts give one in 333333.");
        }
        Map<String, LimitsSettings.LimitRule> rules = sendLimits(s.limits());
        List<String> off = new ArrayList<>(rules.entrySet().stream()
                .filter(e -> !e.getValue().enabled())
                .map(e -> "limits." + e.getKey())
                .toList());
        if (!s.limits().verifyPerIp().enabled()) {
            off.add("limits.verify_per_ip");
        }
        if (!s.limits().wrongCodesPerPhone().enabled()) {
            off.add("limits.wrong_codes_per_phone");
        }
        if (!s.limits().pumping().enabled()) {
            off.add("limits.pumping");
        }
        if (!off.isEmpty()) {
            weak.add("these abuse limits are off: " + String.join(", ", off)
                    + " (docs/security.md explains each default).");
        }
        return weak;
    }

    /** Checks on the loaded certificate, at the time {@code now}. */
    static void certificate(Settings s, TlsMaterial tls, Instant now) {
        if (!s.isProduction()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        boolean proxy = s.http().behindTlsProxy();
        if (!proxy && tls.selfSigned()) {
            problems.add("the TLS certificate is self-signed, so browsers and the Auth0 SDKs will refuse it. Use a "
                    + "certificate from a CA (for example Let's Encrypt), or terminate TLS in a proxy and set "
                    + "http.behind_tls_proxy: true.");
        }
        X509Certificate cert = tls.certificate();
        if (now.isAfter(cert.getNotAfter().toInstant())) {
            problems.add(
                    "the TLS certificate expired on " + cert.getNotAfter().toInstant() + "; install a renewed one.");
        } else if (now.isBefore(cert.getNotBefore().toInstant())) {
            problems.add("the TLS certificate is not valid before "
                    + cert.getNotBefore().toInstant() + "; check the certificate and this machine's clock.");
        } else if (now.plus(CERTIFICATE_WARNING).isAfter(cert.getNotAfter().toInstant())) {
            log.warn(
                    "production mode: the TLS certificate expires on {}; renew it",
                    cert.getNotAfter().toInstant());
        }
        String host = URI.create(s.publicUrl()).getHost();
        if (!proxy && host != null && !certifies(cert, host)) {
            problems.add("the TLS certificate is not for " + host + ", the host of public_url (it names "
                    + String.join(", ", names(cert)) + "), so clients will refuse it. Use a certificate for "
                    + host + ", or correct public_url.");
        }
        fail(problems);
    }

    private static void keys(Settings s, List<String> problems) {
        byte[] hmac = decode(s.secrets().codeHmacKey());
        if (hmac != null && distinct(hmac) < MIN_DISTINCT_KEY_BYTES) {
            problems.add("the code HMAC key is not random (all zero, or a few repeated values). Generate one: "
                    + "openssl rand -base64 32.");
        }
        if (s.secrets().masterKey() != null) {
            for (String part : s.secrets().masterKey().trim().split("[,\\s]+")) {
                byte[] master = decode(part);
                if (master == null) {
                    continue;
                }
                if (distinct(master) < MIN_DISTINCT_KEY_BYTES) {
                    problems.add("a master key is not random (all zero, or a few repeated values). Generate one: "
                            + "openssl rand -base64 32.");
                }
                if (hmac != null && Arrays.equals(master, hmac)) {
                    problems.add("the code HMAC key is also a master key: one leaked secret would then both forge "
                            + "code checks and decrypt the signing keys. Give each its own random key.");
                }
            }
        }
    }

    private static void proxies(Settings s, List<String> problems) {
        for (int i = 0; i < s.http().trustedProxies().size(); i++) {
            String entry = s.http().trustedProxies().get(i);
            if (IpRange.parse(entry).prefix() == 0) {
                problems.add("http.trusted_proxies[" + i + "] is " + entry + ", which trusts every address: any "
                        + "caller could then claim any IP in X-Forwarded-For and escape the per-IP limits. List "
                        + "only your proxies' addresses.");
            }
        }
        if (s.http().behindTlsProxy() && s.http().trustedProxies().isEmpty()) {
            problems.add("http.behind_tls_proxy is true but http.trusted_proxies is empty: every request would "
                    + "seem to come from the proxy, so one caller could spend the per-IP limits of everyone. Set "
                    + "http.trusted_proxies to your proxies' addresses (for example 10.0.0.0/8).");
        }
    }

    private static void limits(LimitsSettings limits, List<String> problems) {
        if (sendLimits(limits).values().stream().noneMatch(LimitsSettings.LimitRule::enabled)) {
            problems.add("every limit on sending codes is off (limits.start_*), so a script can send SMS without "
                    + "end at your cost. Enable at least limits.start_per_ip and limits.start_global_daily.");
        }
    }

    private static Map<String, LimitsSettings.LimitRule> sendLimits(LimitsSettings l) {
        Map<String, LimitsSettings.LimitRule> m = new LinkedHashMap<>();
        m.put("start_per_ip", l.startPerIp());
        m.put("start_per_phone_hourly", l.startPerPhoneHourly());
        m.put("start_per_phone_daily", l.startPerPhoneDaily());
        m.put("start_per_country_hourly", l.startPerCountryHourly());
        m.put("start_per_country_daily", l.startPerCountryDaily());
        m.put("start_global_hourly", l.startGlobalHourly());
        m.put("start_global_daily", l.startGlobalDaily());
        return m;
    }

    /** The chance that one guesser gets a code right within its attempts, each live code counting. */
    static double guessChance(Settings.Sms sms) {
        return sms.maxAttempts() * (1.0 + sms.keepPreviousCodes()) / Math.pow(10, sms.codeLength());
    }

    private static String keptCodes(Settings.Sms sms) {
        return sms.keepPreviousCodes() == 0 ? "" : " and " + sms.keepPreviousCodes() + " earlier codes kept";
    }

    private static byte[] decode(String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long distinct(byte[] key) {
        boolean[] seen = new boolean[256];
        long n = 0;
        for (byte b : key) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                n++;
            }
        }
        return n;
    }

    /** Whether the certificate names {@code host}: a DNS or IP subject alternative name, else the common name. */
    static boolean certifies(X509Certificate cert, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        if (wanted.startsWith("[") && wanted.endsWith("]")) {
            wanted = wanted.substring(1, wanted.length() - 1);
        }
        for (String name : names(cert)) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals(wanted)) {
                return true;
            }
            // A wildcard covers exactly one leftmost label (RFC 6125 §6.4.3).
            if (n.startsWith("*.")
                    && wanted.indexOf('.') > 0
                    && wanted.substring(wanted.indexOf('.')).equals(n.substring(1))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Fall back on the common name below.
        }
        if (names.isEmpty()) {
            String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
            for (String part : dn.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3));
                }
            }
        }
        return names;
    }

    private static void fail(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException("production mode refuses to start:\n  - " + String.join("\n  - ", problems));
        }
    }
}
