package dev.pacioli.clearing;

import static dev.pacioli.clearing.ClearingFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Clearing end to end on the real service (clearing.md): the contract's known answers through close,
 * report and settlement on the ledger; intake's checks in order; replays; cancel; the window and
 * obligation state machines' illegal moves; a short debtor failing the settlement as a whole.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ClearingTest {
    private static final long CAP = 10_000_000;

    private final HttpTester admin;
    private ClearingFixture fixture;

    ClearingTest(TestService.Running service) {
        this.admin = service.admin();
    }

    @BeforeEach
    void ledger() {
        fixture = new ClearingFixture(admin, TestService.uniqueName("clear"));
    }

    @Test
    void theReferenceCycleSettlesFiveHundredThousandThroughTheHubInOneTransaction() {
        for (String id : List.of("A", "B", "C")) {
            fixture.participant(id, CAP);
        }
        fixture.fund("A", 250_000, "fund-a");
        fixture.fund("C", 250_000, "fund-c");
        String window = fixture.currentWindow();
        assertThat(window).isEqualTo("w-1");
        expect(fixture.obligation("ob-1", "A", "B", 1_000_000), 201);
        expect(fixture.obligation("ob-2", "B", "C", 500_000), 201);
        JsonNode third =
                expect(fixture.obligation("ob-3", "C", "A", 750_000), 201).json();
        assertThat(third.path("status").stringValue()).isEqualTo("accepted");
        assertThat(third.path("window").stringValue()).isEqualTo("w-1");

        JsonNode closed = fixture.close(window);
        assertThat(closed.path("status").stringValue()).isEqualTo("closed");
        assertThat(fixture.currentWindow()).isEqualTo("w-2");
        JsonNode usd = expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200)
                .json()
                .path("assets")
                .get(0);
        assertThat(usd.path("asset").stringValue()).isEqualTo("USD");
        assertThat(usd.path("gross").longValue()).isEqualTo(2_250_000);
        assertThat(usd.path("net_settlement").longValue()).isEqualTo(500_000);
        assertThat(usd.path("efficiency").stringValue()).isEqualTo("0.7778");
        assertThat(usd.path("obligations").longValue()).isEqualTo(3);
        assertThat(nets(usd)).containsExactly("A=-250000", "B=500000", "C=-250000");
        assertThat(status("ob-1")).isEqualTo("netted");
        String csv = expect(admin.get(fixture.clearing + "/windows/w-1/report?format=csv"), 200)
                .text();
        assertThat(csv)
                .startsWith(ReportCsv.HEADER)
                .contains("w-1,USD,B,1000000,500000,500000,3,2250000,500000,0.7778");

        JsonNode settled = fixture.settle(window);
        assertThat(settled.path("status").stringValue()).isEqualTo("settled");
        assertThat(settled.path("settlement_transaction").stringValue()).isEqualTo("clearing:w-1:settle");
        assertThat(fixture.balance("participants:A:USD")).isZero();
        assertThat(fixture.balance("participants:B:USD")).isEqualTo(500_000);
        assertThat(fixture.balance("participants:C:USD")).isZero();
        assertThat(fixture.balance("clearing:hub:USD")).isZero();
        JsonNode transaction = expect(admin.get(fixture.base + "/transactions/clearing:w-1:settle"), 200)
                .json();
        assertThat(transaction.path("postings").size()).isEqualTo(3);
        assertThat(status("ob-1")).isEqualTo("settled");
        assertThat(status("ob-3")).isEqualTo("settled");

        // Settling again changes nothing and answers the settled window.
        assertThat(fixture.settle(window).path("settled_at").stringValue())
                .isEqualTo(settled.path("settled_at").stringValue());
        assertThat(fixture.balance("participants:B:USD")).isEqualTo(500_000);
        List<String> types = new ArrayList<>();
        // The ledger's own service events: the shared service holds other tests' events before them.
        admin.get("/v1/events?limit=1000&ledger=" + fixture.ledger)
                .json()
                .path("data")
                .forEach(event -> {
                    if (fixture.ledger.equals(event.path("ledger").stringValue())) {
                        types.add(event.path("type").stringValue());
                    }
                });
        assertThat(types).contains("clearing.window.closed", "clearing.window.settled");
        assertThat(admin.get("/metrics").text())
                .contains("pacioli_clearing_netting_efficiency{asset=\"USD\"}")
                .contains("pacioli_clearing_settle_seconds");
    }

    @Test
    void aCycleWithATailSettlesOnlyCPayingA() {
        for (String id : List.of("A", "B", "C", "D")) {
            fixture.participant(id, CAP);
        }
        fixture.fund("C", 50, "fund-c");
        expect(fixture.obligation("o1", "A", "B", 100), 201);
        expect(fixture.obligation("o2", "B", "C", 100), 201);
        expect(fixture.obligation("o3", "C", "A", 100), 201);
        expect(fixture.obligation("o4", "C", "D", 50), 201);
        expect(fixture.obligation("o5", "D", "A", 50), 201);
        fixture.close("w-1");
        JsonNode usd = expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200)
                .json()
                .path("assets")
                .get(0);
        assertThat(nets(usd)).containsExactly("A=50", "B=0", "C=-50", "D=0");
        assertThat(usd.path("instructions").size()).isEqualTo(2);
        assertThat(usd.path("net_settlement").longValue()).isEqualTo(50);
        fixture.settle("w-1");
        assertThat(fixture.balance("participants:A:USD")).isEqualTo(50);
        assertThat(fixture.balance("participants:C:USD")).isZero();
    }

    @Test
    void twoWaysNetToSeventyAtFortySixPercent() {
        fixture.participant("A", CAP);
        fixture.participant("B", CAP);
        fixture.fund("A", 70, "fund-a");
        expect(fixture.obligation("o1", "A", "B", 100), 201);
        expect(fixture.obligation("o2", "B", "A", 30), 201);
        fixture.close("w-1");
        JsonNode usd = expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200)
                .json()
                .path("assets")
                .get(0);
        assertThat(usd.path("efficiency").stringValue()).isEqualTo("0.4615");
        assertThat(nets(usd)).containsExactly("A=-70", "B=70");
        fixture.settle("w-1");
        assertThat(fixture.balance("participants:B:USD")).isEqualTo(70);
    }

    @Test
    void aDebtorShortByOneFailsTheWholeSettlementUntilFunded() {
        for (String id : List.of("A", "B", "C")) {
            fixture.participant(id, CAP);
        }
        fixture.fund("A", 249_999, "fund-a");
        fixture.fund("C", 250_000, "fund-c");
        expect(fixture.obligation("ob-1", "A", "B", 1_000_000), 201);
        expect(fixture.obligation("ob-2", "B", "C", 500_000), 201);
        expect(fixture.obligation("ob-3", "C", "A", 750_000), 201);
        fixture.close("w-1");
        JsonNode failed = fixture.settle("w-1");
        assertThat(failed.path("status").stringValue()).isEqualTo("settlement_failed");
        JsonNode shortfall = failed.path("failure").path("short").get(0);
        assertThat(failed.path("failure").path("short").size()).isEqualTo(1);
        assertThat(shortfall.path("participant").stringValue()).isEqualTo("A");
        assertThat(shortfall.path("short_by").longValue()).isEqualTo(1);
        // Nothing posted: no settlement transaction, every balance as funded.
        expect(admin.get(fixture.base + "/transactions/clearing:w-1:settle"), 404);
        assertThat(fixture.balance("participants:C:USD")).isEqualTo(250_000);
        assertThat(fixture.balance("participants:B:USD")).isZero();
        assertThat(fixture.balance("clearing:hub:USD")).isZero();
        assertThat(status("ob-1")).isEqualTo("netted");
        assertThat(admin.get("/v1/alerts?limit=1000").text())
                .contains("clearing-settlement:" + fixture.ledger + "/w-1");

        fixture.fund("A", 1, "fund-a-2");
        JsonNode settled = fixture.settle("w-1");
        assertThat(settled.path("status").stringValue()).isEqualTo("settled");
        assertThat(settled.path("failure").isNull()).isTrue();
        assertThat(fixture.balance("participants:B:USD")).isEqualTo(500_000);
        assertThat(fixture.balance("participants:A:USD")).isZero();
    }

    @Test
    void intakeChecksInTheContractsOrder() {
        fixture.participant("A", 1_000L);
        fixture.participant("B", null);
        expect(
                admin.put(
                        fixture.clearing + "/participants/S",
                        "{\"name\": \"S\", \"settlement_accounts\": {\"USD\": \"participants:S:USD\"}, \"status\":"
                                + " \"suspended\"}"),
                201);
        assertThat(admin.put("/v1/assets/EUR", "{\"scale\": 2}").status()).isIn(200, 201);
        assertThat(expect(fixture.obligation("x1", "A", "nobody", 10), 422).code())
                .isEqualTo("participant_not_found");
        assertThat(expect(fixture.obligation("x2", "S", "nobody", 10), 422).code())
                .isEqualTo("participant_not_found");
        assertThat(expect(fixture.obligation("x3", "A", "S", 10), 422).code()).isEqualTo("participant_suspended");
        Response eur = admin.post(
                fixture.clearing + "/obligations",
                "{\"id\": \"x4\", \"debtor\": \"A\", \"creditor\": \"B\", \"amount\": 10, \"asset\": \"EUR\"}");
        assertThat(expect(eur, 422).code()).isEqualTo("asset_mismatch");
        assertThat(expect(fixture.obligation("x5", "A", "A", 10), 422).code()).isEqualTo("same_participant");
        assertThat(expect(fixture.obligation("x6", "A", "B", 1_001), 422).code())
                .isEqualTo("net_debit_cap_exceeded");
        // B has no explicit cap: its settlement account's available balance (0) caps it.
        assertThat(expect(fixture.obligation("x7", "B", "A", 1), 422).code()).isEqualTo("net_debit_cap_exceeded");
        expect(fixture.obligation("ok-1", "A", "B", 1_000), 201);
        // What A is owed lowers its net debit: B may owe A once funded, and then A may owe more.
        fixture.fund("B", 400, "fund-b");
        expect(fixture.obligation("ok-2", "B", "A", 400), 201);
        expect(fixture.obligation("ok-3", "A", "B", 400), 201);
        assertThat(expect(fixture.obligation("x8", "A", "B", 1), 422).code()).isEqualTo("net_debit_cap_exceeded");
        // Nothing refused was stored.
        expect(admin.get(fixture.clearing + "/obligations/x6"), 404);
        assertThat(admin.get(fixture.clearing + "/obligations?window=w-1")
                        .json()
                        .path("data")
                        .size())
                .isEqualTo(3);
    }

    @Test
    void anIdenticalReplayAnswersTheOriginalAndOtherFieldsConflict() {
        fixture.participant("A", CAP);
        fixture.participant("B", CAP);
        expect(fixture.obligation("ob-1", "A", "B", 100), 201);
        Response again = expect(fixture.obligation("ob-1", "A", "B", 100), 200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(expect(fixture.obligation("ob-1", "A", "B", 101), 409).code())
                .isEqualTo("obligation_exists_with_different_fields");
        Response batch = expect(
                admin.post(
                        fixture.clearing + "/obligations/batch",
                        "{\"obligations\": [{\"id\": \"ob-1\", \"debtor\": \"A\", \"creditor\": \"B\", \"amount\": 100,"
                                + " \"asset\": \"USD\"}, {\"id\": \"ob-2\", \"debtor\": \"B\", \"creditor\": \"A\","
                                + " \"amount\": 5, \"asset\": \"USD\"}, {\"id\": \"ob-3\", \"debtor\": \"A\", \"creditor\":"
                                + " \"zz\", \"amount\": 5, \"asset\": \"USD\"}, {\"id\": \"ob-2\", \"debtor\": \"B\","
                                + " \"creditor\": \"A\", \"amount\": 6, \"asset\": \"USD\"}]}"),
                200);
        List<String> answers = new ArrayList<>();
        batch.json()
                .path("results")
                .forEach(result -> answers.add(result.path("status").stringValue() + ":"
                        + result.path("code").asString("")));
        assertThat(answers)
                .containsExactly(
                        "exists:",
                        "created:",
                        "failed:participant_not_found",
                        "failed:obligation_exists_with_different_fields");
    }

    @Test
    void cancelBeforeCloseOnlyAndIllegalMovesAre409() {
        fixture.participant("A", CAP);
        fixture.participant("B", CAP);
        expect(fixture.obligation("ob-1", "A", "B", 100), 201);
        expect(fixture.obligation("ob-2", "A", "B", 50), 201);
        assertThat(expect(admin.get(fixture.clearing + "/windows/w-1/report"), 409)
                        .code())
                .isEqualTo("window_open");
        assertThat(expect(admin.post(fixture.clearing + "/windows/w-1/settle", "{}"), 409)
                        .code())
                .isEqualTo("invalid_state_transition");
        JsonNode canceled = expect(admin.post(fixture.clearing + "/obligations/ob-1/cancel", "{}"), 200)
                .json();
        assertThat(canceled.path("status").stringValue()).isEqualTo("canceled");
        assertThat(expect(admin.post(fixture.clearing + "/obligations/ob-1/cancel", "{}"), 409)
                        .code())
                .isEqualTo("invalid_state_transition");
        fixture.close("w-1");
        assertThat(expect(admin.post(fixture.clearing + "/windows/w-1/close", "{}"), 409)
                        .code())
                .isEqualTo("invalid_state_transition");
        assertThat(expect(admin.post(fixture.clearing + "/obligations/ob-2/cancel", "{}"), 409)
                        .code())
                .isEqualTo("invalid_state_transition");
        expect(admin.post(fixture.clearing + "/windows/w-9/close", "{}"), 404);
        JsonNode usd = expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200)
                .json()
                .path("assets")
                .get(0);
        assertThat(usd.path("gross").longValue()).isEqualTo(50);
        assertThat(usd.path("obligations").longValue()).isEqualTo(1);
        assertThat(admin.get(fixture.clearing + "/obligations?status=canceled")
                        .json()
                        .path("data")
                        .size())
                .isEqualTo(1);
        assertThat(admin.get(fixture.clearing + "/windows?status=closed")
                        .json()
                        .path("data")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void aScheduleClosesAndSettlesWindowsByItself() {
        fixture.participant("A", CAP);
        fixture.participant("B", CAP);
        fixture.fund("A", 100, "fund-a");
        expect(fixture.obligation("ob-1", "A", "B", 100), 201);
        JsonNode schedule = expect(
                        admin.put(
                                fixture.clearing + "/schedule", "{\"close_every_seconds\": 1, \"auto_settle\": true}"),
                        200)
                .json();
        assertThat(schedule.path("close_every_seconds").longValue()).isEqualTo(1);
        Await.until(
                "the schedule closes and settles w-1",
                Duration.ofSeconds(60),
                () -> "settled"
                        .equals(admin.get(fixture.clearing + "/windows/w-1")
                                .json()
                                .path("status")
                                .stringValue()));
        expect(
                admin.put(fixture.clearing + "/schedule", "{\"close_every_seconds\": null, \"auto_settle\": false}"),
                200);
        assertThat(fixture.balance("participants:B:USD")).isEqualTo(100);
        assertThat(status("ob-1")).isEqualTo("settled");
        assertThat(admin.get("/v1/audit-log?limit=1000").text()).contains("clearing_schedule.changed");
    }

    @Test
    void anEmptyWindowClosesAndSettlesWithoutATransaction() {
        fixture.close("w-1");
        JsonNode settled = fixture.settle("w-1");
        assertThat(settled.path("status").stringValue()).isEqualTo("settled");
        assertThat(settled.path("settlement_transaction").isNull()).isTrue();
    }

    private String status(String obligation) {
        return expect(admin.get(fixture.clearing + "/obligations/" + obligation), 200)
                .json()
                .path("status")
                .stringValue();
    }

    private static List<String> nets(JsonNode asset) {
        List<String> nets = new ArrayList<>();
        asset.path("positions")
                .forEach(position -> nets.add(position.path("participant").stringValue() + "="
                        + position.path("net").longValue()));
        return nets;
    }
}
