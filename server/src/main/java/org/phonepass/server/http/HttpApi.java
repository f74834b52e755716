package org.phonepass.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.session.AbstractSessionManager;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.phonepass.core.abuse.LoggingAuditLog;
import org.phonepass.core.error.AsyncFailures;
import org.phonepass.core.error.ErrorCode;
import org.phonepass.core.error.PhonepassException;
import org.phonepass.core.store.StoreUnavailableException;
import org.phonepass.server.tls.TlsMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP server: connectors, CORS, request ids, security headers, the access log, and the one error mapper. The
 * endpoints themselves live in their own classes; this class only routes to them.
 */
public final class HttpApi {
    static final String REQUEST_ATTRIBUTE = "phonepass.request";
    /**
     * {@code ms} with one decimal, as {@code String.format("%.1f")} wrote it, without the formatter: that took half of
     * the access line's cost, about 2 % of a verify's CPU besides its signature (docs/benchmarks.md#non-signature-cpu).
     */
    static String tenths(double ms) {
        long t = Math.round(ms * 10);
        return (t / 10) + "." + (t % 10);
    }

    private static final String DIALECT_ATTRIBUTE = "phonepass.dialect";
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final Logger access = LoggerFactory.getLogger("phonepass.access");
    private static final Pattern REQUEST_ID = Pattern.compile("^[A-Za-z0-9._\\-]{8,64}$");
    private static final String ALLOWED_HEADERS = "Auth0-Client, Content-Type, Authorization, X-Request-Language, "
            + "X-Requested-With, Accept, Accept-Language";
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /**
     * Mozilla's "intermediate" choice: TLS 1.3's suites, and for TLS 1.2 only ECDHE key exchange (forward secrecy)
     * with an AEAD cipher. The CBC suites the JDK would also offer on TLS 1.2 are left out (docs/security.md).
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** What the HTTP layer needs to listen. {@code tls} is null when only plain HTTP behind a proxy is served. */
    public record Listen(
            String bindAddress,
            int httpsPort,
            Integer httpPort,
            TlsMaterial tls,
            int maxBodyBytes,
            long corsMaxAgeSeconds,
            int maxThreads,
            long idleTimeoutMillis,
            boolean production,
            Connections connections) {}

    /**
     * Connection-level limits ({@link ConnectionGuard}).
     *
     * @param maxPerAddress       open connections per peer address
     * @param headerTimeoutMillis how long a request head may take
     * @param trustedProxies      peers exempt from the per-address count
     */
    public record Connections(int maxPerAddress, long headerTimeoutMillis, List<IpRange> trustedProxies) {}

    private final Javalin app;
    private final Listen listen;
    private final SecureRandom random = new SecureRandom();

