package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogbackDefaultsTest {
    @Test
    void applyWhenFreshContextThenConsoleAtInfoWithRequestIdAndChattyLibrariesAtWarn() {
        LoggerContext context = new LoggerContext();
        LogbackDefaults.apply(context);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        // The console appender that writes a request's lines together (RequestLines).
        assertThat(console).isInstanceOf(RequestLinesConsoleAppender.class);
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).contains("%X{request_id:--}");
        for (String name : LogbackDefaults.QUIET) {
            assertThat(context.getLogger(name).getEffectiveLevel()).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("org.phonepass.server.PhonepassServer").getEffectiveLevel())
                .isEqualTo(Level.INFO);
        context.stop();
    }

    @Test
    void configureWhenAnotherConfigurationIsOnTheClassPathThenStepsAside() {
        // The tests' logback-test.xml (from the testkit) is on this class path.
        LogbackDefaults defaults = new LogbackDefaults();
        LoggerContext context = new LoggerContext();
        defaults.setContext(context);
        assertThat(defaults.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"))
                .isNull();
    }

    @Test
    void serviceFileWhenReadThenNamesTheConfigurator() throws Exception {
        try (InputStream in =
                getClass().getResourceAsStream("/META-INF/services/ch.qos.logback.classic.spi.Configurator")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo(LogbackDefaults.class.getName());
        }
    }
}
