package dev.pacioli.platform.connectors;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A named way out of the service: every call to something outside (a webhook receiver, later a
 * payment rail, an SMTP server, a chain node) goes through one, which gives it timeouts, retries when
 * the caller declares the call {@link Idempotence#IDEMPOTENT} (never otherwise), a circuit breaker,
 * the outbound policy (for HTTP), and a health that {@code GET /v1/connectors} and
 * {@code pacioli_connector_state} show.
 *
 * <p>The breaker is resilience4j's, configured so its window is the last {@code failures} calls and it
 * opens when all of them failed: {@code failures} failures in a row. After {@code openWait} it lets
 * {@code successes} trial calls through (half-open); any failure among them opens it again, all of them
 * succeeding closes it. (resilience4j alone would close on a failure rate below its threshold; the
 * reopen on the first half-open failure is ours.) While open, a call is refused at once with
 * {@link CircuitOpenException} and nothing is sent: the caller keeps its work for later.
 *
 * <p>What counts as a failure: an {@link IOException} (refused connection, timeout, reset) or an
 * answer the caller's {@link Judge} calls one. A refusal by the outbound policy is recorded as the
 * last error but does not count against the breaker: the remote end did nothing wrong, nothing was
 * sent. Thread-safe; calls run on their caller's thread.
 */
public final class Connector {
    /** The longest last error kept. */
    static final int ERROR_LENGTH_MAX = 500;

    /** One attempt of a call. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Why an attempt's result is a failure, or null when it is not. */
    @FunctionalInterface
    public interface Judge<T> {
        String failure(T result);
    }

    /** What the connector shows of itself: times in epoch milliseconds, 0 for never. */
    public record Health(
            String state, int recentFailures, long lastSuccessAtMillis, long lastFailureAtMillis, String lastError) {}

    private final String name;
    private final String kind;
    private final ConnectorSettings settings;
    private final CircuitBreaker breaker;
    private final OutboundHttp http;
    private final ConnectorMetrics metrics;
    private volatile long openedAtNanos;
    private volatile long lastSuccessAtMillis;
    private volatile long lastFailureAtMillis;
    private volatile String lastError;

    Connector(String name, String kind, ConnectorSettings settings, OutboundHttp http, ConnectorMetrics metrics) {
        this.name = name;
        this.kind = kind;
        this.settings = settings;
        this.http = http;
        this.metrics = metrics;
        ConnectorSettings.Breaker rule = settings.breaker();
        this.breaker = CircuitBreaker.of(
                name,
                CircuitBreakerConfig.custom()
                        .slidingWindow(
                                rule.failures(), rule.failures(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .failureRateThreshold(100)
                        .waitDurationInOpenState(rule.openWait())
                        .permittedNumberOfCallsInHalfOpenState(rule.successes())
                        .automaticTransitionFromOpenToHalfOpenEnabled(false)
                        .writableStackTraceEnabled(false)
                        .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAtNanos = System.nanoTime();
            }
        });
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public ConnectorSettings settings() {
        return settings;
    }

    /**
     * Runs a call: one attempt, or for an idempotent call up to the retry settings' attempts with
     * backoff and jitter between them, while the breaker allows. Returns the last attempt's result, a
     * failure by the judge included; throws the last attempt's exception.
     *
     * @throws CircuitOpenException when the breaker refuses the (first or a later) attempt
     * @throws OutboundRefusedException when the outbound policy refuses the target (never retried)
     */
    public <T> T call(Idempotence idempotence, Attempt<T> attempt, Judge<? super T> judge)
            throws IOException, InterruptedException {
        int attemptsMax =
                idempotence == Idempotence.IDEMPOTENT ? settings.retry().attemptsMax() : 1;
        for (int made = 1; ; made++) {
            boolean last = made >= attemptsMax;
            try {
                T result = once(attempt, judge);
                if (last || judge.failure(result) == null) {
                    return result;
                }
            } catch (CircuitOpenException | OutboundRefusedException e) {
                throw e;
            } catch (IOException e) {
                if (last) {
                    throw e;
                }
            }
            Thread.sleep(jittered(settings.retry().backoffBefore(made + 1)));
        }
    }

    /** An HTTP exchange through {@link #call}, under this connector's timeouts and the outbound policy. */
    public HttpExchange.Answer send(
            HttpExchange.Request request, Idempotence idempotence, Judge<HttpExchange.Answer> judge)
            throws IOException, InterruptedException {
        return call(
                idempotence, () -> http.exchange(request, settings.connectTimeout(), settings.readTimeout()), judge);
    }

    private <T> T once(Attempt<T> attempt, Judge<? super T> judge) throws IOException, InterruptedException {
        if (!breaker.tryAcquirePermission()) {
            metrics.call(name, "not_permitted");
            throw new CircuitOpenException(name);
        }
        long startNanos = System.nanoTime();
        T result;
        try {
            result = attempt.run();
        } catch (OutboundRefusedException e) {
            breaker.releasePermission();
            lastFailureAtMillis = System.currentTimeMillis();
            lastError = shortened("refused: " + e.getMessage());
            metrics.call(name, "refused");
            throw e;
        } catch (InterruptedException e) {
            breaker.releasePermission();
            throw e;
        } catch (IOException | RuntimeException e) {
            failed(startNanos, e, e instanceof ConnectorTimeoutException ? e.getMessage() : describe(e));
            throw e;
        }
        String failure = judge.failure(result);
        if (failure == null) {
            breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            lastSuccessAtMillis = System.currentTimeMillis();
            metrics.call(name, "succeeded");
        } else {
            failed(startNanos, new IOException(failure), failure);
        }
        return result;
    }

    private void failed(long startNanos, Throwable cause, String description) {
        boolean trial = breaker.getState() == CircuitBreaker.State.HALF_OPEN;
        breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, cause);
        // resilience4j, on the last trial, closes when the failure rate is below its threshold (100 %):
        // a failed trial beside a good one would close it. Any failed trial opens it again instead.
        if (trial && breaker.getState() != CircuitBreaker.State.OPEN) {
            try {
                breaker.transitionToOpenState();
            } catch (IllegalStateTransitionException raced) {
                // another call moved it meanwhile: its decision stands
            }
        }
        lastFailureAtMillis = System.currentTimeMillis();
        lastError = shortened(description);
        metrics.call(name, "failed");
    }

    /**
     * The breaker's state as the API names it. An open breaker whose wait has passed is moved to
     * half-open when looked at (resilience4j moves it on the next call; no timer thread is kept).
     */
    public String state() {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN
                && System.nanoTime() - openedAtNanos
                        >= settings.breaker().openWait().toNanos()) {
            try {
                breaker.transitionToHalfOpenState();
            } catch (IllegalStateTransitionException raced) {
                // a call moved it first
            }
            state = breaker.getState();
        }
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case HALF_OPEN -> "half_open";
            case OPEN, FORCED_OPEN -> "open";
        };
    }

    /** {@code pacioli_connector_state}: 0 closed, 1 half-open, 2 open. */
    double stateCode() {
        return switch (state()) {
            case "half_open" -> 1;
            case "open" -> 2;
            default -> 0;
        };
    }

    public Health health() {
        String state = state();
        return new Health(
                state,
                breaker.getMetrics().getNumberOfFailedCalls(),
                lastSuccessAtMillis,
                lastFailureAtMillis,
                lastError);
    }

    private long jittered(Duration wait) {
        double fraction = settings.retry().jitterFraction();
        double factor = fraction == 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-fraction, fraction);
        return Math.max(1, Math.round(wait.toMillis() * factor));
    }

    /** An exception as the last error: its kind and message, never a request's URL or headers. */
    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e.getClass() == IOException.class && message != null) {
            return message; // the outbound HTTP client's own, already worded for people
        }
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }

    private static String shortened(String text) {
        return text.length() <= ERROR_LENGTH_MAX ? text : text.substring(0, ERROR_LENGTH_MAX - 1) + "…";
    }

    @Override
    public String toString() {
        return name + " (" + kind + ")";
    }
}
