package dev.pacioli.custody;

import dev.pacioli.platform.ChildServe;
import dev.pacioli.platform.RequestReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Foundry's anvil, a local EVM node, for custody's tests: the binary scripts/setup-test-tools installs
 * in {@code .tools/} (or {@code PACIOLI_ANVIL}), started on a free loopback port with chain id 31337
 * and stopped by {@link #close}. {@link #call} speaks JSON-RPC to it.
 */
final class Anvil implements AutoCloseable {
    static final long CHAIN_ID = 31_337;
    private static final Duration READY_MAX = Duration.ofSeconds(30);

    private final Process process;
    private final URI url;
    private final HttpClient client = HttpClient.newHttpClient();
    private long ids;

    private Anvil(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    static Path binary() {
        String configured = System.getenv("PACIOLI_ANVIL");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        // Tests run in pacioli-app/; the tools are at the repository's root.
        for (Path root = Path.of("").toAbsolutePath(); root != null; root = root.getParent()) {
            Path anvil = root.resolve(".tools/node_modules/.bin/anvil");
            if (Files.isExecutable(anvil)) {
                return anvil;
            }
        }
        throw new IllegalStateException("anvil is not installed: run scripts/setup-test-tools");
    }

    static Anvil start() throws Exception {
        int port = ChildServe.freePort();
        Process process = new ProcessBuilder(
                        binary().toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--chain-id",
                        Long.toString(CHAIN_ID),
                        "--silent")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Anvil anvil = new Anvil(process, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + READY_MAX.toNanos();
        while (true) {
            try {
                anvil.call("eth_chainId");
                return anvil;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    anvil.close();
                    throw new IllegalStateException("anvil did not start", e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Where the node answers JSON-RPC. */
    URI url() {
        return url;
    }

    /** The result of a JSON-RPC call; an error answer throws with its message. */
    synchronized JsonNode call(String method, Object... params) throws IOException, InterruptedException {
        String body = RequestReader.MAPPER.writeValueAsString(
                Map.of("jsonrpc", "2.0", "id", ++ids, "method", method, "params", List.of(params)));
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        JsonNode answer = RequestReader.MAPPER.readTree(
                client.send(request, HttpResponse.BodyHandlers.ofString()).body());
        if (answer.has("error")) {
            throw new IllegalStateException(method + ": " + answer.path("error"));
        }
        return answer.path("result");
    }

    @Override
    public void close() {
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
