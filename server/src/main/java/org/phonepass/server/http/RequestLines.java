package org.phonepass.server.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Arrays;

/**
 * The log lines of one request, written to the log in one piece at the end of the request's handling, before its
 * answer goes out.
 *
 * <p>A verification logs three lines (its two audit lines and the access line), and each was one {@code write} to
 * standard output, made with the console appender's lock held: on a machine where every system call pays for page
 * table isolation, those writes and the waits for that lock cost about a fifteenth as much CPU as the token's
 * signature with the native provider (docs/benchmarks.md#request-lines). The lines a request thread logs between
 * {@link #begin} and {@link #end} are kept in a buffer of that thread's own and handed to the appender together.
 * Nothing is held past the request: {@link HttpApi} ends the holding in its last handler, after the access line and
 * before the answer is written, and {@link Filter} ends it when a dispatch of the request leaves its thread (a
 * request that waits for its body or for an SMS provider is dispatched again later, or answered from another
 * thread, whose lines are written at once). Lines of threads that serve no request are never held.
 *
 * <p>What a thread holds is bounded by {@link #MAX_HELD_BYTES}: past it, the held lines are written and holding goes
 * on with an empty buffer, so a request that logs a great deal costs memory only up to the bound. Written by hand:
 * Logback's asynchronous appender holds lines on a queue for another thread, for an unbounded time, which the audit
 * lines must not be (docs/security.md#6-audit-events).
 */
public final class RequestLines {
    /** Most a thread holds before writing; a verification's three lines are about 600 bytes. */
    static final int MAX_HELD_BYTES = 16 * 1024;

    private static final int FIRST_BUFFER_BYTES = 1024;
    /** Made on a thread's first {@link #begin}: threads that never serve a request have none. */
    private static final ThreadLocal<Held> HELD = new ThreadLocal<>();

    private RequestLines() {}

    /** Where held lines go when the request ends: the appender that encoded them. */
    public interface Sink {
        /** Writes {@code length} bytes of {@code bytes} as one piece; never throws. */
        void write(byte[] bytes, int length);
    }

    /**
     * Begins holding this thread's lines.
     *
     * @return false when this thread already holds lines for the request under way; its caller then leaves the
     *         ending to whoever began
     */
    public static boolean begin() {
        Held held = HELD.get();
        if (held == null) {
            held = new Held();
            HELD.set(held);
        } else if (held.holding) {
            return false;
        }
        held.holding = true;
        return true;
    }

    /**
     * Offers one encoded line: held when this thread is holding its request's lines, to be written through
     * {@code sink} when the request ends.
     *
     * @return false when the thread is not holding lines: the caller writes the line itself
     */
    public static boolean hold(byte[] line, Sink sink) {
        Held held = HELD.get();
        if (held == null || !held.holding) {
            return false;
        }
        if (held.sink != null && held.sink != sink) {
            // Lines for another appender (an operator's set-up with several): what is held goes out first, in order.
            held.writeOut();
        }
        held.sink = sink;
        if (held.count + line.length > MAX_HELD_BYTES) {
            held.writeOut();
            if (line.length > MAX_HELD_BYTES) {
                sink.write(line, line.length);
                return true;
            }
        }
        held.append(line);
        return true;
    }

    /** Writes what this thread holds, in one piece, and stops holding. Does nothing when it was not holding. */
    public static void end() {
        Held held = HELD.get();
        if (held == null || !held.holding) {
            return;
        }
        held.holding = false;
        held.writeOut();
    }

    /**
     * Holds the lines of each dispatch of a request on the thread that runs it, and writes them when the dispatch
     * returns, if the last handler has not already.
     */
    public static final class Filter implements jakarta.servlet.Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            boolean began = begin();
            try {
                chain.doFilter(request, response);
            } finally {
                if (began) {
                    end();
                }
            }
        }
    }

    /** Whether this thread holds lines now; for tests. */
    static boolean holding() {
        Held held = HELD.get();
        return held != null && held.holding;
    }

    /** One thread's held lines; touched by that thread only. */
    private static final class Held {
        boolean holding;
        Sink sink;
        byte[] buffer = new byte[FIRST_BUFFER_BYTES];
        int count;

        void append(byte[] line) {
            if (count + line.length > buffer.length) {
                buffer = Arrays.copyOf(
                        buffer, Math.min(MAX_HELD_BYTES, Math.max(buffer.length * 2, count + line.length)));
            }
            System.arraycopy(line, 0, buffer, count, line.length);
            count += line.length;
        }

        void writeOut() {
            if (count > 0) {
                int length = count;
                count = 0;
                sink.write(buffer, length);
            }
        }
    }
}