    public HttpApi(Listen listen, ObjectMapper json, EndpointSet endpoints, ClientGate gate) {
        this.listen = listen;
        Responder responder = endpoints.responder();
        ConnectionGuard guard = new ConnectionGuard(
                listen.connections().maxPerAddress(),
                listen.connections().headerTimeoutMillis(),
                listen.connections().trustedProxies());
        int connectionCap = FileDescriptors.checkAtStart();
        ByteBufferPool buffers = bufferPool();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            // Javalin's watcher is a thread that sleeps 5 s to say the server was never started; this one always is.
            config.startup.startupWatcherEnabled = false;
            config.concurrency.useVirtualThreads = true;
            if (Runtime.version().feature() < 21) {
                // No virtual threads: a bounded pool of platform threads. Bodies are read without a thread
                // (BodyPrefetchFilter) and SMS sends never wait on one, so a request holds a thread only while it
                // computes or waits on the store; Javalin's default of 250 only costs memory (docs/benchmarks.md).
                QueuedThreadPool pool = new QueuedThreadPool(listen.maxThreads(), 8, 60_000);
                pool.setName("JettyServerThreadPool");
                // No reserved threads: Jetty hands a connection's work to an idle thread from the queue instead of
                // keeping threads parked in reserve for it. Measured on 2 cores at c 64, a verify took about a quarter
                // less CPU without them (docs/benchmarks.md#reserved-threads).
                pool.setReservedThreads(0);
                config.jetty.threadPool = pool;
            }
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = listen.maxBodyBytes();
            config.http.asyncTimeout = 60_000;
            config.http.generateEtags = false;
            config.http.responseBufferSize = RESULT_COPY_BYTES;
            config.jetty.timeoutStatus = 503;
            config.jetty.modifyServer(server -> {
                // Jetty 12 waits for requests in flight at stop only through a GracefulHandler (Jetty 11's
                // StatisticsHandler did it by itself); Javalin adds its handlers inside this one. It takes the place
                // of the StatisticsHandler Javalin's default server starts with: nothing reads its counters (the
                // meters are Micrometer's), and it wrapped every request, response and callback to count them
                // (docs/benchmarks.md, "The HTTP path per request").
                server.setHandler(withoutStatistics(server.getHandler()));
                server.setStopTimeout(10_000);
                if (connectionCap > 0) {
                    // Past this many connections Jetty stops accepting until some close, instead of running out of
                    // descriptors for the database and the log (FileDescriptors).
                    server.addBean(new NetworkConnectionLimit(connectionCap, server));
                }
                // Refusals Jetty makes before any route runs answer in JSON too (431, 414, 400).
                server.setErrorHandler(new JsonErrorHandler());
            });
            config.jetty.modifyServletContextHandler(context -> {
                context.setSessionHandler(new NoSessions());
                context.setErrorHandler(new JsonErrorHandler.InContext());
                // First, around every dispatch (the first and the one after the body has arrived): the lines a
                // dispatch logs are held on its thread and written together (RequestLines).
                FilterHolder lines = new FilterHolder(new RequestLines.Filter());
                lines.setAsyncSupported(true);
                context.addFilter(lines, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
                // Bodies are gathered without a thread before any route runs; a stalled body gets 408 after the
                // connection's idle timeout.
                FilterHolder prefetch =
                        new FilterHolder(new BodyPrefetchFilter(listen.maxBodyBytes(), listen.idleTimeoutMillis()));
                prefetch.setAsyncSupported(true);
                context.addFilter(prefetch, "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            config.jetty.modifyHttpConfiguration(HttpApi::httpConfiguration);
            if (listen.tls() != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    ServerConnector connector = httpsConnector(server, httpConfig, listen.tls(), buffers);
                    connector.setHost(listen.bindAddress());
                    connector.setPort(listen.httpsPort());
                    connector.setIdleTimeout(listen.idleTimeoutMillis());
                    connector.addEventListener(guard);
                    return connector;
                });
            }
            if (listen.httpPort() != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    ServerConnector connector = new ServerConnector(
                            server, null, null, buffers, -1, -1, new HttpConnectionFactory(httpConfig));
                    connector.setHost(listen.bindAddress());
                    connector.setPort(listen.httpPort());
                    connector.setIdleTimeout(listen.idleTimeoutMillis());
                    connector.addEventListener(guard);
                    return connector;
                });
            }
            routes(config.routes, endpoints, responder, gate);
        });
    }

    /**
     * The HTTPS connector: TLS as docs/security.md describes it, HTTP/1.1 over it with the settings of
     * {@link #httpConfiguration}, and request buffers of {@link #REQUEST_BUFFER_BYTES} ({@link RequestBufferSize}).
     */
    static ServerConnector httpsConnector(
            Server server, HttpConfiguration httpConfig, TlsMaterial tls, ByteBufferPool buffers) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        ssl.setKeyManagerPassword(new String(tls.password()));
        // No client certificates are asked for: an empty trust store spares reading the JDK's.
        ssl.setTrustStore(TlsMaterial.noClientCertificates());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setIncludeCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        HttpConfiguration https = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // The dev certificate names localhost; tests and tools may reach it as 127.0.0.1 too.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(
                server,
                null,
                null,
                buffers,
                -1,
                -1,
                new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.addEventListener(new RequestBufferSize(https.getInputBufferSize()));
        return connector;
    }

    /**
     * The request buffer of an HTTP connection, the one buffer Jetty keeps while a request is handled
     * asynchronously (a start waiting on its SMS vendor): 4 kB holds the request line, the headers and the body of
     * any request this server answers; a larger head or body is read in several fills, as on a plain connection.
     */
    static final int REQUEST_BUFFER_BYTES = 4096;

    /**
     * Gives every HTTP connection over TLS the request buffer of the HTTP configuration. Jetty's TLS endpoint raises
     * an HTTP connection's request buffer to the TLS session's application buffer size (16 kB, 20 kB as the pool
     * rounds it), so that records decrypt straight into it; and Jetty keeps that buffer for as long as a request is
     * handled asynchronously, in case a pipelined request follows. With 1 024 starts waiting on a slow vendor that
     * was 20 MB of heap for a few hundred bytes of request each (docs/benchmarks.md, "1 024 connections, the heap per
     * waiting request"). With a smaller buffer Jetty decrypts into a pooled buffer of its own, given back as soon as
     * the bytes are copied out, so only the small one stays while the request waits.
     */
    static final class RequestBufferSize implements Connection.Listener {
        private final int bytes;

        RequestBufferSize(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public void onOpened(Connection connection) {
            // Called after the TLS endpoint took the HTTP connection, before its first read.
            if (connection instanceof AbstractConnection http && !(connection instanceof SslConnection)) {
                http.setInputBufferSize(bytes);
            }
        }
    }

    /** The HTTP settings of every connector (the HTTPS connector copies them and adds its customizer). */
    static void httpConfiguration(HttpConfiguration http) {
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        // Jetty keeps a header cache per keep-alive connection, built at its second request; at its default
        // size it held about 100 kB per connection (docs/benchmarks.md: 1024 connections exhausted a 128 MB heap),
        // at 256 still 25 kB: none (HEADER_CACHE_SIZE).
        http.setHeaderCacheSize(HEADER_CACHE_SIZE);
        http.setInputBufferSize(REQUEST_BUFFER_BYTES);
        // Heap buffers, not Jetty's default of direct ones: a direct buffer that leaves the bounded pool
        // (bufferPool) is freed only when a collection finds its small heap object, which the serial
        // collector's old generation keeps for minutes; after bursts of 1 024 connections that was 37 MB
        // outside the heap, uncounted by -Xmx (docs/benchmarks.md, "1 024 connections under 256 MiB").
        // Heap buffers are collected like any garbage, within -Xmx. TLS records are already decrypted and
        // encrypted in heap buffers (Jetty's SslConnectionFactory default); the JDK copies a heap buffer
        // through a small per-thread direct buffer at the socket.
        http.setUseInputDirectByteBuffers(false);
        http.setUseOutputDirectByteBuffers(false);
    }

    /**
     * The array through which Javalin copies an answer kept as its result ({@code ctx.result}: the answers completed on
     * another thread, such as a start's once its SMS is handed over, and bodies of {@link Responder#UNCOMPRESSED_BELOW}
     * bytes or more) into the servlet response. Javalin takes a new array for every such answer, as large as this
     * setting, which by default is Jetty's whole response buffer (32 KiB): with 1 024 starts waiting on a slow vendor
     * that was a quarter of all the bytes the server allocated, for answers of a few hundred bytes
     * (docs/benchmarks.md#result-copy). A larger body is copied in several writes into the response's own buffer,
     * which still sends it whole, with its Content-Length or gzipped, as before.
     */
    static final int RESULT_COPY_BYTES = 2048;

    /**
     * Jetty's per-connection header cache, off. It keeps a few request headers (Host, User-Agent, Accept...,
     * Authorization, Cookie) to reuse their parsed form on the connection's next requests, in a table of 96 bytes per
     * character cached: 25 kB for every keep-alive connection at a size of 256, 25 MB of the heap with 1 024
     * connections, to save parsing a Host header per request (docs/benchmarks.md, "1 024 connections, the heap per
     * waiting request"). Jetty's shared cache of common header fields still applies.
     */
    static final int HEADER_CACHE_SIZE = 0;

    /** Most bytes of idle heap buffers the connectors' pool keeps (Jetty's default: an eighth of the heap). */
    static final long POOLED_HEAP_BYTES = 2L << 20;
    /** The same for direct buffers, which live outside the heap (Jetty's default: an eighth of the heap too). */
    static final long POOLED_DIRECT_BYTES = 2L << 20;

    /**
     * The buffers of every connector. Jetty's default pool keeps up to an eighth of the maximum heap in idle heap
     * buffers and as much again in direct buffers outside it: at {@code -Xmx128m} (docs/deployment.md) up to 32 MB
     * after a burst of connections, the direct half on top of the heap (docs/benchmarks.md, "What the measurements
     * changed"). A bound of a few MB still serves every connection (a buffer beyond it is allocated, used and
     * dropped), and a keep-alive connection holds no buffer while it is idle.
     */
    static ByteBufferPool bufferPool() {
        return new ArrayByteBufferPool(0, -1, -1, Integer.MAX_VALUE, POOLED_HEAP_BYTES, POOLED_DIRECT_BYTES);
    }

    /**
     * The server's handler with Javalin's StatisticsHandler replaced by a {@link GracefulHandler}, or the
     * GracefulHandler inserted in front if Javalin's default server ever starts without one.
     */
    static org.eclipse.jetty.server.Handler withoutStatistics(org.eclipse.jetty.server.Handler handler) {
        GracefulHandler graceful = new GracefulHandler();
        if (handler instanceof StatisticsHandler statistics) {
            graceful.setHandler(statistics.getHandler());
        } else {
            graceful.setHandler(handler);
        }
        return graceful;
    }

    /**
     * The servlet context's session handler, without sessions. Javalin makes its servlet context with sessions, and
     * Jetty's session handler then looks on every request for a session id in the cookies and the URI, and wraps the
     * request's stream to save the session at its end. This server keeps no servlet sessions (the hosted login and
     * the console have their own cookies: {@link SessionCookie}, docs/hosted-login.md#cookies), so this one passes
     * the request on and refuses to make a session: a change that starts using {@code HttpSession} fails at once
     * instead of keeping sessions whose ids are never read back.
     */
    static final class NoSessions extends SessionHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            org.eclipse.jetty.server.Handler next = getHandler();
            if (next == null) {
                return false;
            }
            ServletContextRequest servletRequest = Request.as(request, ServletContextRequest.class);
            if (servletRequest != null) {
                // What Jetty's own handler records when a request names no session: getSession(false) is null.
                servletRequest.setRequestedSession(AbstractSessionManager.RequestedSession.NO_REQUESTED_SESSION);
            }
            return next.handle(request, response, callback);
        }

        @Override
        public void newSession(Request request, String requestedSessionId, Consumer<ManagedSession> consumer) {
            throw new UnsupportedOperationException("this server keeps no servlet sessions");
        }
    }

    private void routes(RoutesConfig routes, EndpointSet endpoints, Responder responder, ClientGate gate) {
        routes.before(ctx -> {
            ctx.attribute("phonepass.started", System.nanoTime());
            String id = ctx.header("X-Request-Id");
            if (id == null || !REQUEST_ID.matcher(id).matches()) {
                byte[] b = new byte[8];
                random.nextBytes(b);
                id = HexFormat.of().formatHex(b);
            }
            MDC.put("request_id", id);
            ctx.header("X-Request-Id", id);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Content-Security-Policy", CSP);
            if (listen.production()) {
                ctx.header("Strict-Transport-Security", "max-age=31536000");
            }
            cors(ctx, gate);
        });
        routes.after(ctx -> {
            Long started = ctx.attribute("phonepass.started");
            double ms = started == null ? 0 : (System.nanoTime() - started) / 1e6;
            // The path only: query strings can carry codes and tokens (JSONP) and are never logged. The path is
            // quoted and escaped as audit values are, so no character in it can split or disguise the line.
            String sdk = Auth0ClientHeader.describe(ctx.header("Auth0-Client"));
            if (sdk == null && ctx.method() == HandlerType.GET) {
                sdk = Auth0ClientHeader.describe(ctx.queryParam("auth0Client"));
            }
            if (access.isInfoEnabled()) {
                // The line as one string: the same text as the pattern "{} {} {} {}ms{}" gave, without SLF4J's
                // formatter going through it once per request (docs/benchmarks.md, "The request path, cut again").
                access.info(ctx.method() + " " + LoggingAuditLog.quote(ctx.path()) + " " + ctx.statusCode() + " "
                        + tenths(ms) + "ms" + (sdk == null ? "" : " client=" + sdk));
            }
            MDC.remove("request_id");
            // The request's lines (its audit lines and the access line above) go out in one write, before the
            // answer does (RequestLines).
            RequestLines.end();
        });

        route(
                routes,
                HandlerType.POST,
                "/passwordless/start",
                ErrorCode.Dialect.START,
                endpoints.passwordless()::start);
        route(
                routes,
                HandlerType.GET,
                "/passwordless/start",
                ErrorCode.Dialect.START,
                jsonpOnly(endpoints.passwordless()::start));
        route(routes, HandlerType.POST, "/oauth/ro", ErrorCode.Dialect.OAUTH_RO, endpoints.tokens()::resourceOwner);
        route(
                routes,
                HandlerType.GET,
                "/oauth/ro",
                ErrorCode.Dialect.OAUTH_RO,
                jsonpOnly(endpoints.tokens()::resourceOwner));
        route(
                routes,
                HandlerType.POST,
                "/passwordless/verify",
                ErrorCode.Dialect.OAUTH_RO,
                endpoints.redirect()::verify);
        route(
                routes,
                HandlerType.GET,
                "/passwordless/verify_redirect",
                ErrorCode.Dialect.OAUTH_RO,
                endpoints.redirect()::verifyRedirect);
        route(routes, HandlerType.POST, "/oauth/token", ErrorCode.Dialect.OAUTH_TOKEN, endpoints.tokens()::token);
        route(routes, HandlerType.POST, "/oauth/revoke", ErrorCode.Dialect.OAUTH_TOKEN, endpoints.tokens()::revoke);
        route(routes, HandlerType.POST, "/tokeninfo", ErrorCode.Dialect.OAUTH_RO, endpoints.profiles()::tokenInfo);
        route(
                routes,
                HandlerType.GET,
                "/tokeninfo",
                ErrorCode.Dialect.OAUTH_RO,
                jsonpOnly(endpoints.profiles()::tokenInfo));
        route(routes, HandlerType.GET, "/userinfo", ErrorCode.Dialect.OAUTH_RO, endpoints.profiles()::userInfo);
        route(routes, HandlerType.POST, "/userinfo", ErrorCode.Dialect.OAUTH_RO, endpoints.profiles()::userInfo);
        route(routes, HandlerType.GET, "/.well-known/jwks.json", ErrorCode.Dialect.OAUTH_RO, endpoints.pub()::jwks);
        route(
                routes,
                HandlerType.GET,
                "/.well-known/openid-configuration",
                ErrorCode.Dialect.OAUTH_RO,
                endpoints.pub()::openidConfiguration);
        route(routes, HandlerType.GET, "/user/geoloc/country", ErrorCode.Dialect.OAUTH_RO, endpoints.pub()::country);
        route(routes, HandlerType.GET, "/logout", ErrorCode.Dialect.OAUTH_RO, endpoints.pub()::logout);
        route(routes, HandlerType.GET, "/v2/logout", ErrorCode.Dialect.OAUTH_RO, endpoints.pub()::logout);
        route(routes, HandlerType.GET, "/avatar.svg", ErrorCode.Dialect.OAUTH_RO, endpoints.pub()::avatar);
        route(routes, HandlerType.GET, "/health", ErrorCode.Dialect.OAUTH_RO, endpoints.ops()::health);
        route(routes, HandlerType.GET, "/health/live", ErrorCode.Dialect.OAUTH_RO, endpoints.ops()::live);
        route(routes, HandlerType.GET, "/health/ready", ErrorCode.Dialect.OAUTH_RO, endpoints.ops()::health);
        if (!listen.production()) {
            // Dev mode only: in production the meters are served on the management port (ManagementServer).
            route(routes, HandlerType.GET, "/metrics", ErrorCode.Dialect.OAUTH_RO, endpoints.ops()::metrics);
        }
        if (endpoints.devInbox() != null) {
            route(routes, HandlerType.GET, "/dev/sms", ErrorCode.Dialect.OAUTH_RO, endpoints.devInbox()::page);
            route(routes, HandlerType.GET, "/dev/sms.json", ErrorCode.Dialect.OAUTH_RO, endpoints.devInbox()::json);
        }
        for (EndpointSet.Extra extra : endpoints.extras()) {
            route(routes, extra.method(), extra.path(), ErrorCode.Dialect.OAUTH_RO, extra.handler());
        }

        routes.exception(Exception.class, (e, ctx) -> handle(ctx, e, responder));
        routes.error(404, ctx -> {
            // A route that answered 404 itself (a JSON error, or a page of the console or the hosted login that
            // says what was not found) keeps its answer; only a path no route matched gets this one.
            String type = ctx.res().getContentType();
            if (type == null || !(type.startsWith("application/json") || type.startsWith("text/html"))) {
                responder.error(
                        ctx,
                        null,
                        ErrorCode.Dialect.OAUTH_RO,
                        PhonepassException.of(
                                ErrorCode.NOT_FOUND,
                                "No such endpoint: " + ctx.method() + " " + ClientGate.abbreviate(ctx.path())));
            }
        });
        routes.error(
                405,
                ctx -> responder.error(
                        ctx,
                        null,
                        ErrorCode.Dialect.OAUTH_RO,
                        PhonepassException.of(
                                ErrorCode.METHOD_NOT_ALLOWED,
                                ctx.method() + " is not allowed on " + ClientGate.abbreviate(ctx.path()))));
    }

    private static void route(
            RoutesConfig routes, HandlerType method, String path, ErrorCode.Dialect dialect, Handler handler) {
        routes.addHttpHandler(method, path, ctx -> {
            ctx.attribute(DIALECT_ATTRIBUTE, dialect);
            handler.handle(ctx);
        });
    }

    /** The GET variants of the legacy endpoints exist only for JSONP (a {@code cbx} parameter). */
    private static Handler jsonpOnly(Handler handler) {
        return ctx -> {
            if (ctx.queryParam("cbx") == null) {
                throw PhonepassException.of(
                        ErrorCode.METHOD_NOT_ALLOWED, "GET is only for JSONP calls (with a cbx parameter); use POST");
            }
            handler.handle(ctx);
        };
    }

    private static void handle(Context ctx, Exception raw, Responder responder) {
        Throwable e = AsyncFailures.unwrap(raw);
        ErrorCode.Dialect dialect = ctx.attribute(DIALECT_ATTRIBUTE);
        if (dialect == null) {
            dialect = ErrorCode.Dialect.OAUTH_RO;
        }
        ApiRequest request = ctx.attribute(REQUEST_ATTRIBUTE);
        PhonepassException mapped;
        if (e instanceof PhonepassException pe) {
            mapped = pe;
            if (pe.code() == ErrorCode.INTERNAL) {
                log.error("internal error", pe);
            }
        } else if (e instanceof StoreUnavailableException) {
            log.error("storage unavailable: {}", e.getMessage(), e.getCause());
            mapped = new PhonepassException(
                    ErrorCode.UNAVAILABLE,
                    "The service is temporarily unavailable. Please try again.",
                    Map.of(),
                    5L,
                    null);
        } else if (e instanceof HttpResponseException hre) {
            mapped = PhonepassException.of(
                    hre.getStatus() == 413 ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INVALID_REQUEST,
                    hre.getStatus() == 413 ? "The request body is too large" : "The request could not be processed");
        } else {
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            mapped = PhonepassException.of(
                    ErrorCode.INTERNAL,
                    "Internal error. The request id is " + ctx.res().getHeader("X-Request-Id") + ".");
        }
        responder.error(ctx, request, dialect, mapped);
    }

    /**
     * CORS as Auth0's clients need it (docs/auth0-compatibility.md#cors). A preflight carries no client_id, so it is
     * accepted when any client allows the origin; the real request is then checked against its own client. Endpoints
     * that any page may read (JWKS, discovery) set their own wildcard header; the dev inbox relies on this one.
     */
    private void cors(Context ctx, ClientGate gate) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        if (ctx.path().equals(CrossOriginEndpoints.AUTHENTICATE_PATH)) {
            crossOriginPreflight(ctx, gate, origin);
            return;
        }
        boolean allowed = gate.anyClientAllows(origin);
        if (ctx.method() == HandlerType.OPTIONS) {
            if (!allowed) {
                throw PhonepassException.of(
                        ErrorCode.ORIGIN_NOT_ALLOWED,
                        "Origin " + ClientGate.abbreviate(origin) + " is not allowed by any client");
            }
            ctx.header("Access-Control-Allow-Methods", "GET, POST");
            ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            ctx.header("Access-Control-Max-Age", Long.toString(listen.corsMaxAgeSeconds()));
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
            ctx.status(204);
            ctx.skipRemainingHandlers();
            return;
        }
        if (allowed) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header(
                    "Access-Control-Expose-Headers",
                    "X-Request-Id, Retry-After, x-ratelimit-limit, " + "x-ratelimit-remaining, x-ratelimit-reset");
        }
        ctx.header("Vary", "Origin");
    }

    /**
     * {@code /co/authenticate} is called with credentials (auth0-js {@code withCredentials}), so its CORS answer names
     * the origin and allows credentials, and only for origins of clients that allow cross-origin login: the preflight
     * here, the request itself in {@link CrossOriginEndpoints} once its client is known. Nothing else on this server
     * allows credentials.
     */
    private void crossOriginPreflight(Context ctx, ClientGate gate, String origin) {
        ctx.header("Vary", "Origin");
        if (ctx.method() != HandlerType.OPTIONS) {
            return;
        }
        if (!gate.anyClientAllowsCrossOriginLogin(origin)) {
            throw PhonepassException.of(
                    ErrorCode.ORIGIN_NOT_ALLOWED,
                    "Origin " + ClientGate.abbreviate(origin) + " may not log in cross-origin with any client");
        }
        ctx.header("Access-Control-Allow-Methods", "POST");
        ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        ctx.header("Access-Control-Max-Age", Long.toString(listen.corsMaxAgeSeconds()));
        credentialedCors(ctx, origin);
        ctx.status(204);
        ctx.skipRemainingHandlers();
    }

    /** The credentialed CORS headers for an origin already checked against its client. */
    static void credentialedCors(Context ctx, String origin) {
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Allow-Credentials", "true");
        ctx.header(
                "Access-Control-Expose-Headers",
                "X-Request-Id, Retry-After, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset");
    }

    public void start() {
        app.start();
    }

    public void stop() {
        app.stop();
    }

    /** The ports actually bound (useful when 0 asked for a free port): HTTPS first, then HTTP if any. */
    public List<Integer> ports() {
        return java.util.Arrays.stream(app.jettyServer().server().getConnectors())
                .map(c -> ((ServerConnector) c).getLocalPort())
                .toList();
    }
}
