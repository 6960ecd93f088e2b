package dev.pacioli.operations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pacioli.platform.RequestReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A local EVM node for the rpc-slow drill, and a delaying proxy in front of it. The node is Foundry's
 * {@code anvil} ({@code PACIOLI_ANVIL}, else {@code .tools/node_modules/.bin/anvil} as
 * scripts/setup-test-tools installs it in a checkout, else {@code anvil} on the PATH), started on a
 * free loopback port and stopped by {@link #close}. The proxy answers each JSON-RPC call only after
 * the delay set for its method ({@link #slow}), then forwards it to the node even when the caller gave
 * up meanwhile: a node that is slow, not one that drops calls, so a transaction broadcast "in vain"
 * still reaches the chain, as it would.
 */
final class DrillNode implements AutoCloseable {
    private static final Duration READY_MAX = Duration.ofSeconds(30);

    private final Process process;
    private final URI node;
    private final HttpServer proxy;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicReference<Slowness> slowness = new AtomicReference<>(new Slowness(Duration.ZERO, Set.of()));
    private final AtomicInteger delayed = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger broadcastsDelayed = new AtomicInteger();
    private final Map<String, AtomicInteger> byMethod = new ConcurrentSkipListMap<>();

    /** Calls of the methods named (all when empty) are answered {@code delay} late. */
    record Slowness(Duration delay, Set<String> methods) {}

    private DrillNode(Process process, URI node, HttpServer proxy) {
        this.process = process;
        this.node = node;
        this.proxy = proxy;
    }

    /** Where the node is, or empty with what was looked for. */
    static Optional<Path> binary() {
        String configured = System.getenv("PACIOLI_ANVIL");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        for (Path root = Path.of("").toAbsolutePath(); root != null; root = root.getParent()) {
            Path anvil = root.resolve(".tools/node_modules/.bin/anvil");
            if (Files.isExecutable(anvil)) {
                return Optional.of(anvil);
            }
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path anvil = Path.of(directory.isEmpty() ? "." : directory, "anvil");
            if (Files.isExecutable(anvil)) {
                return Optional.of(anvil);
            }
        }
        return Optional.empty();
    }

    /**
     * The node on a loopback port free a moment before, and the proxy; asked again on another port (at
     * most {@value #START_ATTEMPTS_MAX} times) when the node exits first, as when the port was taken meanwhile.
     */
    static DrillNode start(Path binary, long chainId) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(binary, chainId);
            } catch (NodeExited e) {
                if (attempt == START_ATTEMPTS_MAX) {
                    throw new IllegalStateException("the EVM node exited at start " + attempt + " times: " + binary);
                }
            }
        }
    }

    private static final int START_ATTEMPTS_MAX = 3;

    /** The node exited before it answered. */
    private static final class NodeExited extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private static DrillNode startOnce(Path binary, long chainId) throws Exception {
        int port = DrillInstances.freePort();
        Process process = new ProcessBuilder(
                        binary.toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--chain-id",
                        Long.toString(chainId),
                        "--silent")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        DrillNode node = new DrillNode(process, URI.create("http://127.0.0.1:" + port), proxy);
        try {
            proxy.setExecutor(node.threads);
            proxy.createContext("/", node::forward);
            proxy.start();
            node.awaitReady();
            return node;
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_MAX.toNanos();
        while (true) {
            try {
                call("eth_chainId");
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new NodeExited();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the EVM node did not start: " + e.getMessage(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** The proxy's URL: what the drill's connector is given. */
    URI proxyUrl() {
        return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
    }

    void slow(Slowness now) {
        slowness.set(now);
    }

    /** Calls the proxy answered late. */
    int delayed() {
        return delayed.get();
    }

    /** {@code eth_sendRawTransaction} calls the proxy answered late (and passed on to the node all the same). */
    int broadcastsDelayed() {
        return broadcastsDelayed.get();
    }

    /** Calls through the proxy by JSON-RPC method, so far. */
    String byMethod() {
        return byMethod.toString();
    }

    /** Calls through the proxy. */
    int calls() {
        return calls.get();
    }

    /** A JSON-RPC call on the node itself (not through the proxy); an error answer throws. */
    JsonNode call(String method, Object... params) throws IOException, InterruptedException {
        String body = RequestReader.MAPPER.writeValueAsString(
                Map.of("jsonrpc", "2.0", "id", ids.incrementAndGet(), "method", method, "params", List.of(params)));
        JsonNode answer = RequestReader.MAPPER.readTree(post(body.getBytes(StandardCharsets.UTF_8)));
        if (answer.has("error")) {
            throw new IOException(method + ": " + answer.path("error"));
        }
        return answer.path("result");
    }

    static BigInteger quantity(JsonNode hex) {
        return new BigInteger(hex.asString().substring(2), 16);
    }

    private byte[] post(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(node)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            calls.incrementAndGet();
            Slowness now = slowness.get();
            String method = method(body);
            byMethod.computeIfAbsent(method, unused -> new AtomicInteger()).incrementAndGet();
            if (!now.delay().isZero()
                    && (now.methods().isEmpty() || now.methods().contains(method))) {
                delayed.incrementAndGet();
                if (method.equals("eth_sendRawTransaction")) {
                    broadcastsDelayed.incrementAndGet();
                }
                Thread.sleep(now.delay());
            }
            byte[] answer = post(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (IOException e) {
            // The caller gave up (its read timeout) before the answer: the call reached the node anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String method(byte[] body) {
        try {
            return RequestReader.MAPPER.readTree(body).path("method").asString("");
        } catch (JacksonException e) {
            return "";
        }
    }

    @Override
    public void close() {
        proxy.stop(0);
        threads.shutdownNow();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
