package dev.pacioli.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the running service for tests: real HTTP over loopback, and every exchange checked
 * against openapi.yaml. A request answered below 400 must itself have been valid by the document; a
 * refused one is checked only for its answer. So no test can pass while the service and its
 * published contract disagree.
 */
public final class HttpTester {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    private final URI base;
    private final String secret;
    private final OpenApiContract contract = OpenApiContract.load();
    /**
     * The operations this tester (and those {@link #as} made from it) called, as {@code "METHOD
     * /template"}, with the statuses seen: a walkthrough's own record, whatever other tests ran.
     */
    private final Map<String, Set<Integer>> exercised;

    public HttpTester(URI base, String secret) {
        this(base, secret, new ConcurrentHashMap<>());
    }

    private HttpTester(URI base, String secret, Map<String, Set<Integer>> exercised) {
        this.base = base;
        this.secret = secret;
        this.exercised = exercised;
    }

    /** The same service, with another key (null: no Authorization header), recording into the same record. */
    public HttpTester as(String otherSecret) {
        return new HttpTester(base, otherSecret, exercised);
    }

    /** The same service and key with a record of its own, empty. */
    public HttpTester recording() {
        return new HttpTester(base, secret);
    }

    /** The operations called through this tester's record so far. */
    public Set<String> exercised() {
        return Set.copyOf(exercised.keySet());
    }

    public URI base() {
        return base;
    }

    /** An answer, with its body parsed when it is JSON. */
    public record Response(int status, HttpHeaders headers, byte[] body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The problem document's code. */
        public String code() {
            return json().path("code").stringValue(null);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /**
     * Takes the platform live (a fresh installation is dry, controls.md), as an operator would; fails
     * unless it answered 200.
     */
    public void goLive() {
        Response live = put("/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"this test sends its payouts\"}");
        if (live.status() != 200) {
            throw new AssertionError("could not go live: " + live.status() + " " + live.text());
        }
    }

    /**
     * Creates asset USD (if needed), the ledger, and two accounts: {@code world} (debit-normal,
     * unbounded, where money comes from) and {@code wallet} (credit-normal, never below zero). Asserts
     * each step succeeded and answers the ledger's path, {@code /v1/ledgers/<ledger>}.
     */
    public String openLedgerWithWorldAndWallet(String ledger) {
        String base = "/v1/ledgers/" + ledger;
        expect(put("/v1/assets/USD", "{\"scale\": 2}"), 200, 201);
        expect(post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}"), 201);
        expect(post(base + "/accounts", "{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}"), 201);
        expect(post(base + "/accounts", "{\"id\": \"wallet\", \"asset\": \"USD\", \"min_balance\": 0}"), 201);
        return base;
    }

    private static void expect(Response response, Integer... statuses) {
        if (!List.of(statuses).contains(response.status())) {
            throw new AssertionError("expected " + List.of(statuses) + ", got " + response);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, Map.of());
    }

    public Response post(String path, String json) {
        return send("POST", path, json, Map.of());
    }

    public Response put(String path, String json) {
        return send("PUT", path, json, Map.of());
    }

    public Response delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** Sends a JSON body (or none), checks the exchange against the contract, and returns the answer. */
    public Response send(String method, String path, String json, Map<String, String> headers) {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        String contentType = json == null ? null : headers.getOrDefault("Content-Type", "application/json");
        Response response = raw(method, path, body, contentType, headers);
        checkContract(method, path, contentType, body, response);
        return response;
    }

    /** Sends exactly these bytes and headers, unchecked: for malformed requests the contract cannot describe. */
    public Response raw(String method, String path, byte[] body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (secret != null && !headers.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + secret);
        }
        headers.forEach((name, value) -> {
            if (!name.equals("Content-Type")) {
                request.header(name, value);
            }
        });
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void checkContract(String method, String path, String contentType, byte[] body, Response response) {
        String responseType = response.header("Content-Type");
        // Answered outside any operation: no route, no such method on it, or refused by Jetty before routing
        // for a request line or headers over their limits (414 uri_too_long, 431 headers_too_large).
        if ((response.status() == 404 && "route_not_found".equals(codeOf(response)))
                || response.status() == 405
                || response.status() == 414
                || response.status() == 431) {
            contract.checkProblem(response.status(), responseType, response.body());
            return;
        }
        if (response.status() < 400) {
            contract.checkValidRequest(
                    method, path, contentType, body, response.status(), responseType, response.body());
        } else {
            contract.check(method, path, contentType, body, response.status(), responseType, response.body());
        }
        exercised
                .computeIfAbsent(contract.operation(method, path), operation -> ConcurrentHashMap.newKeySet())
                .add(response.status());
    }

    private static String codeOf(Response response) {
        try {
            return response.code();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
