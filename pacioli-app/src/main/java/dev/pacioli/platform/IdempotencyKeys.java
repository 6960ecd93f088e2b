package dev.pacioli.platform;

import dev.pacioli.platform.IdempotencyStore.Answer;
import dev.pacioli.platform.IdempotencyStore.Fingerprint;
import dev.pacioli.platform.IdempotencyStore.InUse;
import dev.pacioli.platform.IdempotencyStore.Replay;
import dev.pacioli.platform.IdempotencyStore.Reserved;
import dev.pacioli.platform.IdempotencyStore.Reused;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on every mutating route (docs/api.md, "Idempotency"). The gate calls
 * {@link #run} around a route's action once the request passed every other check, so the key is known
 * to belong to an authenticated API key and the body is read.
 *
 * <p>Invariants. A key is reserved in PostgreSQL before the action runs, and only the request holding
 * the reservation runs it, so concurrent identical requests, on one instance or several on the same
 * database, produce one effect: the others answer 409 {@code idempotency_key_in_use} while it runs
 * and the stored answer once it finished. What a retry should not see again is not stored: 429 and
 * every 5xx (overloaded, storage unavailable, not ready, a bug) release the key, so the retry runs the
 * action again; every other answer, 2xx or 4xx, is stored for {@link #RETENTION_MILLIS}.
 *
 * <p>Limits. A reservation left by a process that stopped blocks its key for {@link #LEASE_MILLIS}
 * at most; then the same request takes it over. Expired rows are deleted by the requests themselves:
 * every {@link #CLEANUP_EVERY}th reservation deletes up to {@link #CLEANUP_ROWS_MAX} of them, far more
 * than the reservations made meanwhile, so the table holds about a day of keys without a job.
 *
 * <p>Stored bodies are sealed under the caller's API key secret ({@link IdempotencySeal}), so the table
 * holds no answer that someone reading the database could use, such as a new API key's secret.
 */
public final class IdempotencyKeys {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    public static final int KEY_LENGTH_MAX = 255;

    /** A stored answer is kept at least this long: 24 hours. */
    public static final long RETENTION_MILLIS = 24L * 60 * 60 * 1_000;

    /**
     * How long a reservation blocks its key: twice the longest a write waits for its writer (60 s), so
     * a request still running is never taken over, and a crashed one frees its key within two minutes.
     */
    public static final long LEASE_MILLIS = 120_000;

    static final int CLEANUP_EVERY = 64;
    static final int CLEANUP_ROWS_MAX = 1_000;

    /** The headers of a stored answer that are not replayed: the server sets them per request. */
    private static final List<String> UNSTORED_HEADERS = List.of("X-Request-Id", "Connection", "Retry-After");

    private final IdempotencyStore store;
    private final AtomicLong reservations = new AtomicLong();

    public IdempotencyKeys(IdempotencyStore store) {
        this.store = store;
    }

    /** The route's work, answering a problem as a reply so that it can be stored too. */
    @FunctionalInterface
    public interface Work {
        Reply perform() throws Exception;
    }

    /** The answer to a mutating call: its own when it has no key, else reserved, run and stored, or replayed. */
    public Reply run(Call call, Work work) throws Exception {
        String key = key(call.context);
        if (key == null || call.key == null) {
            return work.perform();
        }
        byte[] sealingKey = IdempotencySeal.key(HttpServer.bearerSecret(call.context));
        return run(call.key.id(), sealingKey, key, fingerprint(call), work);
    }

    /**
     * As {@link #run(Call, Work)}, for a request with this API key, idempotency key and fingerprint.
     *
     * @param sealingKey the key stored answers are sealed with, derived from the API key's secret
     */
    public Reply run(String apiKeyId, byte[] sealingKey, String key, Fingerprint request, Work work) throws Exception {
        cleanUpNowAndThen();
        return switch (store.reserve(apiKeyId, key, request)) {
            case Reserved reserved -> runHolding(apiKeyId, sealingKey, key, reserved.holder(), work);
            case Replay replay ->
                replayed(
                        replay.answer(),
                        IdempotencySeal.open(
                                sealingKey, apiKeyId, key, replay.answer().body()));
            case InUse inUse ->
                throw new ApiException(
                        409, "idempotency_key_in_use", "a request with this Idempotency-Key is still running; retry");
            case Reused reused ->
                throw new ApiException(
                        422,
                        "idempotency_key_reused",
                        "this Idempotency-Key was used for a different request (method, path or body)");
        };
    }

    private Reply runHolding(String apiKeyId, byte[] sealingKey, String key, UUID holder, Work work) throws Exception {
        Reply reply;
        try {
            reply = work.perform();
        } catch (Exception | Error e) {
            release(apiKeyId, key, holder);
            throw e;
        }
        if (reply.status() == 429 || reply.status() >= 500) {
            release(apiKeyId, key, holder);
            return reply;
        }
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        UNSTORED_HEADERS.forEach(headers::remove);
        byte[] sealed = IdempotencySeal.seal(sealingKey, apiKeyId, key, reply.body());
        try {
            if (!store.complete(
                    apiKeyId, key, holder, new Answer(reply.status(), reply.contentType(), headers, sealed))) {
                LOG.warn("the reservation of an idempotency key was taken over before its request finished");
            }
        } catch (RuntimeException e) {
            // The action took effect: its answer is worth more to the client than a 503 would be. The
            // key stays reserved until its lease passes; a retry then runs again (ids still guard it).
            LOG.warn("could not store the answer of an idempotency key: {}", e.getMessage());
        }
        return reply;
    }

    /** Frees the key after an answer that is not stored; when the database fails, the lease frees it later. */
    private void release(String apiKeyId, String key, UUID holder) {
        try {
            store.release(apiKeyId, key, holder);
        } catch (RuntimeException e) {
            LOG.warn("could not release an idempotency key: {}", e.getMessage());
        }
    }

    private static Reply replayed(Answer answer, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        headers.put(REPLAYED, "true");
        return new Reply(answer.status(), answer.contentType(), body, Collections.unmodifiableMap(headers));
    }

    private void cleanUpNowAndThen() {
        if (reservations.incrementAndGet() % CLEANUP_EVERY == 0) {
            int deleted = store.deleteExpired(CLEANUP_ROWS_MAX);
            if (deleted > 0) {
                LOG.debug("deleted {} expired idempotency keys", deleted);
            }
        }
    }

    /** The request's key, null when it sent none; a 400 when it breaks the rule. */
    static String key(Context context) {
        List<String> values = Collections.list(context.req().getHeaders(HEADER));
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1 || !isKey(values.getFirst())) {
            throw new ApiException(
                    400,
                    "invalid_idempotency_key",
                    "send one Idempotency-Key of 1 to " + KEY_LENGTH_MAX
                            + " printable ASCII characters without spaces (0x21 to 0x7E)");
        }
        return values.getFirst();
    }

    /** 1..255 characters of 0x21..0x7E: printable ASCII without the space. */
    public static boolean isKey(String value) {
        if (value.isEmpty() || value.length() > KEY_LENGTH_MAX) {
            return false;
        }
        return value.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }

    private static Fingerprint fingerprint(Call call) {
        String query = call.context.req().getQueryString();
        String path = call.context.req().getRequestURI() + (query == null ? "" : "?" + query);
        return fingerprint(call.context.method().name(), path, call.body);
    }

    public static Fingerprint fingerprint(String method, String pathAndQuery, byte[] body) {
        return new Fingerprint(method, pathAndQuery, sha256(body));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
