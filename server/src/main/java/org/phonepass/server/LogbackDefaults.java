package org.phonepass.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server's logging set-up, in code: one console appender (which writes the lines of a request in one piece,
 * {@link RequestLinesConsoleAppender}), INFO, and the libraries that chatter at start-up held to WARN. Written in
 * code rather than as {@code logback.xml} because Logback's XML configurator loads an XML parser and its own model
 * classes (about 400 classes) at every start. An operator's own file still wins: with
 * {@code -Dlogback.configurationFile=...} (or a {@code logback-test.xml} on the class path, as in the tests) this
 * steps aside and Logback reads that file as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogbackDefaults extends ContextAwareBase implements Configurator {
    /**
     * {@code %isoMillis} writes what {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSX}} wrote, for less CPU
     * ({@link IsoMillisConverter}).
     */
    static final String PATTERN = "%" + IsoMillisConverter.WORD + " %-5level %logger{0} [%X{request_id:--}] %msg%n";

    static final List<String> QUIET = List.of("com.zaxxer.hikari", "org.flywaydb", "org.eclipse.jetty", "io.javalin");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogbackDefaults.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** What {@code logback.xml} used to say. */
    static void apply(LoggerContext context) {
        Map<String, Supplier<DynamicConverter>> words = new HashMap<>();
        words.put(IsoMillisConverter.WORD, IsoMillisConverter::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, words);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        // The console appender, with a request's lines written together at its end (RequestLines).
        ConsoleAppender<ILoggingEvent> console = new RequestLinesConsoleAppender();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        for (String name : QUIET) {
            context.getLogger(name).setLevel(Level.WARN);
        }
    }
}
