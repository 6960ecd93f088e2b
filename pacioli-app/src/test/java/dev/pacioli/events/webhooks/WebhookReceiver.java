package dev.pacioli.events.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A webhook receiver on loopback (the JDK's HTTP server): each path has its behaviour and its
 * secrets, and every request that arrives is recorded with whether its signature verified.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived, and what it was answered. */
    public record Received(
            String path,
            String id,
            String timestamp,
            String signature,
            byte[] body,
            boolean verified,
            int attempt,
            int answered,
            long atNanos) {}

    /** What a path answers: a status (and optionally Retry-After), after any delay it likes. */
    public interface Behaviour {
        Answer answer(int attempt) throws InterruptedException;
    }

    public record Answer(int status, String retryAfter) {
        public static Answer of(int status) {
            return new Answer(status, null);
        }
    }

    private final HttpServer server;
    private final Map<String, List<String>> secrets = new ConcurrentHashMap<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    public final List<Received> received = new CopyOnWriteArrayList<>();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** Serves {@code path} with this behaviour; returns its URL. */
    public String route(String path, Behaviour behaviour) {
        server.createContext(path, exchange -> handle(path, behaviour, exchange));
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The secrets requests to {@code path} are verified with (more than one during a rotation). */
    public void secrets(String path, List<String> pathSecrets) {
        secrets.put(path, List.copyOf(pathSecrets));
    }

    private void handle(String path, Behaviour behaviour, HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        boolean verified;
        try {
            List<String> pathSecrets = secrets.get(path);
            new WebhookVerifier(pathSecrets, WebhookVerifier.TOLERANCE_DEFAULT, Clock.systemUTC())
                    .verify(name -> exchange.getRequestHeaders().getFirst(name), body);
            verified = true;
        } catch (WebhookVerifier.VerificationException | RuntimeException e) {
            verified = false;
        }
        int attempt = attempts.merge(path + " " + id, 1, Integer::sum);
        Answer answer;
        try {
            answer = behaviour.answer(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = Answer.of(500);
        }
        received.add(new Received(
                path,
                id,
                exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                exchange.getRequestHeaders().getFirst("webhook-signature"),
                body,
                verified,
                attempt,
                answer.status(),
                at));
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
        }
        try {
            exchange.sendResponseHeaders(answer.status(), -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.flush();
            }
        } catch (IOException e) {
            // The sender gave up waiting (a timeout): nothing to answer.
        }
        exchange.close();
    }

    public List<Received> at(String path) {
        return matching(request -> request.path().equals(path));
    }

    public List<Received> matching(Predicate<Received> filter) {
        List<Received> matches = new ArrayList<>();
        for (Received request : received) {
            if (filter.test(request)) {
                matches.add(request);
            }
        }
        return matches;
    }

    /** The distinct ids a path acknowledged with a 2xx. */
    Set<String> acknowledged(String path) {
        Set<String> ids = new TreeSet<>();
        for (Received request : at(path)) {
            if (request.answered() >= 200 && request.answered() < 300) {
                ids.add(request.id());
            }
        }
        return ids;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
