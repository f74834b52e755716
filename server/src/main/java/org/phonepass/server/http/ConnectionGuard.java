package org.phonepass.server.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits that hold before any request exists, so that one client cannot take the server's connections (and with
 * them its file descriptors) from everyone else (docs/security.md, "Connections"):
 *
 * <ul>
 *   <li>at most {@code maxPerAddress} open connections per peer address. The address is the TCP peer's, known at
 *       accept time, before a byte of HTTP is read, so no header ({@code X-Forwarded-For} included) can change it.
 *       An IPv6 peer counts by its /64, the block one subscriber gets. The trusted proxies are not counted: every
 *       client behind them shares their address, and the proxy limits its own clients.</li>
 *   <li>a request head (request line and headers) must be complete within {@code headerTimeout}. The idle timeout
 *       alone does not stop a client that sends one header byte every few seconds (slowloris). A new connection
 *       must complete its first head (and the TLS handshake before it) within the deadline; on a kept-alive
 *       connection, a head seen incomplete at two checks one deadline apart is closed, so a head gets at least the
 *       deadline and at most twice it.</li>
 * </ul>
 *
 * <p>A refused or expired connection is closed without an answer: the client has not sent a request to answer.
 * Jetty has a server-wide connection cap ({@code NetworkConnectionLimit}, used beside this one) but none per
 * address, and no deadline for the head, hence this listener on the connectors.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int maxPerAddress;
    private final long headerTimeoutMillis;
    private final List<IpRange> uncounted;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, String> counted = new ConcurrentHashMap<>();
    private final Map<Connection, Watch> watched = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /**
     * @param maxPerAddress       open connections allowed per peer address (IPv6: per /64)
     * @param headerTimeoutMillis how long a request head may take
     * @param uncounted           peers not limited (the trusted proxies)
     */
    ConnectionGuard(int maxPerAddress, long headerTimeoutMillis, List<IpRange> uncounted) {
        this.maxPerAddress = maxPerAddress;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.uncounted = List.copyOf(uncounted);
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        // Over TLS the socket carries two connections (TLS, then HTTP over the decrypted stream): only the one on
        // the socket itself is counted.
        if (endPoint instanceof SelectableChannelEndPoint) {
            count(connection, endPoint);
        }
        if (connection instanceof HttpConnection http && endPoint.isOpen()) {
            Watch watch = new Watch(http);
            watched.put(connection, watch);
            watch.schedule();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        String key = counted.remove(connection);
        if (key != null) {
            open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
        Watch watch = watched.remove(connection);
        if (watch != null) {
            watch.cancel();
        }
    }

    private void count(Connection connection, EndPoint endPoint) {
        InetAddress address = peer(endPoint.getRemoteSocketAddress());
        if (address == null || uncounted.stream().anyMatch(r -> r.contains(address.getHostAddress()))) {
            return;
        }
        String key = key(address);
        int now = open.merge(key, 1, Integer::sum);
        counted.put(connection, key);
        if (now > maxPerAddress) {
            long n = refused.incrementAndGet();
            warn(
                    "refused a connection from {}: {} already open from that address (http.max_connections_per_address "
                            + "is {}; {} refused so far)",
                    key,
                    now - 1,
                    maxPerAddress,
                    n);
            endPoint.close();
        }
    }

    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn(format, args);
        }
    }

    private static InetAddress peer(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** The counting key: the IPv4 address, or the IPv6 address's /64. */
    static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    /** The head deadline of one HTTP connection: a check every headerTimeout until it closes. */
    private final class Watch implements Runnable {
        private final HttpConnection connection;
        private final Scheduler scheduler;
        private long headsSeen = -1;
        private boolean midHeadSeen;
        private volatile Scheduler.Task task;
        private volatile boolean cancelled;

        Watch(HttpConnection connection) {
            this.connection = connection;
            this.scheduler = connection.getConnector().getScheduler();
        }

        void schedule() {
            if (!cancelled) {
                task = scheduler.schedule(this, headerTimeoutMillis, TimeUnit.MILLISECONDS);
            }
        }

        void cancel() {
            cancelled = true;
            Scheduler.Task t = task;
            if (t != null) {
                t.cancel();
            }
        }

        @Override
        public void run() {
            if (cancelled || !connection.getEndPoint().isOpen()) {
                return;
            }
            // The count of complete heads moves only when a head completes; the parser sits in a head state from a
            // head's first byte until it completes. Both read from this timer thread: a stale parser state can only
            // delay a close, because a completed head always shows in the count.
            long heads = connection.getMessagesIn();
            HttpParser parser = connection.getParser();
            boolean midHead = parser.inHeaderState() && !parser.isStart();
            if (heads == 0 || heads == headsSeen && midHead && midHeadSeen) {
                long n = expired.incrementAndGet();
                warn(
                        "closed a connection from {}: its request head took longer than http.header_timeout ({} ms; {} "
                                + "closed so far)",
                        connection.getEndPoint().getRemoteSocketAddress(),
                        headerTimeoutMillis,
                        n);
                connection.getEndPoint().close();
                return;
            }
            headsSeen = heads;
            midHeadSeen = midHead;
            schedule();
        }
    }
}
