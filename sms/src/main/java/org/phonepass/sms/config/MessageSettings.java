package org.phonepass.sms.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.phonepass.core.sms.MessageFormatter;

/**
 * {@code sms.message}: what is added to every message, and how long it may be.
 *
 * @param maxSegments    the most SMS segments a rendered template may cost, checked at start-up; default 2
 * @param webotpHost     host of the web page that reads codes with WebOTP; adds the last line
 *                       {@code @host #code}; none by default
 * @param androidAppHash the Android app's 11-character SMS Retriever hash; none by default
 * @param clients        the same two settings per client id, replacing the defaults for that client
 */
public record MessageSettings(
        Integer maxSegments, String webotpHost, String androidAppHash, Map<String, ClientMessageSettings> clients) {
    public static final MessageSettings DEFAULTS = new MessageSettings(null, null, null, null);

    /**
     * {@code sms.message.clients.<client_id>}.
     *
     * @param webotpHost     the client's WebOTP host
     * @param androidAppHash the client's app hash
     */
    public record ClientMessageSettings(String webotpHost, String androidAppHash) {}

    public MessageSettings {
        maxSegments = maxSegments == null ? 2 : maxSegments;
        clients = clients == null ? Map.of() : Map.copyOf(clients);
    }

    /** The formatter, or an IllegalArgumentException naming the key. */
    public MessageFormatter toFormatter(String prefix) {
        if (maxSegments < 1 || maxSegments > 10) {
            throw new IllegalArgumentException(prefix + ".max_segments must be 1 to 10");
        }
        MessageFormatter.Options defaults = options(prefix, webotpHost, androidAppHash);
        Map<String, MessageFormatter.Options> byClient = new LinkedHashMap<>();
        clients.forEach((client, s) -> byClient.put(
                client,
                options(
                        prefix + ".clients." + client,
                        s == null ? null : s.webotpHost(),
                        s == null ? null : s.androidAppHash())));
        return new MessageFormatter(defaults, byClient, maxSegments);
    }

    private static MessageFormatter.Options options(String prefix, String host, String hash) {
        try {
            new MessageFormatter.Options(blankToNull(host), null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".webotp_host: " + e.getMessage(), e);
        }
        try {
            new MessageFormatter.Options(null, blankToNull(hash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".android_app_hash: " + e.getMessage(), e);
        }
        return new MessageFormatter.Options(blankToNull(host), blankToNull(hash));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
