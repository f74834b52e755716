package org.phonepass.server.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads every request body before any route runs, without holding a thread while the bytes arrive: the servlet
 * container calls back as data comes in ({@link ReadListener}), and the request is dispatched to the routes once
 * the body is complete, too large, broken or late. A client that sends its headers and then stalls or trickles its
 * body therefore costs a connection, never one of the request threads, so the thread pool can stay small
 * ({@code http.max_threads}) without making slow-body attacks cheaper.
 *
 * <p>Jetty already parses headers without a thread; what this adds is the body. The filter's own run is short: it
 * takes what has arrived and hands the rest to the container's callbacks. A body that is already complete is read
 * at once, without the asynchronous round. Servlet 3.1's non-blocking input is the container's own API for this.
 * Jetty 12's own {@code EagerContentHandler} gathers bodies the same way, but in front of the servlet context, where
 * a body that is too large or late could only end as Jetty's error page; here the route answers it in the
 * endpoint's own error dialect.
 *
 * <p>The body's deadline is the asynchronous timeout, set a little under the connection's idle timeout so that it
 * is always the one that fires for a stalled body: Jetty 12 also fails the pending read when the idle timeout
 * passes, and of two timers firing together one would find the request already expiring (a 500, or a closed
 * connection, instead of the 408).
 *
 * <p>{@link RequestReader} takes the body from the request attribute {@link #BODY}, or the reason it is missing
 * from {@link #FAILURE}.
 */
public final class BodyPrefetchFilter implements Filter {
    static final String BODY = "phonepass.body";
    static final String FAILURE = "phonepass.body.failure";

    /**
     * A body over the limit, but not over this, is read to its end and dropped before its 413 (no memory, no thread:
     * the same callbacks). Jetty 12 resets a connection it closes with request bytes still unread, and a client
     * still writing its body then loses the answer ("header parser received no bytes" in Java's client, about one
     * time in thirty for bodies over 50 kB here). Bigger bodies are refused unread and their connection closed.
     */
    static final long DISCARD_LIMIT = 1024 * 1024;

    /** Why a body is missing: bigger than the limit, unreadable (bad framing, reset), or not complete in time. */
    /**
     * The body gathered for a request, for routes outside this package (the Management API): empty when there was
     * none.
     *
     * @throws IllegalStateException naming the failure ({@code TOO_LARGE}, {@code TIMEOUT}, {@code UNREADABLE})
     */
    public static byte[] gathered(jakarta.servlet.ServletRequest request) {
        Object failure = request.getAttribute(FAILURE);
        if (failure != null) {
            throw new IllegalStateException(((Failure) failure).name());
        }
        byte[] body = (byte[]) request.getAttribute(BODY);
        return body == null ? new byte[0] : body;
    }

    enum Failure {
        TOO_LARGE,
        UNREADABLE,
        TIMEOUT
    }

    private final int maxBodyBytes;
    private final long discardLimit;
    private final long timeoutMillis;

    BodyPrefetchFilter(int maxBodyBytes, long timeoutMillis) {
        this.maxBodyBytes = maxBodyBytes;
        this.discardLimit = Math.max(DISCARD_LIMIT, 2L * maxBodyBytes);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        // Only the first dispatch reads (the filter is mapped to REQUEST; the routes then run on the ASYNC one).
        if (request.getDispatcherType() != DispatcherType.REQUEST || !hasBody(request)) {
            chain.doFilter(req, res);
            return;
        }
        long length = request.getContentLengthLong();
        if (length > discardLimit) {
            // Refused on the declared length alone; nothing is read, and the connection closes after the 413.
            request.setAttribute(FAILURE, Failure.TOO_LARGE);
            ((HttpServletResponse) res).setHeader("Connection", "close");
            chain.doFilter(req, res);
            return;
        }
        ServletInputStream in = request.getInputStream();
        if (length > 0 && in.available() >= length) {
            // The usual case: the whole body came with the headers. Reading what is already here cannot block, and
            // the request goes straight on without the cost of an asynchronous round.
            request.setAttribute(BODY, in.readNBytes((int) length));
            chain.doFilter(req, res);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(timeoutMillis - Math.min(1_000, timeoutMillis / 10));
        Collector collector = new Collector(request, async, in, length > maxBodyBytes);
        async.addListener(collector);
        in.setReadListener(collector);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** Gathers the bytes as they come and dispatches once, whatever happens first. */
    private final class Collector implements ReadListener, AsyncListener {
        private final HttpServletRequest request;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final byte[] buffer = new byte[4096];
        private final AtomicBoolean dispatched = new AtomicBoolean();
        /** Past the limit: the rest is read and dropped, for the 413 to reach the client (DISCARD_LIMIT). */
        private volatile boolean discarding;

        private long read;

        Collector(HttpServletRequest request, AsyncContext async, ServletInputStream in, boolean discarding) {
            this.request = request;
            this.async = async;
            this.in = in;
            this.discarding = discarding;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!dispatched.get() && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                read += n;
                if (!discarding) {
                    out.write(buffer, 0, n);
                    if (out.size() > maxBodyBytes) {
                        discarding = true;
                        out.reset();
                    }
                }
                if (discarding && read > discardLimit) {
                    ((HttpServletResponse) async.getResponse()).setHeader("Connection", "close");
                    fail(Failure.TOO_LARGE);
                    return;
                }
            }
        }

        @Override
        public void onAllDataRead() {
            if (dispatched.compareAndSet(false, true)) {
                if (discarding) {
                    request.setAttribute(FAILURE, Failure.TOO_LARGE);
                } else {
                    request.setAttribute(BODY, out.toByteArray());
                }
                dispatch();
            }
        }

        @Override
        public void onError(Throwable t) {
            // Jetty fails a pending read with a TimeoutException when the connection's idle timeout passes.
            fail(
                    t instanceof TimeoutException || t.getCause() instanceof TimeoutException
                            ? Failure.TIMEOUT
                            : Failure.UNREADABLE);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // A timeout listener must dispatch or complete, even when a read ending at the same moment claimed the
            // dispatch first (its dispatch then failed on the expiring request).
            dispatched.set(true);
            if (request.getAttribute(BODY) == null && request.getAttribute(FAILURE) == null) {
                request.setAttribute(FAILURE, discarding ? Failure.TOO_LARGE : Failure.TIMEOUT);
            }
            dispatch();
        }

        @Override
        public void onError(AsyncEvent event) {
            fail(Failure.UNREADABLE);
        }

        @Override
        public void onComplete(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}

        private void fail(Failure failure) {
            if (dispatched.compareAndSet(false, true)) {
                // A body already known to be too large stays a 413, however its end goes wrong.
                request.setAttribute(FAILURE, discarding ? Failure.TOO_LARGE : failure);
                dispatch();
            }
        }

        private void dispatch() {
            try {
                async.dispatch();
            } catch (IllegalStateException e) {
                // The asynchronous timeout expired meanwhile, or already dispatched: onTimeout dispatches.
            }
        }
    }
}
