package dev.pacioli.payments.payouts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.ChildServe;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Payouts end to end on the real service and the built-in simulator: the reserve at creation, the
 * worker's submission, the ledger's follow-up of each outcome, maker-checker approval bound to the API
 * key's principal and the payload hash, and one payout from many identical creations.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class PayoutsTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(30);

    private final HttpTester admin;
    private String ledger;
    private String base;
    private String connector;

    PayoutsTest(TestService.Running service) {
        this.admin = service.admin();
    }

    @BeforeEach
    void ledgerWithAFundedWalletAndASimulator() {
        ledger = TestService.uniqueName("pay");
        base = admin.openLedgerWithWorldAndWallet(ledger);
        expect(admin.post(base + "/accounts", "{\"id\": \"platform:fees\", \"asset\": \"USD\"}"), 201);
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\","
                                + " \"to\": \"wallet\", \"amount\": 100000, \"asset\": \"USD\"}]}"),
                201);
        connector = TestService.uniqueName("sim").toLowerCase(Locale.ROOT).replace(':', '-');
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + connector + "\", \"kind\": \"simulator\", \"assets\":"
                                + " {\"USD\": \"providers:sim:USD\"}, \"config\": {}}"),
                201);
    }

    @Test
    void aPaidPayoutPostsItsReserveAndAFailedOneGivesItBack() {
        JsonNode paid = create("po-paid", 2_500, "succeed", admin).json();
        assertThat(paid.path("status").stringValue()).isEqualTo("approved");
        assertThat(paid.path("payload_hash").stringValue()).hasSize(64);
        assertThat(balance("wallet", "available")).isEqualTo(100_000 - 2_500 - 25);

        await(
                "the payout is paid and its reserve posted",
                () -> "paid".equals(status("po-paid")) && balance("wallet", "balance") == 100_000 - 2_525);
        assertThat(balance("providers:sim:USD", "balance")).isEqualTo(-2_500);
        assertThat(balance("platform:fees", "balance")).isEqualTo(25);
        List<String> kinds =
                admin.get(base + "/payouts/po-paid/history").json().path("data").findValuesAsString("kind");
        assertThat(kinds).contains("transition", "submission", "answer");

        create("po-failed", 1_000, "fail", admin);
        await(
                "the failed payout's reserve is voided",
                () -> "failed".equals(status("po-failed")) && balance("wallet", "available") == 100_000 - 2_525);
        JsonNode failed = admin.get(base + "/payouts/po-failed").json();
        assertThat(failed.path("failure_reason").isNull()).isFalse();

        List<String> events = new ArrayList<>();
        admin.get("/v1/events?ledger=" + ledger + "&limit=1000")
                .json()
                .path("data")
                .forEach(event -> events.add(event.path("type").stringValue() + " "
                        + event.path("data").path("id").stringValue()));
        assertThat(events)
                .containsSubsequence("payout.created po-paid", "payout.processing po-paid", "payout.paid po-paid");
        assertThat(events).contains("payout.failed po-failed");
    }

    @Test
    void notEnoughAvailableStoresNothing() {
        Response refused = create("po-too-much", 1_000_000, "succeed", admin);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("insufficient_funds");
        assertThat(admin.get(base + "/payouts/po-too-much").code()).isEqualTo("payout_not_found");
        assertThat(balance("wallet", "available")).isEqualTo(100_000);
    }

    @Test
    void twoOtherPrincipalsApproveExactlyWhatTheyReviewed() {
        expect(
                admin.put(
                        base + "/approval-policy",
                        "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 0,"
                                + " \"approvals\": 2}], \"approval_window_seconds\": 3600}"),
                200);
        HttpTester maker = key("maker", "writer", "[]");
        HttpTester makerApprover = key("maker", "reader", "[\"approver\"]");
        HttpTester alice = key("alice", "reader", "[\"approver\"]");
        HttpTester bob = key("bob", "reader", "[\"approver\"]");
        JsonNode created = create("po-big", 5_000, "succeed", maker).json();
        assertThat(created.path("status").stringValue()).isEqualTo("requires_approval");
        assertThat(created.path("created_by").stringValue()).isEqualTo("maker");
        String hash = created.path("payload_hash").stringValue();

        assertThat(approve(makerApprover, "po-big", hash, Map.of()).code()).isEqualTo("approver_is_creator");
        assertThat(approve(alice, "po-big", "0".repeat(64), Map.of()).code()).isEqualTo("payload_hash_mismatch");
        assertThat(approve(maker, "po-big", hash, Map.of()).status())
                .as("a writer key without the flag")
                .isEqualTo(403);
        // Whoever a header names, the approver is the key's principal.
        Response first = approve(alice, "po-big", hash, Map.of("x-pacioli-principal", "bob"));
        assertThat(first.json().path("status").stringValue()).isEqualTo("requires_approval");
        assertThat(first.json().path("approvals").findValuesAsString("principal"))
                .containsExactly("alice");
        assertThat(approve(alice, "po-big", hash, Map.of()).code()).isEqualTo("already_approved_by_principal");
        Response second = approve(bob, "po-big", hash, Map.of());
        assertThat(second.json().path("status").stringValue()).isEqualTo("approved");
        await("the approved payout is paid", () -> "paid".equals(status("po-big")));
        assertThat(admin.get("/v1/audit-log?action=payout.approved&object_id=po-big")
                        .json()
                        .path("data"))
                .hasSize(2);
    }

    @Test
    void aCanceledPayoutVoidsItsReserveAndCannotBeApprovedAfter() {
        expect(
                admin.put(
                        base + "/approval-policy",
                        "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 0," + " \"approvals\": 1}]}"),
                200);
        HttpTester maker = key("canceler", "writer", "[]");
        JsonNode created = create("po-cancel", 700, "succeed", maker).json();
        assertThat(balance("wallet", "available")).isEqualTo(100_000 - 725);
        Response canceled = maker.post(base + "/payouts/po-cancel/cancel", "{\"reason\": \"typo\"}");
        assertThat(canceled.json().path("status").stringValue()).isEqualTo("canceled");
        await("the reserve is voided", () -> balance("wallet", "available") == 100_000);
        assertThat(admin.as(null).get("/metrics").text())
                .contains("pacioli_payouts_total{connector=\"" + connector + "\",status=\"canceled\"}");
        Response late = approve(
                key("late", "reader", "[\"approver\"]"),
                "po-cancel",
                created.path("payload_hash").stringValue(),
                Map.of());
        assertThat(late.code()).isEqualTo("invalid_state_transition");
        assertThat(maker.post(base + "/payouts/po-cancel/cancel", "{}").code()).isEqualTo("invalid_state_transition");
    }

    @Test
    void fiftyIdenticalCreationsAtOnceMakeOnePayoutAndAnotherBodyIsAConflict() throws Exception {
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                answers.add(threads.submit(() -> create("po-once", 300, "stuck", admin)));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> answer : answers) {
            statuses.add(answer.get().status());
        }
        assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(49);
        assertThat(balance("wallet", "available")).isEqualTo(100_000 - 325);
        assertThat(create("po-once", 301, "stuck", admin).code()).isEqualTo("payout_exists_with_different_fields");
    }

    @Test
    void fiftyConcurrentApprovalsByTwoPrincipalsRecordExactlyTwo() throws Exception {
        expect(
                admin.put(
                        base + "/approval-policy",
                        "{\"rules\": [{\"asset\": \"USD\", \"min_amount\": 0," + " \"approvals\": 3}]}"),
                200);
        String hash = create("po-race", 100, "succeed", key("racer", "writer", "[]"))
                .json()
                .path("payload_hash")
                .stringValue();
        HttpTester alice = key("alice-r", "reader", "[\"approver\"]");
        HttpTester bob = key("bob-r", "reader", "[\"approver\"]");
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                HttpTester approver = i % 2 == 0 ? alice : bob;
                answers.add(threads.submit(() -> approve(approver, "po-race", hash, Map.of())));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> answer : answers) {
            statuses.add(answer.get().status());
        }
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(2);
        assertThat(statuses).filteredOn(status -> status == 409).hasSize(48);
        JsonNode payout = admin.get(base + "/payouts/po-race").json();
        assertThat(payout.path("approvals").findValuesAsString("principal"))
                .containsExactlyInAnyOrder("alice-r", "bob-r");
        assertThat(payout.path("status").stringValue()).isEqualTo("requires_approval");
    }

    @Test
    void anOpenBreakerSendsNothingAndTheRoutingTakesTheNextHealthyConnector() throws Exception {
        String primary = connector + "-down";
        int closedPort = ChildServe.freePort();
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + primary + "\", \"kind\": \"http\", \"assets\":"
                                + " {\"USD\": \"providers:sim:USD\"}, \"config\": {\"base_url\": \"http://127.0.0.1:"
                                + closedPort
                                + "\"}, \"priority\": 1}"),
                201);
        expect(
                admin.put(
                        base + "/approval-policy",
                        "{\"rules\": [], \"routing\": {\"USD\": [\"" + primary + "\", \"" + connector + "\"]}}"),
                200);
        expect(createVia("po-first", primary), 201);
        await(
                "the primary's breaker opens",
                () -> "open"
                        .equals(admin.get("/v1/connectors/" + primary)
                                .json()
                                .path("state")
                                .stringValue()));
        expect(createVia("po-routed", primary), 201);
        await("the next payout is paid through the healthy connector", () -> "paid".equals(status("po-routed")));
        JsonNode routed = admin.get(base + "/payouts/po-routed").json();
        assertThat(routed.path("connector").stringValue()).isEqualTo(primary);
        assertThat(routed.path("submitted_via").stringValue()).isEqualTo(connector);
        assertThat(admin.get(base + "/payouts/po-routed/history").text()).contains("routed_to");
        assertThat(status("po-first")).isEqualTo("processing"); // its fate is the primary's: asked again later
    }

    private Response createVia(String id, String via) {
        return admin.post(
                base + "/payouts",
                "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": 100,"
                        + " \"asset\": \"USD\", \"connector\": \"" + via
                        + "\", \"destination\": {\"type\": \"external_id\","
                        + " \"id\": \"x\"}}");
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private Response create(String id, long amount, String simulate, HttpTester as) {
        return as.post(
                base + "/payouts",
                "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\": " + amount
                        + ", \"asset\": \"USD\", \"connector\": \"" + connector + "\", \"destination\": {\"type\":"
                        + " \"wallet_address\", \"address\": \"0xabc\"}, \"fee\": {\"amount\": 25, \"account\":"
                        + " \"platform:fees\"}, \"metadata\": {\"simulate\": \"" + simulate + "\"}}");
    }

    private Response approve(HttpTester as, String id, String hash, Map<String, String> headers) {
        return as.send("POST", base + "/payouts/" + id + "/approve", "{\"payload_hash\": \"" + hash + "\"}", headers);
    }

    private HttpTester key(String principal, String role, String flags) {
        Response created = admin.post(
                "/v1/api-keys",
                "{\"name\": \"" + principal + " " + role + "\", \"role\": \"" + role + "\", \"principal\": \""
                        + principal + "\", \"flags\": " + flags + "}");
        expect(created, 201);
        return admin.as(created.json().path("secret").stringValue());
    }

    private String status(String id) {
        return admin.get(base + "/payouts/" + id).json().path("status").stringValue();
    }

    private long balance(String account, String which) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path(which)
                .longValue();
    }

    private static void expect(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT_MAX, condition);
    }
}
