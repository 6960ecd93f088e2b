package dev.pacioli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code Idempotency-Key} over HTTP (docs/api.md, "Idempotency"), on the real service over each test
 * database: one effect for 50 concurrent identical requests, the stored answer replayed with its own
 * status (a 201 again, a 422 again even once it would succeed), 422 for a key reused on another
 * request, keys scoped per API key, and GET unaffected.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class IdempotencyKeyTest {
    private static final int CLIENTS = 50;
    private static final String REPLAYED = "Idempotent-Replayed";

    private final HttpTester admin;
    private final TestService.Running service;

    IdempotencyKeyTest(TestService.Running service) {
        this.admin = service.admin();
        this.service = service;
    }

    private static Map<String, String> keyed(String key) {
        return Map.of(IdempotencyKeys.HEADER, key);
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }

    @Test
    void fiftyConcurrentIdenticalRequestsCreateOneApiKey() {
        String name = TestService.uniqueName("idem-race");
        String body = "{\"name\": \"" + name + "\", \"role\": \"reader\"}";
        String key = newKey();
        List<Response> responses = race(() -> admin.send("POST", "/v1/api-keys", body, keyed(key)));

        List<Response> originals = responses.stream()
                .filter(response -> response.status() == 201 && response.header(REPLAYED) == null)
                .toList();
        assertThat(originals).as("one request ran: %s", responses).hasSize(1);
        Response original = originals.getFirst();
        for (Response response : responses) {
            if (response == original) {
                continue;
            }
            if (response.status() == 409) {
                assertThat(response.code()).isEqualTo("idempotency_key_in_use");
            } else {
                assertThat(response.status()).as(response.toString()).isEqualTo(201);
                assertThat(response.header(REPLAYED)).isEqualTo("true");
                assertThat(response.body()).isEqualTo(original.body());
            }
        }
        assertThat(keysNamed(name)).as("API keys created").isEqualTo(1);

        Response later = admin.send("POST", "/v1/api-keys", body, keyed(key));
        assertThat(later.status()).isEqualTo(201);
        assertThat(later.header(REPLAYED)).isEqualTo("true");
        assertThat(later.body()).isEqualTo(original.body());
        assertThat(keysNamed(name)).isEqualTo(1);
        assertThat(storedText(key))
                .as("the new key's secret is not readable in the database")
                .doesNotContain(original.json().path("secret").stringValue())
                .doesNotContain(name);
    }

    private String storedText(String key) {
        try (var connection = service.database().dataSource().getConnection();
                var statement =
                        connection.prepareStatement("select body from idempotency_keys where idempotency_key = ?")) {
            statement.setString(1, key);
            try (var rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return new String(rows.getBytes(1), StandardCharsets.ISO_8859_1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCreatedTransactionIsReplayedAsTheSame201WithTheNewRequestId() {
        String base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("idem-replay"));
        String body = transfer("t-1", "world", "wallet", 100);
        String key = newKey();
        Response created = admin.send("POST", base + "/transactions", body, keyed(key));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header(REPLAYED)).isNull();

        Response replayed = admin.send(
                "POST", base + "/transactions", body, Map.of(IdempotencyKeys.HEADER, key, "X-Request-Id", "replay-1"));
        assertThat(replayed.status()).isEqualTo(201);
        assertThat(replayed.header(REPLAYED)).isEqualTo("true");
        assertThat(replayed.body()).isEqualTo(created.body());
        assertThat(replayed.header("X-Request-Id")).isEqualTo("replay-1");

        Response byId = admin.post(base + "/transactions", body);
        assertThat(byId.status()).as("without the header, the id's own replay").isEqualTo(200);
        assertThat(byId.header(REPLAYED)).isEqualTo("true");
        assertThat(balance(base, "wallet")).isEqualTo(100);
    }

    @Test
    void aBusinessRefusalIsStoredAndReplayedEvenOnceItWouldSucceed() {
        String base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("idem-refusal"));
        String spend = transfer("spend-1", "wallet", "world", 50);
        String key = newKey();
        Response refused = admin.send("POST", base + "/transactions", spend, keyed(key));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("insufficient_funds");

        assertThat(admin.post(base + "/transactions", transfer("fund-1", "world", "wallet", 100))
                        .status())
                .isEqualTo(201);
        Response replayed = admin.send("POST", base + "/transactions", spend, keyed(key));
        assertThat(replayed.status()).isEqualTo(422);
        assertThat(replayed.header(REPLAYED)).isEqualTo("true");
        assertThat(replayed.body()).isEqualTo(refused.body());
        assertThat(balance(base, "wallet")).isEqualTo(100);

        Response withNewKey = admin.send("POST", base + "/transactions", spend, keyed(newKey()));
        assertThat(withNewKey.status()).as("a new key runs the request").isEqualTo(201);
        assertThat(balance(base, "wallet")).isEqualTo(50);
    }

    @Test
    void theSameKeyOnAnotherRequestIsRefused() {
        String base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("idem-reused"));
        String key = newKey();
        assertThat(admin.send("POST", base + "/transactions", transfer("r-1", "world", "wallet", 10), keyed(key))
                        .status())
                .isEqualTo(201);
        List<Response> refused = List.of(
                admin.send("POST", base + "/transactions", transfer("r-2", "world", "wallet", 10), keyed(key)),
                admin.send(
                        "POST",
                        base + "/transactions?dry_run=true",
                        transfer("r-1", "world", "wallet", 10),
                        keyed(key)),
                admin.send("POST", base + "/accounts", "{\"id\": \"r-acc\", \"asset\": \"USD\"}", keyed(key)),
                admin.send("DELETE", "/v1/api-keys/key_0000000000000000", null, keyed(key)));
        for (Response response : refused) {
            assertThat(response.status()).as(response.toString()).isEqualTo(422);
            assertThat(response.code()).isEqualTo("idempotency_key_reused");
        }
        assertThat(admin.get(base + "/transactions/r-2").status()).isEqualTo(404);
        assertThat(admin.get(base + "/accounts/r-acc").status()).isEqualTo(404);
        assertThat(balance(base, "wallet")).isEqualTo(10);
    }

    @Test
    void keysBelongToTheirApiKey() {
        String secret = admin.post("/v1/api-keys", "{\"name\": \"idem-other\", \"role\": \"admin\"}")
                .json()
                .path("secret")
                .stringValue();
        HttpTester other = admin.as(secret);
        String name = TestService.uniqueName("idem-scope");
        String body = "{\"name\": \"" + name + "\", \"role\": \"reader\"}";
        String key = newKey();
        Response first = admin.send("POST", "/v1/api-keys", body, keyed(key));
        Response second = other.send("POST", "/v1/api-keys", body, keyed(key));
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.header(REPLAYED)).isNull();
        assertThat(second.json().path("id").stringValue())
                .isNotEqualTo(first.json().path("id").stringValue());
        assertThat(keysNamed(name)).isEqualTo(2);
    }

    @Test
    void theHeaderTwiceIsRefused() throws Exception {
        String base = admin.openLedgerWithWorldAndWallet(TestService.uniqueName("idem-twice"));
        HttpRequest request = HttpRequest.newBuilder(admin.base().resolve(base + "/transactions"))
                .header("Authorization", "Bearer " + TestService.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .header(IdempotencyKeys.HEADER, "one")
                .header(IdempotencyKeys.HEADER, "two")
                .POST(HttpRequest.BodyPublishers.ofString(transfer("twice-1", "world", "wallet", 10)))
                .build();
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newHttpClient()) {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"invalid_idempotency_key\"");
        assertThat(admin.get(base + "/transactions/twice-1").status()).isEqualTo(404);
    }

    @Test
    void getIgnoresTheHeader() {
        for (String key : List.of("not a key", newKey())) {
            for (int i = 0; i < 2; i++) {
                Response response = admin.send("GET", "/v1/ledgers", null, keyed(key));
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header(REPLAYED)).isNull();
            }
        }
    }

    // ---- helpers

    private long balance(String base, String account) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    private long keysNamed(String name) {
        long count = 0;
        String cursor = null;
        do {
            JsonNode page = admin.get("/v1/api-keys?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            for (JsonNode apiKey : page.path("data")) {
                if (apiKey.path("name").stringValue().equals(name)) {
                    count++;
                }
            }
            cursor = page.path("next_cursor").stringValue(null);
        } while (cursor != null);
        return count;
    }

    private static String transfer(String id, String from, String to, long amount) {
        return "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"" + from + "\", \"to\": \"" + to
                + "\", \"amount\": " + amount + ", \"asset\": \"USD\"}]}";
    }

    /** Sends {@link #CLIENTS} requests at once: each on its own virtual thread, all released by one latch. */
    private static List<Response> race(Supplier<Response> request) {
        CountDownLatch ready = new CountDownLatch(CLIENTS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    start.await();
                    return request.get();
                }));
            }
            ready.await();
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
            return responses;
        } catch (Exception e) {
            throw new AssertionError("a racing request failed", e);
        }
    }
}
