package dev.pacioli.platform;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A write that reaches an instance not writing its ledger goes to the instance that does (operations.md,
 * high availability), so clients may talk to any instance: the request as it came — method, path,
 * query, body and the headers that carry its meaning — answered with the holder's answer as it is. The
 * holder runs the gate again (the key, the idempotency key), so a retry by id through either instance is
 * the same request.
 *
 * <p>One hop only: a request that arrives forwarded ({@value #FORWARDED_HEADER}) at an instance that does
 * not write the ledger either (the writer moved meanwhile) is answered 503 {@code writer_unavailable},
 * as is a write while no live holder has advertised where it takes writes (a takeover in progress): the
 * client retries after {@code Retry-After}, by the same id.
 */
public final class WriteForwarding {
    public static final String WRITER_UNAVAILABLE = "writer_unavailable";
    static final String FORWARDED_HEADER = "X-Pacioli-Forwarded";
    static final long RETRY_AFTER_SECONDS = 1;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Longer than a large batch takes; a holder silent this long is paused or gone, and loses its lease. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /** The request headers that travel with it; hop-by-hop and length headers are the client's own. */
    private static final List<String> REQUEST_HEADERS =
            List.of("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "Accept");
    /** The answer's headers that travel back. */
    private static final List<String> ANSWER_HEADERS =
            List.of("Idempotent-Replayed", "Location", "Retry-After", "WWW-Authenticate");

    WriteForwarding() {}

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** The holder's answer to the request, or 503 {@code writer_unavailable} when it cannot be had. */
    Reply forward(Context context, byte[] body, URI holder, String ledger) {
        if (context.header(FORWARDED_HEADER) != null) {
            throw unavailable("ledger '" + ledger + "' is not written here either: its writer moved; retry");
        }
        String query = context.queryString();
        URI target = holder.resolve(context.path() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(ANSWER_TIMEOUT)
                .header(FORWARDED_HEADER, "1")
                .method(context.method().name(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : REQUEST_HEADERS) {
            String value = context.header(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> answer;
        try {
            answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable("the writer of ledger '" + ledger + "' (" + holder + ") could not be reached: "
                    + e.getMessage() + "; retry by the same id");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while forwarding to the writer of ledger '" + ledger + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : ANSWER_HEADERS) {
            answer.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
        }
        String contentType = answer.headers().firstValue("Content-Type").orElse("application/json");
        return new Reply(answer.statusCode(), contentType, answer.body(), headers);
    }

    /** The problem of a write this instance cannot make or forward now: 503 {@code writer_unavailable}. */
    public static ApiException unavailable(String detail) {
        return new ApiException(503, WRITER_UNAVAILABLE, detail, List.of(), RETRY_AFTER_SECONDS);
    }

    /** Whether {@code thrown} (or what caused it) says that another instance writes the ledger. */
    public static boolean isWriterElsewhere(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api && WRITER_UNAVAILABLE.equals(api.code)) {
                return true;
            }
        }
        return false;
    }
}
