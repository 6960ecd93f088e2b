package dev.pacioli.operations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pacioli.platform.RequestReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The provider side of Pacioli's open rail protocol (docs/payments-rails.md), played by the
 * connector-outage drill on 127.0.0.1 at a free port: {@code POST /transfers} (idempotent by the
 * {@code Idempotency-Key}, like a real provider) and {@code GET /transfers/{id}}. A provider is external
 * by nature, so a drill that plays one tests the service exactly as production meets it.
 *
 * <p>It goes through three phases. {@link Phase#FAILING}: the first {@code failures} requests are
 * answered 503, creating nothing. {@link Phase#STALLING} (from then on, by itself): a POST is accepted
 * (the transfer is created, paid) and then not answered until the drill recovers the provider or
 * {@link #STALL_MAX_MILLIS} passes, past any connector's read timeout; a GET stalls too. {@link
 * Phase#HEALTHY} (when the drill calls {@link #recover}): answers at once. What the drill reads
 * afterwards: how many times each transfer was accepted (must be once) and how many POSTs named a
 * transfer it already held (a second submission of an accepted payout: must be none).
 */
final class DrillProvider implements AutoCloseable {
    /** The longest a stalled answer waits for the drill to recover the provider. */
    static final long STALL_MAX_MILLIS = 60_000;

    enum Phase {
        FAILING,
        STALLING,
        HEALTHY
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final int failures;
    private final CountDownLatch recovered = new CountDownLatch(1);
    private final Map<String, Integer> accepted = new ConcurrentHashMap<>();
    private final AtomicInteger answered5xx = new AtomicInteger();
    private final AtomicInteger stalled = new AtomicInteger();
    private final AtomicInteger repeats = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();
    private volatile Phase phase = Phase.FAILING;

    private DrillProvider(HttpServer server, int failures) {
        this.server = server;
        this.failures = failures;
    }

    /** A provider on 127.0.0.1 at a free port, failing its first {@code failures} requests with 503. */
    static DrillProvider start(int failures) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        DrillProvider provider = new DrillProvider(server, failures);
        server.setExecutor(provider.threads);
        server.createContext("/transfers", provider::handle);
        server.start();
        return provider;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on every request is answered at once; stalled answers are let go. */
    void recover() {
        phase = Phase.HEALTHY;
        recovered.countDown();
    }

    Phase phase() {
        return phase;
    }

    /** How many times each transfer id was accepted (created). */
    Map<String, Integer> accepted() {
        return Map.copyOf(accepted);
    }

    int answered5xx() {
        return answered5xx.get();
    }

    int stalled() {
        return stalled.get();
    }

    /** POSTs of a transfer the provider already held: second submissions of an accepted payout. */
    int repeats() {
        return repeats.get();
    }

    int posts() {
        return posts.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean post = exchange.getRequestMethod().equals("POST");
            String id = post
                    ? exchange.getRequestHeaders().getFirst("Idempotency-Key")
                    : URLDecoder.decode(
                            exchange.getRequestURI().getRawPath().substring("/transfers/".length()),
                            StandardCharsets.UTF_8);
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (post) {
                posts.incrementAndGet();
            }
            if (phase == Phase.FAILING && answered5xx.incrementAndGet() <= failures) {
                answer(exchange, 503, "{\"error\": \"the provider is failing (drill)\"}");
                return;
            }
            if (phase == Phase.FAILING) {
                answered5xx.decrementAndGet();
                phase = Phase.STALLING;
            }
            boolean known = accepted.containsKey(String.valueOf(id));
            if (post) {
                if (known) {
                    repeats.incrementAndGet();
                } else if (id != null && readable(body)) {
                    accepted.merge(id, 1, Integer::sum);
                }
            }
            if (phase == Phase.STALLING) {
                stalled.incrementAndGet();
                awaitRecovery();
            }
            if (id == null || (!post && !known)) {
                answer(exchange, 404, "{\"error\": \"no such transfer\"}");
                return;
            }
            answer(exchange, post && !known ? 201 : 200, paid(id));
        }
    }

    private void awaitRecovery() {
        try {
            recovered.await(STALL_MAX_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean readable(byte[] body) {
        try {
            JsonNode json = RequestReader.MAPPER.readTree(body);
            return json.path("id").isString();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String paid(String id) {
        return "{\"id\": \"" + id.replace("\"", "") + "\", \"status\": \"paid\", \"provider_reference\": \"drill-"
                + Math.abs(id.hashCode()) + "\", \"failure_reason\": null}";
    }

    private static void answer(HttpExchange exchange, int status, String json) {
        try {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException gone) {
            // the client gave up (a stalled answer past its read timeout): nothing to tell it
        }
    }

    @Override
    public void close() {
        recovered.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
