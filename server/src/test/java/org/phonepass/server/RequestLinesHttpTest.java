package org.phonepass.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The server's console appender over HTTP: a verification's lines (its two audit lines and its access line) reach
 * the console in one write, by the time its answer has arrived, and in the order they were logged.
 */
class RequestLinesHttpTest {
    /** Each write the appender makes, as text. */
    static final class Writes extends OutputStream {
        final List<String> writes = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        synchronized List<String> snapshot() {
            return List.copyOf(writes);
        }
    }

    private final Writes console = new Writes();
    private final Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    private RequestLinesConsoleAppender appender;
    private TestServer server;

    @BeforeEach
    void attachTheServersAppender() {
        LoggerContext context = root.getLoggerContext();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("[%X{request_id:--}] %logger{0} %msg%n");
        encoder.start();
        appender = new RequestLinesConsoleAppender();
        appender.setContext(context);
        appender.setName("request-lines-test");
        appender.setEncoder(encoder);
        appender.start();
        appender.setOutputStream(console);
        root.addAppender(appender);
        server = new TestServer();
    }

    @AfterEach
    void detach() {
        root.detachAppender(appender);
        appender.stop();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void verifyWhenAnsweredThenItsAuditAndAccessLinesWereOneWriteInTheOrderLogged() {
        TestServer.Response r = server.login(TestServer.SPA, "+14155550100", "openid");
        assertThat(r.status()).isEqualTo(200);
        // No wait: the lines went out before the answer did.
        List<String> writes = console.snapshot();
        String verify = writes.stream()
                .filter(w -> w.contains("audit type=VERIFY outcome=SUCCESS"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no write held the VERIFY line: " + writes));
        String[] lines = verify.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("audit type=LOGIN outcome=SUCCESS");
        assertThat(lines[1]).contains("audit type=VERIFY outcome=SUCCESS");
        assertThat(lines[2]).contains("access POST /oauth/ro 200");
        String requestId = lines[0].substring(0, lines[0].indexOf(']') + 1);
        assertThat(requestId).isNotEqualTo("[-]");
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith(requestId));
        // The start's own lines were one write of their own, apart from the verification's.
        assertThat(writes)
                .anySatisfy(w -> assertThat(w)
                        .contains("access POST /passwordless/start 200")
                        .doesNotContain("audit type=VERIFY"));
    }

    @Test
    void linesWhenLoggedOutsideAnyRequestThenWrittenAtOnceEachOnItsOwn() {
        org.slf4j.Logger log = LoggerFactory.getLogger("phonepass.outside");
        log.info("outside one");
        log.info("outside two");
        assertThat(console.snapshot().stream().filter(w -> w.contains("outside")))
                .containsExactly("[-] outside outside one\n", "[-] outside outside two\n");
    }
}
