package dev.pacioli.platform;

import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limits;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP server: Javalin on Jetty 12, every request on its own virtual thread, so a request waiting
 * for its ledger's writer parks cheaply instead of holding a platform thread.
 *
 * <p>Every route passes the same gate, in this order, before its action runs: the API key (401), the
 * route's role, then its flags (403), the key's rate limit (429), the query parameters (400 for any
 * unknown one), the ledger named in the path and the key's ledger scope (404, so a scoped key cannot learn which other
 * ledgers exist), and the body (415 for a non-JSON type, 413 over the route's limit). A mutating route
 * (POST, PUT, PATCH, DELETE) then runs under its {@code Idempotency-Key}, when the request sent one
 * ({@link IdempotencyKeys}: 400 for a bad key, 409 while the same key runs, 422 for the key reused on
 * another request, the stored answer for the same request again). An
 * {@link ApiException} anywhere becomes a problem document; any other exception is a bug, logged and
 * answered 500 {@code internal_error}.
 *
 * <p>Shutdown drains: requests reaching a route are refused with 503 {@code not_ready} while those in
 * flight finish; then Jetty stops gracefully (its listener closes, requests already received are
 * answered, late ones get 503 too).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("pacioli.access");
    private static final String REQUEST_ID = "X-Request-Id";
    private static final String STARTED_AT = "pacioli.started";
    private static final String ROUTE = "pacioli.route";

    /** A body over its limit is read and dropped up to this much before the 413, then the connection closes. */
    public static final long DISCARD_BYTES_MAX = 32L << 20;

    /** Shutdown closes the listener only after this long without a new request (within the drain bound). */
    public static final long QUIET_NANOS = 250_000_000L;

    /**
     * Connections the kernel completes and holds for the acceptor (the listen backlog; the kernel caps
     * it at {@code net.core.somaxconn}). Java's default is 50: in a burst of new connections, Linux
     * then drops handshakes past it, and a client whose final ACK was dropped believes it is connected
     * and sends its request, which is reset if the listener closes (at shutdown) before a retransmitted
     * handshake gets in.
     */
    public static final int ACCEPT_QUEUE_SIZE = 1_024;

    /** How long shutdown waits for requests in flight. */
    public static final long DRAIN_MILLIS_MAX = 30_000;

    /**
     * @param host the address to listen on; 127.0.0.1 unless the operator opens it
     * @param port 0 for any free port
     */
    public record Settings(String host, int port, long rateLimitPerSecond, long rateLimitBurst, boolean accessLog) {}

    private final Settings settings;
    private final Authenticator authenticator;
    private final LedgerDirectory ledgers;
    private final WriteForwarding forwarding = new WriteForwarding();
    private final ServiceMetrics metrics;
    private final RateLimiter rateLimiter;
    private final IdempotencyKeys idempotencyKeys;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile long lastArrivalNanos = System.nanoTime();
    private final Javalin javalin;

    public HttpServer(
            Settings settings,
            Authenticator authenticator,
            LedgerDirectory ledgers,
            ServiceMetrics metrics,
            IdempotencyKeys idempotencyKeys,
            List<Route> routes) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.ledgers = ledgers;
        this.metrics = metrics;
        this.idempotencyKeys = idempotencyKeys;
        this.rateLimiter = new RateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst());
        this.javalin = Javalin.create(config -> configure(config, routes));
    }

    private void configure(JavalinConfig config, List<Route> routes) {
        config.concurrency.useVirtualThreads = true;
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = Route.BATCH_BODY_BYTES_MAX;
        config.http.prefer405over404 = true;
        config.router.ignoreTrailingSlashes = false;
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new ProblemErrorHandler());
            // Graceful stop: stop accepting connections, let requests already received finish.
            server.insertHandler(new GracefulHandler());
            server.setStopTimeout(DRAIN_MILLIS_MAX);
        });
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
            return connector;
        });
        config.routes.before(this::begin);
        config.routes.after(this::end);
        for (Route route : routes) {
            io.javalin.http.Handler handler = context -> handle(route, context);
            if (route.method().equals(HandlerType.GET)) {
                config.routes.get(route.path(), handler);
            } else if (route.method().equals(HandlerType.POST)) {
                config.routes.post(route.path(), handler);
            } else if (route.method().equals(HandlerType.PUT)) {
                config.routes.put(route.path(), handler);
            } else if (route.method().equals(HandlerType.DELETE)) {
                config.routes.delete(route.path(), handler);
            } else if (route.method().equals(HandlerType.PATCH)) {
                config.routes.patch(route.path(), handler);
            } else {
                throw new IllegalArgumentException("no such method in the API: " + route.method());
            }
        }
        config.routes.error(404, context -> {
            if (context.attribute(ROUTE) == null) {
                problem(context, ApiException.notFound("route_not_found", "no route " + context.path()));
            }
        });
        config.routes.error(
                405,
                context -> problem(
                        context,
                        new ApiException(
                                405, "method_not_allowed", context.method() + " is not allowed on " + context.path())));
        config.routes.exception(ApiException.class, (e, context) -> problem(context, e));
        config.routes.exception(LedgerStore.StoreException.class, (e, context) -> {
            // The SQLSTATE and the database's own message say which failure it was (08006 a lost
            // connection, 57014 a cancelled statement, 53300 too many connections).
            SQLException cause = sqlCause(e);
            LOG.atWarn()
                    .addKeyValue("sqlstate", cause == null ? null : cause.getSQLState())
                    .log(
                            "storage failed: {}{}",
                            e.getMessage(),
                            cause == null ? "" : " (SQLSTATE " + cause.getSQLState() + ": " + cause.getMessage() + ")");
            problem(context, new ApiException(503, "storage_unavailable", "the database is unreachable; retry"));
        });
        config.routes.exception(Exception.class, (e, context) -> {
            LOG.error("request failed with a bug", e);
            problem(context, new ApiException(500, "internal_error", "an unexpected error; see the service log"));
        });
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    public HttpServer start() {
        javalin.start();
        return this;
    }

    public int port() {
        return javalin.port();
    }

    private void begin(Context context) {
        lastArrivalNanos = System.nanoTime();
        String requestId = context.header(REQUEST_ID);
        if (requestId == null || !isRequestId(requestId)) {
            requestId = UUID.randomUUID().toString();
        }
        context.attribute(STARTED_AT, System.nanoTime());
        context.header(REQUEST_ID, requestId);
        MDC.put("request_id", requestId);
    }

    private static boolean isRequestId(String value) {
        if (value.isEmpty() || value.length() > 128) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private void end(Context context) {
        Long started = context.attribute(STARTED_AT);
        long nanos = started == null ? 0 : System.nanoTime() - started;
        String route = context.attribute(ROUTE);
        String label = route == null ? "unmatched" : route;
        int status = context.statusCode();
        metrics.request(context.method().name(), label, status, nanos);
        if (settings.accessLog()) {
            ACCESS.atInfo()
                    .addKeyValue("method", context.method().name())
                    .addKeyValue("route", label)
                    .addKeyValue("path", context.path())
                    .addKeyValue("status", status)
                    .addKeyValue("duration_micros", nanos / 1_000)
                    .log("request");
        }
        MDC.remove("request_id");
    }

    private void handle(Route route, Context context) throws Exception {
        context.attribute(ROUTE, route.path());
        inFlight.incrementAndGet();
        try {
            if (draining) {
                context.header("Connection", "close");
                throw new ApiException(503, "not_ready", "the service is shutting down");
            }
            Call call = admit(route, context);
            Reply reply = isMutating(route)
                    ? writeHereOrForward(route, call)
                    : route.action().handle(call);
            context.status(reply.status());
            reply.headers().forEach(context::header);
            context.contentType(reply.contentType());
            context.result(reply.body());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * A write to a ledger another instance writes goes to it, idempotency key and all (the holder keeps
     * the key's record); every other write runs here under its idempotency key.
     */
    private Reply writeHereOrForward(Route route, Call call) throws Exception {
        if (route.path().contains("{ledger}")) {
            String ledger = call.context.pathParam("ledger");
            if (!ledgers.writesHere(ledger)) {
                URI holder = ledgers.writerElsewhere(ledger)
                        .orElseThrow(() -> WriteForwarding.unavailable("no instance writes ledger '" + ledger
                                + "' at this moment (its writer is being taken over); retry by the same id"));
                return forwarding.forward(call.context, call.body, holder, ledger);
            }
        }
        return idempotencyKeys.run(call, () -> perform(route, call));
    }

    private static boolean isMutating(Route route) {
        return !route.method().equals(HandlerType.GET);
    }

    /**
     * A mutating route's action, with a refusal answered as a reply rather than thrown, so that the
     * idempotency keys can store it. Anything else thrown (storage failures, bugs) goes on to the
     * exception handlers: those answers are 5xx, never stored.
     */
    private static Reply perform(Route route, Call call) throws Exception {
        try {
            return route.action().handle(call);
        } catch (ApiException e) {
            return problemReply(call.context, e);
        }
    }

    /** The gate every route passes; see the class comment for its order. */
    private Call admit(Route route, Context context) {
        ApiKey key = null;
        if (route.role() != null) {
            key = authenticate(context);
            // The role, then the flags: a flag never stands in for a role.
            String refusal = route.refusal(key);
            if (refusal != null) {
                throw new ApiException(403, "forbidden", refusal);
            }
            long waitSeconds = rateLimiter.acquire(key.id());
            if (waitSeconds > 0) {
                throw new ApiException(
                        429, "rate_limited", "this key's request rate is exceeded", List.of(), waitSeconds);
            }
        }
        checkQuery(route, context);
        if (route.path().contains("{ledger}")) {
            checkLedger(context, key);
        }
        byte[] body = route.bodyBytesMax() > 0 ? body(route, context) : new byte[0];
        return new Call(context, key, body);
    }

    /** The bearer secret of the request's {@code Authorization} header, or null. */
    static String bearerSecret(Context context) {
        String header = context.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim()
                : null;
    }

    private ApiKey authenticate(Context context) {
        String header = context.header("Authorization");
        String secret = bearerSecret(context);
        Optional<ApiKey> key = secret == null || secret.isEmpty() || secret.length() > 256
                ? Optional.empty()
                : authenticator.authenticate(secret);
        if (key.isEmpty()) {
            context.header("WWW-Authenticate", "Bearer");
            throw new ApiException(
                    401,
                    "unauthorized",
                    header == null
                            ? "send an API key: Authorization: Bearer <key>"
                            : "the API key is unknown or revoked");
        }
        return key.get();
    }

    /** What {@code errors[].field} says for a query parameter sent without a name ({@code ?=x}). */
    public static final String UNNAMED_PARAMETER = "(unnamed)";

    /**
     * The path and query parameters: every one named by the route (or a metadata filter where the route
     * takes them), and every name and value text that storage could hold, so no read or write sends the
     * database a string it refuses.
     */
    private static void checkQuery(Route route, Context context) {
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : context.queryParamMap().entrySet()) {
            String name = parameter.getKey();
            String field = name.isEmpty() ? UNNAMED_PARAMETER : RequestReader.printable(name);
            if (!Limits.isStorableText(name) || !parameter.getValue().stream().allMatch(Limits::isStorableText)) {
                errors.add(RequestReader.invalidString(field));
                continue;
            }
            boolean metadata = route.metadataFilters() && name.startsWith(Call.METADATA_PREFIX);
            if (!metadata && !route.query().contains(name)) {
                errors.add(new FieldError(
                        field,
                        FieldError.UNKNOWN_FIELD,
                        name.isEmpty()
                                ? "a query parameter has no name"
                                : "this route has no query parameter '" + field + "'"));
            }
        }
        for (Map.Entry<String, String> parameter : context.pathParamMap().entrySet()) {
            if (!Limits.isStorableText(parameter.getValue())) {
                errors.add(RequestReader.invalidString(parameter.getKey()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }

    /** The ledger of the path must exist and the key may see it; otherwise 404 either way. */
    private void checkLedger(Context context, ApiKey key) {
        String name = context.pathParam("ledger");
        if (!Limits.isIdentifier(name) || (key != null && !key.coversLedger(name)) || !ledgers.exists(name)) {
            throw ApiException.notFound("ledger_not_found", "no ledger named '" + name + "'");
        }
    }

    private static byte[] body(Route route, Context context) {
        String contentType = context.contentType();
        long length = context.req().getContentLengthLong();
        if (contentType != null
                && length != 0
                && !isJson(contentType)
                && !route.bodyTypes().contains(mediaType(contentType))) {
            throw new ApiException(
                    415,
                    "unsupported_media_type",
                    "send the body as application/json"
                            + route.bodyTypes().stream()
                                    .sorted()
                                    .map(type -> " or " + type)
                                    .collect(Collectors.joining()));
        }
        try (InputStream in = context.req().getInputStream()) {
            byte[] body = length > route.bodyBytesMax() ? new byte[0] : in.readNBytes((int) route.bodyBytesMax() + 1);
            if (length > route.bodyBytesMax() || body.length > route.bodyBytesMax()) {
                // Read the rest (within a bound) before answering: a server that answers and closes
                // while the client still sends makes the client's TCP stack drop the answer.
                boolean drained = in.skip(DISCARD_BYTES_MAX) < DISCARD_BYTES_MAX && in.read() == -1;
                throw tooLarge(route, drained);
            }
            return body;
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body could not be read: " + e.getMessage());
        }
    }

    /** The media type of a {@code Content-Type} header, without parameters, lower case. */
    public static String mediaType(String contentType) {
        return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String contentType) {
        String type = mediaType(contentType);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static ApiException tooLarge(Route route, boolean drained) {
        ApiException tooLarge =
                new ApiException(413, "body_too_large", "the body is larger than " + route.bodyBytesMax() + " bytes");
        return drained ? tooLarge : tooLarge.closingConnection();
    }

    private static void problem(Context context, ApiException e) {
        Reply reply = problemReply(context, e);
        context.status(reply.status());
        reply.headers().forEach(context::header);
        context.contentType(reply.contentType());
        context.result(reply.body());
    }

    private static Reply problemReply(Context context, ApiException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.closeConnection) {
            headers.put("Connection", "close");
        }
        if (e.retryAfterSeconds > 0) {
            headers.put("Retry-After", Long.toString(e.retryAfterSeconds));
        }
        byte[] body = Problems.write(e, context.res().getHeader(REQUEST_ID));
        return new Reply(e.status, Problems.CONTENT_TYPE, body, headers);
    }

    /**
     * Stops taking requests, lets those in flight finish (at most {@link #DRAIN_MILLIS_MAX}), then stops
     * the server. The caller closes the ledgers afterwards, so queued work still commits.
     */
    @Override
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + DRAIN_MILLIS_MAX * 1_000_000;
        // Keep listening until requests in flight are done and none arrived for a quiet period: clients
        // whose connections wait in the accept queue get a 503 rather than a reset when the listener closes.
        while ((inFlight.get() > 0 || System.nanoTime() - lastArrivalNanos < QUIET_NANOS)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        javalin.stop();
    }
}
