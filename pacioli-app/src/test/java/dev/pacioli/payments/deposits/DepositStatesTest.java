package dev.pacioli.payments.deposits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Deposit states end to end, per provider: a pending event then a final one is one deposit, pending
 * then succeeded (one posting) or failed (none), its events in that order; the two delivered at once,
 * twenty times each, still one deposit and one posting; a pending event after the final one changes
 * nothing; a contradicting final event is refused and counted. The simulator's pending deposits, and
 * the seam that lets another capability decide a pending deposit inside its own transaction.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class DepositStatesTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(30);
    private static final long AMOUNT = 5_000; // 50.00 USD, as every provider's sample says

    private final TestService.Running service;
    private final HttpTester admin;
    private String ledger;
    private String base;

    DepositStatesTest(TestService.Running service) {
        this.service = service;
        this.admin = service.admin();
    }

    @BeforeEach
    void ledger() {
        ledger = TestService.uniqueName("states");
        base = admin.openLedgerWithWorldAndWallet(ledger);
    }

    @ParameterizedTest
    @EnumSource(ProviderSchemes.class)
    void pendingThenSucceededIsOneDepositPostedOnce(ProviderSchemes provider) {
        String connector = connector(provider);
        String reference = reference(provider);
        deliver(provider, connector, reference, "pending");
        Deposit pending = awaitOnly("pending");
        assertThat(pending.json.path("ledger_transactions")).isEmpty();
        assertThat(pending.json.path("connector").stringValue()).isEqualTo(connector);
        assertThat(balance("wallet")).isZero();
        assertThat(admin.get(base + "/transactions/deposit:" + pending.id).status())
                .isEqualTo(404);

        deliver(provider, connector, reference, "succeeded");
        await("the deposit succeeds", () -> "succeeded".equals(status(pending.id)));
        JsonNode succeeded = admin.get(base + "/deposits/" + pending.id).json();
        assertThat(succeeded.path("ledger_transactions").get(0).stringValue()).isEqualTo("deposit:" + pending.id);
        assertThat(succeeded.path("provider_event_ids")).hasSize(2);
        assertThat(balance("wallet")).isEqualTo(AMOUNT);
        assertThat(balance("providers:" + connector + ":USD")).isEqualTo(AMOUNT);
        assertThat(entries("wallet")).isEqualTo(1);
        assertThat(deposits(null)).hasSize(1);
        assertThat(events(pending.id)).containsExactly("deposit.pending", "deposit.succeeded");
    }

    @ParameterizedTest
    @EnumSource(ProviderSchemes.class)
    void pendingThenFailedPostsNothing(ProviderSchemes provider) {
        String connector = connector(provider);
        String reference = reference(provider);
        deliver(provider, connector, reference, "pending");
        Deposit pending = awaitOnly("pending");
        deliver(provider, connector, reference, "failed");
        await("the deposit fails", () -> "failed".equals(status(pending.id)));
        assertThat(admin.get(base + "/deposits/" + pending.id).json().path("ledger_transactions"))
                .isEmpty();
        assertThat(balance("wallet")).isZero();
        assertThat(entries("wallet")).isZero();
        assertThat(admin.get(base + "/transactions/deposit:" + pending.id).status())
                .isEqualTo(404);
        assertThat(events(pending.id)).containsExactly("deposit.pending", "deposit.failed");

        // Old news changes nothing; news that contradicts the final state is refused and counted.
        deliver(provider, connector, reference, "succeeded");
        await("the contradiction is counted", () -> metrics().contains(illegal("system")));
        assertThat(status(pending.id)).isEqualTo("failed");
        assertThat(balance("wallet")).isZero();
    }

    @ParameterizedTest
    @EnumSource(ProviderSchemes.class)
    void pendingAndFinalTwentyTimesEachAtOnceMakeOneDepositAndOnePosting(ProviderSchemes provider) throws Exception {
        String connector = connector(provider);
        String reference = reference(provider);
        ProviderSchemes.Delivery pending = provider.delivery(reference, "pending", ledger);
        ProviderSchemes.Delivery succeeded = provider.delivery(reference, "succeeded", ledger);
        List<ProviderSchemes.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            deliveries.add(pending);
            deliveries.add(succeeded);
        }
        Collections.shuffle(deliveries);
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ProviderSchemes.Delivery delivery : deliveries) {
                answers.add(threads.submit(() -> send(connector, delivery)));
            }
        }
        for (Future<Response> answer : answers) {
            assertThat(answer.get().status()).as(answer.get().toString()).isEqualTo(200);
        }
        await("one deposit succeeds", () -> deposits("succeeded").size() == 1);
        String id = deposits("succeeded").get(0);
        assertThat(deposits(null)).containsExactly(id);
        assertThat(balance("wallet")).isEqualTo(AMOUNT);
        assertThat(entries("wallet")).isEqualTo(1);
        List<String> events = events(id);
        assertThat(events).containsOnlyOnce("deposit.succeeded").last().isEqualTo("deposit.succeeded");
        assertThat(events.size()).isLessThanOrEqualTo(2); // deposit.pending when the pending event came first
    }

    @ParameterizedTest
    @EnumSource(ProviderSchemes.class)
    void aPendingEventAfterTheFinalOneChangesNothing(ProviderSchemes provider) {
        String connector = connector(provider);
        String reference = reference(provider);
        deliver(provider, connector, reference, "succeeded");
        Deposit succeeded = awaitOnly("succeeded");
        Response late = send(connector, provider.delivery(reference, "pending", ledger));
        assertThat(late.status()).isEqualTo(200);
        await(
                "the late event is stored with it",
                () -> admin.get(base + "/deposits/" + succeeded.id)
                                .json()
                                .path("provider_event_ids")
                                .size()
                        == 2);
        assertThat(status(succeeded.id)).isEqualTo("succeeded");
        assertThat(balance("wallet")).isEqualTo(AMOUNT);
        assertThat(events(succeeded.id)).containsExactly("deposit.succeeded");
    }

    @Test
    void theSimulatorReportsPendingThenSucceededOrFailed() {
        String simulator = "sim-" + ledger.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + simulator + "\", \"kind\": \"simulator\", \"assets\": {\"USD\":"
                                + " \"providers:sim:USD\"}}"),
                201);
        String path = "/v1/connectors/" + simulator + "/simulate/deposit";
        for (String outcome : List.of("succeeded", "failed")) {
            String id = "dep-" + outcome;
            String body = "{\"ledger\": \"" + ledger + "\", \"deposit_id\": \"" + id + "\", \"account\": \"wallet\","
                    + " \"amount\": 700, \"asset\": \"USD\", \"status\": \"%s\"}";
            expect(admin.post(path, body.formatted("pending")), 202);
            await("the deposit is pending", () -> "pending".equals(status(id)));
            expect(admin.post(path, body.formatted(outcome)), 202);
            await("the deposit is " + outcome, () -> outcome.equals(status(id)));
            assertThat(events(id)).containsExactly("deposit.pending", "deposit." + outcome);
        }
        assertThat(balance("wallet")).isEqualTo(700);
        assertThat(deposits("failed")).containsExactly("dep-failed");

        Response nowhere = admin.post(
                path,
                "{\"ledger\": \"no-such-ledger\", \"deposit_id\": \"d\", \"account\": \"wallet\", \"amount\": 1,"
                        + " \"asset\": \"USD\"}");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.code()).isEqualTo("ledger_not_found");
        Response badStatus = admin.post(
                path,
                "{\"ledger\": \"" + ledger + "\", \"deposit_id\": \"d\", \"account\":"
                        + " \"wallet\", \"amount\": 1, \"asset\": \"USD\", \"status\": \"reversed\"}");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(admin.get(base + "/deposits?status=held").status()).isEqualTo(400);
    }

    /** An emergency stop refuses an operator's deposit before anything is decided; a pending report goes on. */
    @Test
    void anEmergencyStopRefusesAnOperatorsDepositAndStoresNothing() {
        String connector = connector(ProviderSchemes.HTTP_RAIL);
        expect(admin.post("/v1/controls/emergency-stop", "{\"scope\": \"all\", \"reason\": \"drill\"}"), 200);
        try {
            Response refused = admin.post(
                    base + "/deposits",
                    "{\"id\": \"dep-stopped\", \"account\": \"wallet\", \"amount\": 100, \"asset\": \"USD\","
                            + " \"connector\": \"" + connector + "\"}");
            expect(refused, 423);
            assertThat(refused.code()).isEqualTo("emergency_stop");
            assertThat(admin.get(base + "/deposits/dep-stopped").status()).isEqualTo(404);
            deliver(ProviderSchemes.HTTP_RAIL, connector, "stopped-" + ledger, "pending");
            awaitOnly("pending");
        } finally {
            expect(admin.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"drill over\"}", Map.of()), 200);
        }
        assertThat(balance("wallet")).isZero();
    }

    // ---- Helpers ------------------------------------------------------------------------------------

    private record Deposit(String id, JsonNode json) {}

    private String connector(ProviderSchemes provider) {
        String id = (provider.name().substring(0, 4) + "-" + ledger)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_-]", "-");
        expect(admin.post("/v1/connectors", provider.connector(id, ledger)), 201);
        return id;
    }

    private String reference(ProviderSchemes provider) {
        return provider.name().toLowerCase(Locale.ROOT) + "-" + ledger;
    }

    /** The provider reference a deposit was made from. */
    private String reference(String id) {
        return admin.get(base + "/deposits/" + id)
                .json()
                .path("provider_reference")
                .stringValue();
    }

    private void deliver(ProviderSchemes provider, String connector, String reference, String status) {
        Response answer = send(connector, provider.delivery(reference, status, ledger));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().path("duplicate").booleanValue()).isFalse();
    }

    private Response send(String connector, ProviderSchemes.Delivery delivery) {
        return admin.as(null).send("POST", "/v1/inbound/" + connector, delivery.body(), delivery.headers());
    }

    /** Waits for the ledger's only deposit to be in {@code status}. */
    private Deposit awaitOnly(String status) {
        await("one deposit is " + status, () -> deposits(status).size() == 1);
        List<String> all = deposits(null);
        assertThat(all).hasSize(1);
        return new Deposit(
                all.get(0), admin.get(base + "/deposits/" + all.get(0)).json());
    }

    private List<String> deposits(String status) {
        String query = status == null ? "" : "?status=" + status;
        return admin.get(base + "/deposits" + query).json().path("data").findValuesAsString("id");
    }

    private String status(String id) {
        Response found = admin.get(base + "/deposits/" + id);
        return found.status() == 200 ? found.json().path("status").stringValue() : null;
    }

    /** The deposit events of one deposit, in order. */
    private List<String> events(String id) {
        List<String> types = new ArrayList<>();
        admin.get("/v1/events?ledger=" + ledger + "&limit=1000")
                .json()
                .path("data")
                .forEach(event -> {
                    if (event.path("type").stringValue().startsWith("deposit.")
                            && id.equals(event.path("data").path("id").stringValue())) {
                        types.add(event.path("type").stringValue());
                    }
                });
        return types;
    }

    private long balance(String account) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    private int entries(String account) {
        return admin.get(base + "/accounts/" + account + "/entries")
                .json()
                .path("data")
                .size();
    }

    private String metrics() {
        return admin.as(null).get("/metrics").text();
    }

    private static String illegal(String source) {
        return "pacioli_illegal_transitions_total{object=\"deposit\",source=\"" + source + "\"}";
    }

    private static void expect(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
