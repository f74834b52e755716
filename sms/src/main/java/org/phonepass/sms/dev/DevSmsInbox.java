package org.phonepass.sms.dev;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.phonepass.core.sms.SmsMessage;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.core.sms.SmsReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development provider that delivers nothing: it keeps the most recent messages in memory for the server's
 * {@code /dev/sms} page and prints each one to the console.
 *
 * <p>It prints the whole body, code included, which breaks the "no codes in logs" rule on purpose: reading the
 * code is the point of a dev inbox. The server refuses this provider in production mode for that reason.
 */
public final class DevSmsInbox implements SmsProvider {
    public static final String ID = "dev";
    public static final int DEFAULT_CAPACITY = 500;
    private static final Logger log = LoggerFactory.getLogger(DevSmsInbox.class);

    /**
     * One received message.
     *
     * @param to     recipient in E.164
     * @param body   the rendered text
     * @param code   the code inside the text
     * @param sentAt when the inbox accepted it
     */
    public record Entry(String to, String body, String code, Instant sentAt) {}

    private final Clock clock;
    private final int capacity;
    // Newest first; guarded by itself. A lock is enough: a dev inbox never sees contention worth more.
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    public DevSmsInbox(Clock clock) {
        this(clock, DEFAULT_CAPACITY);
    }

    public DevSmsInbox(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public CompletionStage<SmsReceipt> send(SmsMessage message) {
        Objects.requireNonNull(message, "message cannot be null");
        Entry entry = new Entry(message.to().e164(), message.body(), message.code(), clock.instant());
        synchronized (entries) {
            entries.addFirst(entry);
            while (entries.size() > capacity) {
                entries.removeLast();
            }
        }
        log.info("[dev sms] to {} : {}", entry.to(), entry.body());
        return CompletableFuture.completedFuture(
                new SmsReceipt(ID, UUID.randomUUID().toString()));
    }

    /**
     * The kept messages, newest first.
     *
     * @param toE164 when present, only the messages sent to this number
     */
    public List<Entry> recent(Optional<String> toE164) {
        Objects.requireNonNull(toE164, "toE164 cannot be null");
        List<Entry> out = new ArrayList<>();
        synchronized (entries) {
            Iterator<Entry> it = entries.iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (toE164.isEmpty() || toE164.get().equals(e.to())) {
                    out.add(e);
                }
            }
        }
        return List.copyOf(out);
    }

    /** How many messages are kept at most; older ones are dropped. */
    public int capacity() {
        return capacity;
    }
}
