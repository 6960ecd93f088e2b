package dev.pacioli.payments.rails;

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
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A payment provider on loopback that speaks Pacioli's rail protocol (docs/payments-rails.md) through
 * the JDK's HTTP server: {@code POST /transfers} and {@code GET /transfers/{id}}, idempotent by transfer
 * id like a real provider, with a behaviour chosen per call ({@link Behaviour}) and every POST recorded
 * ({@link Post}) with whether it created a transfer ({@link Arrival#NEW}) or named one it already held
 * ({@link Arrival#REPEAT}). The invariant a test (or a crash test) asserts is {@link
 * #receivedNewMoreThanOnce()} empty: each transfer id was received at most once as a new transfer.
 *
 * <p>Which behaviour a POST gets: the next one queued for its id ({@link #nextFor}), else the next one
 * queued for any POST ({@link #next}), else the default ({@link #defaultBehaviour}, {@link
 * Behaviour#PAY} at start). Hanging answers wait until {@link #releaseHangs()}, {@link #close()}, or
 * {@link #HANG_MAX}, so no test can hang forever on them.
 *
 * <p>Usage: {@code try (TestProvider provider = TestProvider.start()) { ... provider.baseUrl() ... }}.
 */
public final class TestProvider implements AutoCloseable {
    /** The longest a hanging answer waits to be released. */
    public static final Duration HANG_MAX = Duration.ofSeconds(30);

    /** The reason a {@link Behaviour#FAIL} transfer fails with. */
    public static final String FAILURE_REASON = "insufficient balance at the provider";

    /** The reason a {@link Behaviour#REFUSE} answer gives. */
    public static final String REFUSAL_REASON = "destination account is closed";

    /** How one POST is answered. */
    public enum Behaviour {
        /** Accepts and pays the transfer: 201 (200 for a repeat) with {@code paid}. */
        PAY(true),
        /** Accepts it and leaves it pending: 202 with {@code pending}, until {@link #settle}. */
        PEND(true),
        /** Accepts it and fails it: 201 with {@code failed} and {@link #FAILURE_REASON}. */
        FAIL(true),
        /** Refuses it, creating nothing: 422 with {@code failure_reason} {@link #REFUSAL_REASON}. */
        REFUSE(false),
        /** Answers 429 (rate limited), creating nothing. */
        RATE_LIMIT(false),
        /** Answers 500, creating nothing. */
        ERROR(false),
        /** Accepts and pays it, then answers 200 with a body that is not the protocol's. */
        GARBAGE(true),
        /** Accepts and pays it, then closes the connection without an answer (a reset after sending). */
        ACCEPT_THEN_DROP(true),
        /** Accepts and pays it, then answers only after being released: past any client's read timeout. */
        ACCEPT_THEN_HANG(true),
        /** Hangs without accepting; once released it answers 503, having created nothing. */
        HANG(false);

        /** Whether the POST creates the transfer when the provider does not hold it yet. */
        public final boolean accepts;

        Behaviour(boolean accepts) {
            this.accepts = accepts;
        }
    }

    /** What a POST was to the provider. */
    public enum Arrival {
        /** It created the transfer. */
        NEW,
        /** The provider already held a transfer by that id: nothing was created. */
        REPEAT,
        /** Not held and not created (refused, an error, a hang, a malformed request). */
        NOT_ACCEPTED
    }

    /**
     * One POST as it arrived.
     *
     * @param transferId the body's {@code id} (null when the body was unreadable)
     * @param idempotencyKey the {@code Idempotency-Key} header
     * @param body the body as sent
     */
    public record Post(String transferId, String idempotencyKey, Arrival arrival, Behaviour behaviour, String body) {}

    /** A transfer the provider holds: {@code status} is {@code pending}, {@code paid} or {@code failed}. */
    public record Transfer(
            String id, long amount, String asset, String status, String providerReference, String failureReason) {}

    private final HttpServer server;
    private final Map<String, Transfer> transfers = new ConcurrentHashMap<>();
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final Deque<Behaviour> queued = new ConcurrentLinkedDeque<>();
    private final Map<String, Deque<Behaviour>> queuedById = new ConcurrentHashMap<>();
    private final AtomicInteger statusQueries = new AtomicInteger();
    private final AtomicInteger statusFailuresLeft = new AtomicInteger();
    private final AtomicInteger references = new AtomicInteger();
    private volatile Behaviour defaultBehaviour = Behaviour.PAY;
    private volatile CountDownLatch hangs = new CountDownLatch(1);

    private TestProvider(HttpServer server) {
        this.server = server;
    }

    /** A provider listening on 127.0.0.1 at a free port. */
    public static TestProvider start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TestProvider provider = new TestProvider(server);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/transfers", provider::handle);
        server.start();
        return provider;
    }

    /** The base URL to configure an http connector with ({@code config.base_url}). */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next POSTs, whatever their transfer id, are answered with these, in order. */
    public void next(Behaviour... behaviours) {
        queued.addAll(List.of(behaviours));
    }

    /** The next POSTs of this transfer id are answered with these, in order (before {@link #next}). */
    public void nextFor(String transferId, Behaviour... behaviours) {
        queuedById
                .computeIfAbsent(transferId, id -> new ConcurrentLinkedDeque<>())
                .addAll(List.of(behaviours));
    }

    /** How POSTs are answered when nothing is queued. */
    public void defaultBehaviour(Behaviour behaviour) {
        defaultBehaviour = behaviour;
    }

    /** The next {@code count} status queries are answered 500. */
    public void failStatusQueries(int count) {
        statusFailuresLeft.set(count);
    }

    /** A later change of a held transfer, as the provider's own processing would make it. */
    public void settle(String transferId, String status, String failureReason) {
        transfers.computeIfPresent(
                transferId,
                (id, held) ->
                        new Transfer(id, held.amount(), held.asset(), status, held.providerReference(), failureReason));
    }

    /** Lets every hanging answer go (and those that start hanging after this, until the next call). */
    public void releaseHangs() {
        hangs.countDown();
    }

    /** Makes answers hang again after {@link #releaseHangs()}. */
    public void holdHangs() {
        hangs = new CountDownLatch(1);
    }

    public Optional<Transfer> transfer(String transferId) {
        return Optional.ofNullable(transfers.get(transferId));
    }

    /** Every POST, in the order they arrived. */
    public List<Post> posts() {
        return List.copyOf(posts);
    }

    /** The POSTs of one transfer id. */
    public List<Post> posts(String transferId) {
        return posts.stream()
                .filter(post -> transferId.equals(post.transferId()))
                .toList();
    }

    /** How many POSTs created this transfer: 0 or 1 unless the idempotency broke. */
    public long newCount(String transferId) {
        return posts(transferId).stream()
                .filter(post -> post.arrival() == Arrival.NEW)
                .count();
    }

    /** Transfer ids received as new more than once, with how many times: empty while all is well. */
    public Map<String, Long> receivedNewMoreThanOnce() {
        Map<String, Long> counts = new TreeMap<>();
        for (Post post : posts) {
            if (post.arrival() == Arrival.NEW) {
                counts.merge(post.transferId(), 1L, Long::sum);
            }
        }
        counts.values().removeIf(count -> count <= 1);
        return counts;
    }

    /** How many {@code GET /transfers/{id}} arrived. */
    public int statusQueries() {
        return statusQueries.get();
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
                status(exchange, URLDecoder.decode(path.substring("/transfers/".length()), StandardCharsets.UTF_8));
            } else {
                answer(exchange, 404, error("no such route"));
            }
        } catch (IOException e) {
            // The client gave up waiting (a timeout): nothing to answer.
        }
    }

    private void submitted(HttpExchange exchange, byte[] body) throws IOException {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String text = new String(body, StandardCharsets.UTF_8);
        Transfer asked = parsed(body);
        if (asked == null || !asked.id().equals(key)) {
            posts.add(new Post(asked == null ? null : asked.id(), key, Arrival.NOT_ACCEPTED, Behaviour.REFUSE, text));
            answer(exchange, 400, error("the body must be a transfer whose id is the Idempotency-Key"));
            return;
        }
        Behaviour behaviour = behaviourFor(asked.id());
        Transfer held = null;
        boolean created = false;
        if (behaviour.accepts) {
            Transfer fresh = fresh(asked, behaviour);
            Transfer previous = transfers.putIfAbsent(asked.id(), fresh);
            created = previous == null;
            held = created ? fresh : previous;
        }
        Arrival arrival =
                created ? Arrival.NEW : transfers.containsKey(asked.id()) ? Arrival.REPEAT : Arrival.NOT_ACCEPTED;
        posts.add(new Post(asked.id(), key, arrival, behaviour, text));
        switch (behaviour) {
            case PAY, PEND, FAIL ->
                answer(exchange, !created ? 200 : behaviour == Behaviour.PEND ? 202 : 201, json(held));
            case REFUSE -> answer(exchange, 422, failure(REFUSAL_REASON));
            case RATE_LIMIT -> answer(exchange, 429, error("slow down"));
            case ERROR -> answer(exchange, 500, error("internal error"));
            case GARBAGE -> answer(exchange, 200, "<html>accepted</html>".getBytes(StandardCharsets.UTF_8));
            case ACCEPT_THEN_DROP -> {
                // Closing the exchange without an answer closes the connection: the client sees it end.
            }
            case ACCEPT_THEN_HANG -> {
                hang();
                answer(exchange, 200, json(transfers.get(asked.id())));
            }
            case HANG -> {
                hang();
                answer(exchange, 503, error("gave up"));
            }
        }
    }

    /** The transfer a POST with this behaviour creates when the provider does not hold its id yet. */
    private Transfer fresh(Transfer asked, Behaviour behaviour) {
        String status = switch (behaviour) {
            case PEND -> "pending";
            case FAIL -> "failed";
            default -> "paid";
        };
        return new Transfer(
                asked.id(),
                asked.amount(),
                asked.asset(),
                status,
                "prov_" + references.incrementAndGet(),
                behaviour == Behaviour.FAIL ? FAILURE_REASON : null);
    }

    private Behaviour behaviourFor(String transferId) {
        Deque<Behaviour> forId = queuedById.get(transferId);
        Behaviour behaviour = forId == null ? null : forId.pollFirst();
        if (behaviour == null) {
            behaviour = queued.pollFirst();
        }
        return behaviour == null ? defaultBehaviour : behaviour;
    }

    private void status(HttpExchange exchange, String transferId) throws IOException {
        statusQueries.incrementAndGet();
        if (statusFailuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            answer(exchange, 500, error("internal error"));
            return;
        }
        Transfer held = transfers.get(transferId);
        if (held == null) {
            answer(exchange, 404, error("no transfer " + transferId));
        } else {
            answer(exchange, 200, json(held));
        }
    }

    /** The transfer a POST asks for (no status or reference yet), or null when the body is unreadable. */
    private static Transfer parsed(byte[] body) {
        try {
            JsonNode node = RequestReader.MAPPER.readTree(body);
            JsonNode id = node.get("id");
            JsonNode amount = node.get("amount");
            JsonNode asset = node.get("asset");
            if (id == null || !id.isString() || amount == null || !amount.canConvertToLong() || asset == null) {
                return null;
            }
            return new Transfer(id.stringValue(), amount.longValue(), asset.stringValue(), null, null, null);
        } catch (JacksonException e) {
            return null;
        }
    }

    private void hang() {
        try {
            hangs.await(HANG_MAX.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] json(Transfer transfer) {
        ObjectNode node = RequestReader.MAPPER.createObjectNode();
        node.put("id", transfer.id());
        node.put("status", transfer.status());
        node.put("provider_reference", transfer.providerReference());
        node.put("failure_reason", transfer.failureReason());
        return RequestReader.MAPPER.writeValueAsBytes(node);
    }

    private static byte[] failure(String reason) {
        ObjectNode node = RequestReader.MAPPER.createObjectNode();
        node.put("failure_reason", reason);
        return RequestReader.MAPPER.writeValueAsBytes(node);
    }

    private static byte[] error(String message) {
        ObjectNode node = RequestReader.MAPPER.createObjectNode();
        node.put("error", message);
        return RequestReader.MAPPER.writeValueAsBytes(node);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        hangs.countDown();
        server.stop(0);
    }
}
