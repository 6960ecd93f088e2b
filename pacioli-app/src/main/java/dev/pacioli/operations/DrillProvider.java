package dev.pacioli.operations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pacioli.platform.RequestReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A payment provider on loopback for the drills, speaking the open rail protocol's server side
 * (docs/payments-rails.md): {@code POST /transfers} (idempotent by transfer id, as a real provider) and
 * {@code GET /transfers/{id}}. It pays every transfer it accepts. A provider is external by nature, so a
 * drill that plays one tests the service exactly as production meets it.
 *
 * <p>Healthy ({@link #start}), it answers each new transfer {@code answerDelay} after accepting it, so a
 * kill lands while submissions are in flight (accepted here, their answer never seen by the killed
 * instance). Failing ({@link #failing}), it goes through phases: {@link Phase#FAILING}, the first {@code
 * failures} requests are answered 503, creating nothing; {@link Phase#STALLING}, from then on by itself,
 * a transfer is accepted (created, paid) and no request is answered until the drill calls {@link
 * #recover} or {@link #STALL_MAX_MILLIS} passes, past any connector's read timeout; {@link Phase#HEALTHY}
 * after {@link #recover}.
 *
 * <p>What it counts is what "none submitted twice" means at the provider: the accepted POSTs of each
 * transfer id (a 503 created nothing, so a POST after one is not a second submission). A provider
 * deduplicates a second POST by its idempotency key, so money would not move twice here; but the service
 * promises more (payments.md: after an unknown outcome it asks for the status first and never submits
 * twice), so {@link #submittedMoreThanOnce} names every id POSTed again once accepted.
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
    private final Duration answerDelay;
    private final int failures;
    private final CountDownLatch recovered = new CountDownLatch(1);
    private final Map<String, AtomicInteger> submissions = new ConcurrentHashMap<>();
    private final Map<String, String> transfers = new ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger repeats = new AtomicInteger();
    private final AtomicInteger statusQueries = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger answered5xx = new AtomicInteger();
    private final AtomicInteger stalled = new AtomicInteger();
    private volatile Phase phase;

    private DrillProvider(HttpServer server, Duration answerDelay, int failures, Phase phase) {
        this.server = server;
        this.answerDelay = answerDelay;
        this.failures = failures;
        this.phase = phase;
    }

    /** A healthy provider on 127.0.0.1 at a free port, answering each new transfer {@code answerDelay} late. */
    static DrillProvider start(Duration answerDelay) throws IOException {
        return start(new DrillProvider(server(), answerDelay, 0, Phase.HEALTHY));
    }

    /** A provider failing its first {@code failures} requests with 503, then stalling until {@link #recover}. */
    static DrillProvider failing(int failures) throws IOException {
        return start(new DrillProvider(server(), Duration.ZERO, failures, Phase.FAILING));
    }

    private static HttpServer server() throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    }

    private static DrillProvider start(DrillProvider provider) {
        provider.server.setExecutor(provider.threads);
        provider.server.createContext("/transfers", provider::handle);
        provider.server.start();
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

    /** Transfer ids created (each counted once however often it was received). */
    int created() {
        return transfers.size();
    }

    /** Every POST received, 503s included. */
    int posts() {
        return posts.get();
    }

    /** POSTs of a transfer already held: deduplicated here, nothing created. */
    int repeats() {
        return repeats.get();
    }

    /** Transfers accepted here whose answer is not sent yet: in flight, for the service. */
    int unanswered() {
        return unanswered.get();
    }

    int statusQueries() {
        return statusQueries.get();
    }

    int answered5xx() {
        return answered5xx.get();
    }

    /** Requests held while stalling. */
    int stalled() {
        return stalled.get();
    }

    /** Transfer ids POSTed again once accepted, with how many accepted POSTs: empty while all is well. */
    Map<String, Integer> submittedMoreThanOnce() {
        Map<String, Integer> twice = new TreeMap<>();
        submissions.forEach((id, count) -> {
            if (count.get() > 1) {
                twice.put(id, count.get());
            }
        });
        return twice;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            boolean post = exchange.getRequestMethod().equals("POST") && path.equals("/transfers");
            boolean get = exchange.getRequestMethod().equals("GET") && path.startsWith("/transfers/");
            if (post) {
                posts.incrementAndGet();
            }
            if ((post || get) && failingNow()) {
                answer(exchange, 503, error("the provider is failing (drill)"));
            } else if (post) {
                submitted(exchange, body);
            } else if (get) {
                statusQueries.incrementAndGet();
                stallIfStalling();
                String id = URLDecoder.decode(path.substring("/transfers/".length()), StandardCharsets.UTF_8);
                boolean held = transfers.containsKey(id);
                answer(exchange, held ? 200 : 404, held ? paid(id) : error("no transfer " + id));
            } else {
                answer(exchange, 404, error("no such route"));
            }
        } catch (IOException e) {
            // The client went away (killed, or it gave up waiting): nothing to answer.
        }
    }

    /** In the failing phase, whether this request is one of the first {@code failures}; else moves on. */
    private synchronized boolean failingNow() {
        if (phase != Phase.FAILING) {
            return false;
        }
        if (answered5xx.get() < failures) {
            answered5xx.incrementAndGet();
            return true;
        }
        phase = Phase.STALLING;
        return false;
    }

    private void submitted(HttpExchange exchange, byte[] body) throws IOException {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String id = transferId(body);
        if (id == null || !id.equals(key)) {
            answer(exchange, 400, error("the body must be a transfer whose id is the Idempotency-Key"));
            return;
        }
        submissions.computeIfAbsent(id, unused -> new AtomicInteger()).incrementAndGet();
        if (transfers.putIfAbsent(id, "paid") != null) {
            repeats.incrementAndGet();
            stallIfStalling();
            answer(exchange, 200, paid(id));
            return;
        }
        unanswered.incrementAndGet();
        try {
            if (!stallIfStalling()) {
                Thread.sleep(answerDelay);
            }
            answer(exchange, 201, paid(id));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            unanswered.decrementAndGet();
        }
    }

    /** Holds the request until the drill recovers the provider, when stalling; answers whether it did. */
    private boolean stallIfStalling() {
        if (phase != Phase.STALLING) {
            return false;
        }
        stalled.incrementAndGet();
        try {
            recovered.await(STALL_MAX_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static String transferId(byte[] body) {
        try {
            JsonNode id = RequestReader.MAPPER.readTree(body).get("id");
            return id != null && id.isString() ? id.stringValue() : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static byte[] paid(String id) {
        ObjectNode node = RequestReader.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("status", "paid");
        node.put("provider_reference", "drill_" + id);
        node.putNull("failure_reason");
        return RequestReader.MAPPER.writeValueAsBytes(node);
    }

    private static byte[] error(String message) {
        ObjectNode node = RequestReader.MAPPER.createObjectNode();
        node.put("error", message);
        return RequestReader.MAPPER.writeValueAsBytes(node);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        recovered.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
