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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A payment provider on loopback for the drills, speaking the open rail protocol's server side
 * (docs/payments-rails.md): {@code POST /transfers} (idempotent by transfer id, as a real provider) and
 * {@code GET /transfers/{id}}. It pays every transfer, and answers each new one only {@code answerDelay}
 * after accepting it, so a kill lands while submissions are in flight (accepted here, their answer
 * never seen by the killed instance).
 *
 * <p>What it counts is what "none submitted twice" means at the provider: the POSTs of each transfer
 * id. A provider deduplicates a second POST by its idempotency key, so money would not move twice here;
 * but the service promises more (payments.md: after an unknown outcome it asks for the status first and
 * never submits twice), so {@link #submittedMoreThanOnce} names every id POSTed more than once.
 */
final class DrillProvider implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration answerDelay;
    private final Map<String, AtomicInteger> submissions = new ConcurrentHashMap<>();
    private final Map<String, String> transfers = new ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger repeats = new AtomicInteger();
    private final AtomicInteger statusQueries = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();

    private DrillProvider(HttpServer server, Duration answerDelay) {
        this.server = server;
        this.answerDelay = answerDelay;
    }

    static DrillProvider start(Duration answerDelay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        DrillProvider provider = new DrillProvider(server, answerDelay);
        server.setExecutor(provider.threads);
        server.createContext("/transfers", provider::handle);
        server.start();
        return provider;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Transfer ids created (each counted once however often it was received). */
    int created() {
        return transfers.size();
    }

    /** Every POST received. */
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

    /** Transfer ids POSTed more than once, with how many times: empty while all is well. */
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
            if (exchange.getRequestMethod().equals("POST") && path.equals("/transfers")) {
                submitted(exchange, body);
            } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/transfers/")) {
                statusQueries.incrementAndGet();
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

    private void submitted(HttpExchange exchange, byte[] body) throws IOException {
        posts.incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String id = transferId(body);
        if (id == null || !id.equals(key)) {
            answer(exchange, 400, error("the body must be a transfer whose id is the Idempotency-Key"));
            return;
        }
        submissions.computeIfAbsent(id, unused -> new AtomicInteger()).incrementAndGet();
        if (transfers.putIfAbsent(id, "paid") != null) {
            repeats.incrementAndGet();
            answer(exchange, 200, paid(id));
            return;
        }
        unanswered.incrementAndGet();
        try {
            Thread.sleep(answerDelay);
            answer(exchange, 201, paid(id));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            unanswered.decrementAndGet();
        }
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
        server.stop(0);
        threads.shutdownNow();
    }
}
