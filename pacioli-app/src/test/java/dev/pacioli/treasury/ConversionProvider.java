package dev.pacioli.treasury;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pacioli.platform.RequestReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * A conversion provider on loopback speaking the open rail protocol's conversion calls, idempotent by
 * id like a real one: it converts 1:1, fails the ids it is told to, answers the ids it is told to only
 * after the caller's read timeout (accepted, outcome unknown to the caller), and answers 503 to
 * everything while {@link #failing} is set. It counts, per id, the submissions that created a
 * conversion: a correct caller makes exactly one.
 */
final class ConversionProvider implements AutoCloseable {
    enum Behaviour {
        COMPLETE,
        FAIL,
        /** Accepted and completed, but answered only after {@link #SLOW_MILLIS}. */
        SLOW
    }

    static final long SLOW_MILLIS = 1_500;

    final AtomicBoolean failing = new AtomicBoolean();
    private final HttpServer server;
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private final Map<String, Integer> created = new ConcurrentHashMap<>();
    private final Map<String, Integer> posts = new ConcurrentHashMap<>();

    ConversionProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/conversions", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void behave(String id, Behaviour behaviour) {
        behaviours.put(id, behaviour);
    }

    /** Submissions that created a conversion, per id. */
    Map<String, Integer> created() {
        return Map.copyOf(created);
    }

    int postsSeen() {
        return posts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (failing.get()) {
                answer(exchange, 503, "{}");
                return;
            }
            if (exchange.getRequestMethod().equals("GET")) {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring(path.lastIndexOf('/') + 1);
                String body = held.get(id);
                answer(exchange, body == null ? 404 : 200, body == null ? "{}" : body);
                return;
            }
            JsonNode request =
                    RequestReader.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            String id = request.path("id").stringValue();
            posts.merge(id, 1, Integer::sum);
            Behaviour behaviour = behaviours.getOrDefault(id, Behaviour.COMPLETE);
            String body = behaviour == Behaviour.FAIL
                    ? "{\"id\": \"" + id + "\", \"status\": \"failed\", \"failure_reason\": \"declined\"}"
                    : "{\"id\": \"" + id + "\", \"status\": \"completed\", \"to_amount\": "
                            + request.path("from_amount").longValue() + ", \"rate\": \"1.0000\"}";
            if (held.putIfAbsent(id, body) == null) {
                created.merge(id, 1, Integer::sum);
            }
            if (behaviour == Behaviour.SLOW) {
                Thread.sleep(SLOW_MILLIS);
            }
            answer(exchange, 200, held.get(id));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    List<String> ids() {
        return List.copyOf(held.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
