package org.phonepass.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.phonepass.core.abuse.SlidingWindowCounter;
import org.phonepass.core.authorize.AuthorizationCodeStore;
import org.phonepass.core.authorize.PendingLoginStore;
import org.phonepass.core.login.LoginTicketStore;
import org.phonepass.core.otp.ChallengeStore;
import org.phonepass.core.ratelimit.RateLimiter;
import org.phonepass.core.session.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection per node, and the stores that use it: challenges, rate-limit buckets and counters.
 *
 * <p>Lettuce multiplexes every thread's commands over one connection, so there is no pool to size. When Redis
 * goes away (restart, failover, network), Lettuce reconnects by itself with backoff; meanwhile commands are
 * rejected at once rather than queued, so requests fail quickly with a 503 instead of piling up for the length
 * of the outage, and {@link #isHealthy()} says false so a load balancer can look elsewhere. Both transitions are
 * logged once, at WARN when lost and INFO when back.
 */
public final class RedisStorage implements AutoCloseable {
    /** Commands, including the Lua scripts, are single round trips of well under a millisecond; 2 s is a fault. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RedisStorage.class);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;
    private final String where;
    private final LongAdder failedWritesAfterSuccess = new LongAdder();

    private RedisStorage(
            RedisClient client, StatefulRedisConnection<String, String> connection, String keyPrefix, String where) {
        this.client = client;
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.where = where;
    }

    /**
     * Connects, failing at once when Redis cannot be reached: a node should not report itself started with a
     * configured backend it has never seen.
     *
     * @param url       {@code redis://[:password@]host:6379[/db]}, {@code rediss://} for TLS, or
     *                  {@code redis-sentinel://host:26379#mymaster} for a Sentinel-managed primary
     * @param keyPrefix prepended to every key, e.g. {@code phonepass:}; lets deployments share one Redis
     */
    public static RedisStorage connect(String url, String keyPrefix) {
        Objects.requireNonNull(url, "url cannot be null");
        Objects.requireNonNull(keyPrefix, "keyPrefix cannot be null");
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(COMMAND_TIMEOUT);
        // Host and port only: the URL may carry a password, which must not reach the log.
        String where = uri.getSentinels().isEmpty()
                ? uri.getHost() + ":" + uri.getPort()
                : "sentinel master " + uri.getSentinelMasterId();
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(COMMAND_TIMEOUT)
                        .keepAlive(true)
                        .build())
                .build());
        client.addListener(new OutageLog(where));
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            LOG.info("Redis at {} connected", where);
            return new RedisStorage(client, connection, keyPrefix, where);
        } catch (RedisException e) {
            client.shutdown();
            throw new RedisStoreException("cannot connect to Redis at " + where, e);
        }
    }

    public ChallengeStore challenges() {
        return new RedisChallengeStore(connection.sync(), keyPrefix);
    }

    /** Login tickets of cross-origin authentication, shared by every node on this Redis. */
    public LoginTicketStore loginTickets() {
        return new RedisLoginTicketStore(connection.sync(), keyPrefix);
    }

    /** Authorization codes shared by every node on this Redis (docs/hosted-login.md). */
    public AuthorizationCodeStore authorizationCodes() {
        return new RedisAuthorizationCodeStore(connection.sync(), keyPrefix);
    }

    /** Server sessions shared by every node on this Redis. */
    public SessionStore sessions() {
        return new RedisSessionStore(connection.sync(), keyPrefix);
    }

    /** Login transactions shared by every node on this Redis. */
    public PendingLoginStore pendingLogins() {
        return new RedisPendingLoginStore(connection.sync(), keyPrefix);
    }

    /** Token buckets shared by every node on this Redis; time comes from {@code clock} (see the class). */
    public RateLimiter rateLimiter(Clock clock) {
        return new RedisRateLimiter(connection.sync(), keyPrefix, clock, failedWritesAfterSuccess);
    }

    /**
     * How many times, since this node started, Redis did not take the writes after an accepted code, which the rate
     * limiter sends without waiting ({@link RedisRateLimiter#resetAndCount}); each is also logged at WARN. For a
     * gauge on /metrics.
     */
    public long failedWritesAfterSuccess() {
        return failedWritesAfterSuccess.sum();
    }

    /** Rolling-window event counts shared by every node on this Redis, in {@code slices} time slices. */
    public SlidingWindowCounter slidingWindowCounter(Clock clock, Duration window, int slices) {
        return new RedisSlidingWindowCounter(connection.sync(), keyPrefix, clock, window, slices);
    }

    /** True when Redis answers a PING within a second, for readiness checks. */
    public boolean isHealthy() {
        if (!connection.isOpen()) {
            return false;
        }
        try {
            return "PONG".equals(connection.async().ping().get(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        LOG.info("Redis at {} closed", where);
    }

    /**
     * Logs an outage once when it starts and once when it ends, with its length: Lettuce's own reconnect attempts
     * are logged at DEBUG and would otherwise leave an operator guessing whether the node noticed.
     */
    private static final class OutageLog implements RedisConnectionStateListener {
        private final String where;
        private final AtomicReference<Instant> lostAt = new AtomicReference<>();

        OutageLog(String where) {
            this.where = where;
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection.isClosed()) {
                return; // closed on purpose, by close()
            }
            if (lostAt.compareAndSet(null, Instant.now())) {
                LOG.warn(
                        "Redis at {} connection lost: requests that need Redis fail with 503 until it is back; "
                                + "reconnecting automatically",
                        where);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
            Instant since = lostAt.getAndSet(null);
            if (since != null) {
                LOG.info(
                        "Redis at {} connection re-established after {} ms",
                        where,
                        Duration.between(since, Instant.now()).toMillis());
            }
        }
    }
}
