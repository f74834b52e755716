package org.phonepass.core.sms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Adds the machine-readable lines that let a phone fill the code in by itself, and checks that messages stay within
 * a number of segments.
 *
 * <ul>
 *   <li><b>WebOTP</b> (WICG "Origin-bound one-time codes delivered via SMS"): the last line {@code @host #code} lets
 *       a browser page served from {@code host} read the code through {@code navigator.credentials.get({otp})}.
 *       The browser only offers the code to that origin, so the host must be the page's, not the API's.</li>
 *   <li><b>Android SMS Retriever</b>: an 11-character hash of the app's package name and signing certificate lets
 *       the app read the message without the SMS permission. It gets a line of its own, before the WebOTP line
 *       when both are configured, because WebOTP insists on being last and the Retriever only needs the hash to be
 *       present.</li>
 * </ul>
 *
 * <p>Settings can differ per client (a web app and a mobile app of one deployment rarely share an origin).
 */
public final class MessageFormatter {
    private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$");
    private static final Pattern APP_HASH = Pattern.compile("^[A-Za-z0-9+/]{11}$");

    /**
     * What to append for one client.
     *
     * @param webOtpHost     host of the web page that reads the code ({@code login.example.com}), or null for none
     * @param androidAppHash the app's 11-character SMS Retriever hash, or null for none
     */
    public record Options(String webOtpHost, String androidAppHash) {
        public static final Options NONE = new Options(null, null);

        public Options {
            if (webOtpHost != null && !HOST.matcher(webOtpHost).matches()) {
                throw new IllegalArgumentException("the WebOTP host must be a bare host name such as "
                        + "login.example.com, without scheme or path");
            }
            if (androidAppHash != null && !APP_HASH.matcher(androidAppHash).matches()) {
                throw new IllegalArgumentException("the Android app hash must be the 11 characters printed by the "
                        + "SMS Retriever AppSignatureHelper");
            }
        }
    }

    private final Options defaults;
    private final Map<String, Options> byClient;
    private final int maxSegments;

    /**
     * @param defaults    options for clients without their own
     * @param byClient    options per client id; they replace the defaults for that client as a whole
     * @param maxSegments the most segments a message may cost, checked at start-up by {@link #requireWithinLimit}
     */
    public MessageFormatter(Options defaults, Map<String, Options> byClient, int maxSegments) {
        this.defaults = Objects.requireNonNull(defaults, "defaults cannot be null");
        this.byClient = Map.copyOf(byClient);
        if (maxSegments < 1) {
            throw new IllegalArgumentException("the segment limit must be at least 1");
        }
        this.maxSegments = maxSegments;
    }

    /** A formatter that changes nothing and allows up to {@code maxSegments}. */
    public static MessageFormatter plain(int maxSegments) {
        return new MessageFormatter(Options.NONE, Map.of(), maxSegments);
    }

    public int maxSegments() {
        return maxSegments;
    }

    /** The options that apply to a client. */
    public Options optionsFor(String clientId) {
        return clientId == null ? defaults : byClient.getOrDefault(clientId, defaults);
    }

    /** The text to send: the rendered body, then the app hash line and the WebOTP line when configured. */
    public String format(String body, String code, String clientId) {
        Objects.requireNonNull(body, "body cannot be null");
        Objects.requireNonNull(code, "code cannot be null");
        return formatWith(optionsFor(clientId), body, code);
    }

    private static String formatWith(Options options, String body, String code) {
        if (options.webOtpHost() == null && options.androidAppHash() == null) {
            return body;
        }
        StringBuilder out = new StringBuilder(body.stripTrailing());
        if (options.androidAppHash() != null) {
            out.append('\n').append(options.androidAppHash());
        }
        if (options.webOtpHost() != null) {
            // A blank line keeps the machine line visually apart from the human text, as the WebOTP examples do.
            out.append("\n\n@").append(options.webOtpHost()).append(" #").append(code);
        }
        return out.toString();
    }

    /**
     * Renders a template with sample values for every client configuration and refuses it when a message would
     * cost more than the segment limit, so that an over-long template fails at start-up, not on a bill.
     *
     * @param key             the settings key of the template, named in the error
     * @param sampleVariables the longest values expected: a code of the configured length, the longest
     *                        application name, and so on
     * @return the largest count found
     * @throws IllegalArgumentException naming the key, the count, the encoding and the limit
     */
    public SmsSegments requireWithinLimit(String key, MessageTemplate template, Map<String, String> sampleVariables) {
        Objects.requireNonNull(template, "template cannot be null");
        String code = sampleVariables.getOrDefault("code", "000000");
        String rendered = template.render(sampleVariables);
        List<String> clients = new ArrayList<>(byClient.keySet());
        clients.add(null);
        SmsSegments worst = null;
        for (String client : clients) {
            Options options = client == null ? defaults : byClient.get(client);
            String text = formatWith(options, rendered, code);
            SmsSegments count = SmsSegments.of(text);
            if (worst == null || count.segments() > worst.segments()) {
                worst = count;
            }
            if (count.segments() > maxSegments) {
                throw new IllegalArgumentException(key + " is " + count.describe() + " once rendered"
                        + (client == null ? "" : " for client " + client)
                        + (options.webOtpHost() != null || options.androidAppHash() != null
                                ? " with its WebOTP/app-hash lines"
                                : "")
                        + "; at most " + maxSegments + (maxSegments == 1 ? " segment is" : " segments are")
                        + " allowed. Shorten the template"
                        + (count.encoding() == SmsSegments.Encoding.UCS_2
                                ? " (a character outside the GSM alphabet makes every segment hold 70 characters or fewer)"
                                : "")
                        + ", or raise the segment limit.");
            }
        }
        return worst;
    }

    /** Sample values for {@link #requireWithinLimit}: the worst case a deployment can render. */
    public static Map<String, String> sampleVariables(int codeLength, String longestApplicationName, long ttlMinutes) {
        return Map.of(
                "code",
                "9".repeat(codeLength),
                "application.name",
                longestApplicationName,
                "request_language",
                "zh-Hant",
                "ttl_minutes",
                Long.toString(ttlMinutes));
    }
}
