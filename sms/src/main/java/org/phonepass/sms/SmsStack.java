package org.phonepass.sms;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.phonepass.core.sms.MessageFormatter;
import org.phonepass.core.sms.SmsProvider;
import org.phonepass.sms.dev.DevSmsInbox;
import org.phonepass.sms.testnumbers.TestNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@link SmsProviders#build} made: the provider to hand to the login service, and the parts the
 * server exposes or checks at start-up. Closing it stops the SMS threads and vendor clients.
 */
public final class SmsStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmsStack.class);

    private final SmsProvider provider;
    private final DevSmsInbox devInbox;
    private final TestNumbers testNumbers;
    private final MessageFormatter formatter;
    private final List<AutoCloseable> resources;

    SmsStack(
            SmsProvider provider,
            DevSmsInbox devInbox,
            TestNumbers testNumbers,
            MessageFormatter formatter,
            List<AutoCloseable> resources) {
        this.provider = Objects.requireNonNull(provider, "provider cannot be null");
        this.devInbox = devInbox;
        this.testNumbers = Objects.requireNonNull(testNumbers, "testNumbers cannot be null");
        this.formatter = Objects.requireNonNull(formatter, "formatter cannot be null");
        this.resources = List.copyOf(resources);
    }

    /** The provider for the login service: test numbers, message lines, routing, retries, failover, breakers. */
    public SmsProvider provider() {
        return provider;
    }

    /** The dev inbox when a route uses {@code dev}, for {@code /dev/sms}. */
    public Optional<DevSmsInbox> devInbox() {
        return Optional.ofNullable(devInbox);
    }

    /** The test numbers; the login service takes their fixed codes instead of random ones. */
    public TestNumbers testNumbers() {
        return testNumbers;
    }

    /** The message formatter, to check templates against the segment limit at start-up. */
    public MessageFormatter messageFormatter() {
        return formatter;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing an SMS resource failed: {}", e.toString());
            }
        }
    }
}
