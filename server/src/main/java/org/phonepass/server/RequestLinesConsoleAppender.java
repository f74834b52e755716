package org.phonepass.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.IOException;
import java.io.OutputStream;
import org.phonepass.server.http.RequestLines;

/**
 * Logback's console appender, with the lines a request thread logs while it handles a request handed to
 * {@link RequestLines} and written together when the request ends; every other line is written at once, as before.
 * Each line is encoded when it is logged, so its time and request id are those of the moment it was logged.
 */
final class RequestLinesConsoleAppender extends ConsoleAppender<ILoggingEvent> implements RequestLines.Sink {
    @Override
    protected void writeOut(ILoggingEvent event) throws IOException {
        byte[] line = encoder.encode(event);
        if (!RequestLines.hold(line, this)) {
            write(line, line.length);
        }
    }

    @Override
    public void write(byte[] bytes, int length) {
        streamWriteLock.lock();
        try {
            if (!isStarted()) {
                return;
            }
            OutputStream out = getOutputStream();
            out.write(bytes, 0, length);
            if (isImmediateFlush()) {
                out.flush();
            }
        } catch (IOException e) {
            // What Logback's own appender does when standard output fails: stop, and say so in its status.
            this.started = false;
            addError("could not write to the console", e);
        } finally {
            streamWriteLock.unlock();
        }
    }
}
