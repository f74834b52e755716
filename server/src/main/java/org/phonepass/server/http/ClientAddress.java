package org.phonepass.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.phonepass.core.sms.LanguageTags;

/**
 * The caller's IP address and what we know of its country and language. {@code X-Forwarded-For} and the country
 * header are believed only when the direct peer is a configured trusted proxy, and then the address taken is the
 * right-most one that is not itself a trusted proxy (the left part of the header is whatever the client wrote).
 */
public final class ClientAddress {
    /** Request attribute: a confidential client that proved its secret on this request. */
    static final String AUTHENTICATED_CLIENT = "phonepass.authenticated-client";
    /** Auth0's header with the end user's IP, sent by a backend on the user's behalf (docs/api.md, start). */
    static final String AUTH0_FORWARDED_FOR = "auth0-forwarded-for";

    private static final Pattern LANGUAGE = Pattern.compile("^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,3}$");
    private static final Pattern COUNTRY = Pattern.compile("^[A-Z]{2}$");
    private final List<IpRange> trusted;
    private final String countryHeader;

    public ClientAddress(List<IpRange> trusted, String countryHeader) {
        this.trusted = List.copyOf(trusted);
        this.countryHeader = countryHeader;
    }

    /**
     * The end user's address: {@code auth0-forwarded-for} when a confidential client that trusts it proved its
     * secret on this request, else the trusted-proxy rules below.
     */
    public String ip(Context ctx) {
        org.phonepass.core.client.Client client = ctx.attribute(AUTHENTICATED_CLIENT);
        if (client != null && client.trustForwardedFor()) {
            String forwarded = ctx.header(AUTH0_FORWARDED_FOR);
            if (forwarded != null && IpRange.literal(forwarded.trim()) != null) {
                return forwarded.trim();
            }
        }
        return connectionIp(ctx);
    }

    private String connectionIp(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (!isTrusted(peer)) {
            return peer;
        }
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (IpRange.literal(hop) == null) {
                return peer;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return hops[0].trim();
    }

    /**
     * The caller's country as far as it can be told without a GeoIP database (docs/api.md, {@code
     * /user/geoloc/country}): a trusted proxy's country header, then, when {@code fromLanguage}, the region of the
     * browser's first language; null when neither says.
     */
    public String guessCountry(Context ctx, boolean fromLanguage) {
        String country = trustedCountry(ctx);
        if (country == null && fromLanguage) {
            String language = ctx.header("Accept-Language");
            if (language != null) {
                String first = language.split(",", 2)[0].split(";", 2)[0].trim();
                String region = java.util.Locale.forLanguageTag(first).getCountry();
                if (region.matches("^[A-Z]{2}$")) {
                    country = region;
                }
            }
        }
        return country;
    }

    /** The country from a trusted proxy's header, or null. */
    public String trustedCountry(Context ctx) {
        if (countryHeader == null || !isTrusted(ctx.req().getRemoteAddr())) {
            return null;
        }
        String value = ctx.header(countryHeader);
        return value != null
                        && COUNTRY.matcher(value.trim().toUpperCase(Locale.ROOT))
                                .matches()
                ? value.trim().toUpperCase(Locale.ROOT)
                : null;
    }

    /**
     * The language for the SMS: {@code X-Request-Language}, else the first {@code Accept-Language} tag, else
     * {@code en} (docs/auth0-compatibility.md#sms-text-and-language).
     */
    public static String language(Context ctx) {
        for (String header : new String[] {"X-Request-Language", "Accept-Language"}) {
            String value = ctx.header(header);
            if (value != null) {
                String first = value.split(",", 2)[0].split(";", 2)[0].trim();
                if (LANGUAGE.matcher(first).matches()) {
                    // Only known tags go on: this one is echoed, picks the template and may be put into the SMS.
                    return LanguageTags.orDefault(first);
                }
            }
        }
        return "en";
    }

    private boolean isTrusted(String ip) {
        return trusted.stream().anyMatch(r -> r.contains(ip));
    }
}
