package dev.pacioli.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Ids are idempotency keys, and they hold under a race: 50 clients sending one id at the same instant
 * (virtual threads released together by a latch) get one creation; identical requests get the
 * original as a replay, different ones a 409; and the ledger moved once.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class DuplicateIdConcurrencyTest {
    private static final int CLIENTS = 50;
    private static final int ROUNDS = 3;

    private final HttpTester admin;
    private final String ledger = TestService.uniqueName("race");
    private final String base = "/v1/ledgers/" + ledger;

    DuplicateIdConcurrencyTest(TestService.Running service) {
        this.admin = service.admin();
    }

    @Test
    void oneIdRacedByIdenticalTransactionsCreatesOne() {
        setUp();
        for (int round = 0; round < ROUNDS; round++) {
            long before = balance("wallet");
            String body = transfer("same-" + round, 700);
            List<Response> responses = race(i -> admin.post(base + "/transactions", body));

            Response created = onlyCreated(responses);
            assertThat(created.json().path("status").stringValue()).isEqualTo("posted");
            for (Response response : responses) {
                if (response != created) {
                    assertThat(response.status()).as(response.toString()).isEqualTo(200);
                    assertThat(response.header("Idempotent-Replayed")).isEqualTo("true");
                    assertThat(response.text()).isEqualTo(created.text());
                }
            }
            assertThat(balance("wallet")).as("the wallet moved once").isEqualTo(before + 700);
            assertThat(admin.get(base + "/transactions/same-" + round).text()).isEqualTo(created.text());
        }
        verified();
    }

    @Test
    void oneIdRacedByDifferentTransactionsCreatesTheWinnerOnly() {
        setUp();
        for (int round = 0; round < ROUNDS; round++) {
            long before = balance("wallet");
            String id = "conflict-" + round;
            List<Response> responses = race(i -> admin.post(base + "/transactions", transfer(id, 1_000 + i)));

            Response created = onlyCreated(responses);
            for (Response response : responses) {
                if (response != created) {
                    assertThat(response.status()).as(response.toString()).isEqualTo(409);
                    assertThat(response.code()).isEqualTo("transaction_exists_with_different_fields");
                }
            }
            long amount = created.json().path("postings").get(0).path("amount").longValue();
            assertThat(admin.get(base + "/transactions/" + id).text()).isEqualTo(created.text());
            assertThat(balance("wallet"))
                    .as("the wallet moved by the winner only")
                    .isEqualTo(before + amount);
        }
        verified();
    }

    @Test
    void oneIdRacedByIdenticalAccountsCreatesOne() {
        setUp();
        for (int round = 0; round < ROUNDS; round++) {
            String body = account("users:" + round + ":same", "42");
            List<Response> responses = race(i -> admin.post(base + "/accounts", body));

            Response created = onlyCreated(responses);
            for (Response response : responses) {
                if (response != created) {
                    assertThat(response.status()).as(response.toString()).isEqualTo(200);
                    assertThat(response.header("Idempotent-Replayed")).isEqualTo("true");
                    assertThat(response.text()).isEqualTo(created.text());
                }
            }
            assertThat(admin.get(base + "/accounts/users:" + round + ":same").text())
                    .isEqualTo(created.text());
        }
        verified();
    }

    @Test
    void oneIdRacedByDifferentAccountsCreatesTheWinnerOnly() {
        setUp();
        for (int round = 0; round < ROUNDS; round++) {
            String id = "users:" + round + ":conflict";
            List<Response> responses = race(i -> admin.post(base + "/accounts", account(id, "owner-" + i)));

            Response created = onlyCreated(responses);
            for (Response response : responses) {
                if (response != created) {
                    assertThat(response.status()).as(response.toString()).isEqualTo(409);
                    assertThat(response.code()).isEqualTo("account_exists_with_different_fields");
                }
            }
            assertThat(admin.get(base + "/accounts/" + id).text()).isEqualTo(created.text());
        }
        verified();
    }

    @Test
    void oneReversalRacedCreatesOne() {
        setUp();
        for (int round = 0; round < ROUNDS; round++) {
            String original = "to-reverse-" + round;
            assertThat(admin.post(base + "/transactions", transfer(original, 300))
                            .status())
                    .isEqualTo(201);
            long before = balance("wallet");
            String body = "{\"id\": \"reversal-" + round + "\", \"metadata\": {\"why\": \"race\"}}";
            List<Response> responses = race(i -> admin.post(base + "/transactions/" + original + "/reverse", body));

            Response created = onlyCreated(responses);
            assertThat(created.json().path("reverses").stringValue()).isEqualTo(original);
            for (Response response : responses) {
                if (response != created) {
                    assertThat(response.status()).as(response.toString()).isEqualTo(200);
                    assertThat(response.header("Idempotent-Replayed")).isEqualTo("true");
                    assertThat(response.text()).isEqualTo(created.text());
                }
            }
            assertThat(balance("wallet")).as("reversed once").isEqualTo(before - 300);
            assertThat(admin.get(base + "/transactions/" + original)
                            .json()
                            .path("reversed_by")
                            .stringValue())
                    .isEqualTo("reversal-" + round);
        }
        verified();
    }

    @Test
    void postsAndVoidsRacedOnOnePendingResolveItOnce() {
        setUp();
        assertThat(admin.post(base + "/transactions", transfer("funding", 10_000))
                        .status())
                .isEqualTo(201);
        for (int round = 0; round < ROUNDS; round++) {
            String pending = "hold-" + round;
            assertThat(admin.post(base + "/transactions", """
                                    {"id": "%s", "postings": [{"from": "wallet", "to": "world", "amount": 400,
                                     "asset": "USD"}], "pending": true, "timeout_seconds": 3600}""".formatted(pending))
                            .status())
                    .isEqualTo(201);
            long before = balance("wallet");
            List<Response> responses =
                    race(i -> admin.post(base + "/transactions/" + pending + (i % 2 == 0 ? "/post" : "/void"), "{}"));

            JsonNode stored = admin.get(base + "/transactions/" + pending).json();
            String outcome = stored.path("status").stringValue();
            assertThat(outcome).isIn("posted", "voided");
            String winner = outcome.equals("posted") ? "/post" : "/void";
            String loserCode = outcome.equals("posted") ? "pending_already_posted" : "pending_already_voided";
            for (int i = 0; i < responses.size(); i++) {
                Response response = responses.get(i);
                boolean won = (i % 2 == 0 ? "/post" : "/void").equals(winner);
                if (won) {
                    assertThat(response.status())
                            .as("%s again: %s", winner, response)
                            .isEqualTo(200);
                    assertThat(response.json()).isEqualTo(stored);
                } else {
                    assertThat(response.status()).as(response.toString()).isEqualTo(409);
                    assertThat(response.code()).isEqualTo(loserCode);
                }
            }
            assertThat(balance("wallet"))
                    .as("the pending resolved once, as " + outcome)
                    .isEqualTo(outcome.equals("posted") ? before - 400 : before);
        }
        verified();
    }

    /** Sends {@link #CLIENTS} requests at once: each on its own virtual thread, all released by one latch. */
    private static List<Response> race(IntFunction<Response> request) {
        CountDownLatch ready = new CountDownLatch(CLIENTS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    start.await();
                    return request.apply(client);
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

    private static Response onlyCreated(List<Response> responses) {
        List<Response> created =
                responses.stream().filter(response -> response.status() == 201).toList();
        assertThat(created)
                .as(
                        "exactly one creation among %s",
                        responses.stream().map(Response::status).toList())
                .hasSize(1);
        return created.getFirst();
    }

    private void setUp() {
        admin.openLedgerWithWorldAndWallet(ledger);
    }

    private long balance(String account) {
        JsonNode found = admin.get(base + "/accounts/" + account).json();
        return found.path("balances").path("balance").longValue();
    }

    private void verified() {
        JsonNode verified = admin.post(base + "/verify", "{}").json();
        assertThat(verified.path("ok").booleanValue()).as(verified.toString()).isTrue();
    }

    private static String transfer(String id, long amount) {
        return """
                {"id": "%s", "postings": [{"from": "world", "to": "wallet", "amount": %d, "asset": "USD"}],
                 "metadata": {"race": "yes"}}""".formatted(id, amount);
    }

    private static String account(String id, String owner) {
        return """
                {"id": "%s", "asset": "USD", "normal_balance": "credit", "min_balance": 0,
                 "metadata": {"owner": "%s"}}""".formatted(id, owner);
    }
}
