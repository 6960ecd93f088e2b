package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import dev.pacioli.platform.alerts.Alerts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a drift sets off: a {@code hold_payouts} drift holds the ledger's next payout until an operator
 * clears it, which releases it; and the daily schedule runs once a day across two instances.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class DriftActionsTest {
    @Parameter
    TestService.Running service;

    private HttpTester admin;
    private String ledger;
    private String base;

    @BeforeEach
    void aLedgerWithABankAccountAndAWallet() {
        admin = service.admin();
        ledger = TestService.uniqueName("drift");
        base = admin.openLedgerWithWorldAndWallet(ledger);
        expect(
                admin.post(base + "/accounts", "{\"id\": \"bank\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}"),
                201);
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"fund\", \"postings\": [{\"from\": \"bank\","
                                + " \"to\": \"wallet\", \"amount\": 100000, \"asset\": \"USD\"}]}"),
                201);
    }

    @Test
    void aCriticalDriftHoldsTheNextPayoutAndClearingItReleasesIt() {
        expect(
                admin.put(
                        base + "/reconciliation/accounts/bank",
                        "{\"tiers\": [{\"max_abs\": \"1.00\","
                                + " \"severity\": \"low\"}], \"above\": \"critical\", \"actions\": {\"critical\": \"hold_payouts\"}}"),
                200);
        // The bank says 998.99 where the ledger says 1,000.00: 1.01 beyond the 1.00 tier.
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        expect(
                admin.send(
                        "POST",
                        base + "/reconciliation/statements?account=bank",
                        Camt.statement("USD", today, 0, 99_899, List.of(new Camt.Entry(99_899, "B-1", null, null))),
                        Map.of("Content-Type", "application/xml")),
                201);
        Response account = admin.get(base + "/reconciliation/accounts/bank");
        assertThat(account.json().path("drift").path("drift").longValue()).isEqualTo(101);
        assertThat(account.json().path("drift").path("severity").stringValue()).isEqualTo("critical");
        assertThat(account.json().path("holds_payouts").booleanValue()).isTrue();

        String connector =
                TestService.uniqueName("sim").toLowerCase(Locale.ROOT).replace(':', '-');
        expect(
                admin.post(
                        "/v1/connectors",
                        "{\"id\": \"" + connector + "\", \"kind\": \"simulator\", \"assets\":"
                                + " {\"USD\": \"providers:sim:USD\"}, \"config\": {}}"),
                201);
        Response payout = admin.post(
                base + "/payouts",
                "{\"id\": \"po-1\", \"source\": \"wallet\", \"amount\": 500,"
                        + " \"asset\": \"USD\", \"connector\": \"" + connector + "\", \"destination\": {\"type\":"
                        + " \"wallet_address\", \"address\": \"0xabc\"}, \"metadata\": {\"simulate\": \"succeed\"}}");
        expect(payout, 201);
        assertThat(payout.json().path("status").stringValue()).isEqualTo("held");
        assertThat(payout.json().path("hold_reason").stringValue()).isEqualTo("reconciliation");

        Response cleared = admin.post(
                base + "/reconciliation/accounts/bank/clear-drift",
                "{\"reason\": \"the bank's fee, booked tomorrow\"}");
        expect(cleared, 200);
        assertThat(cleared.json().path("holds_payouts").booleanValue()).isFalse();
        Await.until(
                "the held payout is released and paid",
                Duration.ofSeconds(30),
                () -> "paid"
                        .equals(admin.get(base + "/payouts/po-1")
                                .json()
                                .path("status")
                                .stringValue()));
        Response next = admin.post(
                base + "/payouts",
                "{\"id\": \"po-2\", \"source\": \"wallet\", \"amount\": 500,"
                        + " \"asset\": \"USD\", \"connector\": \"" + connector + "\", \"destination\": {\"type\":"
                        + " \"wallet_address\", \"address\": \"0xabc\"}, \"metadata\": {\"simulate\": \"succeed\"}}");
        assertThat(next.json().path("status").stringValue()).isNotEqualTo("held");
        assertThat(admin.get("/v1/audit-log?limit=1000&ledger=" + ledger)
                        .json()
                        .path("data")
                        .findValuesAsString("action"))
                .contains("reconciliation_drift.cleared", "payout.released", "reconciliation_settings.replaced");
    }

    @Test
    void anEmergencyStopDriftEngagesTheStop() {
        expect(
                admin.put(
                        base + "/reconciliation/accounts/bank",
                        "{\"tiers\": [{\"max_ratio\": \"0.01\","
                                + " \"severity\": \"medium\"}], \"above\": \"critical\", \"actions\": {\"critical\":"
                                + " \"emergency_stop\"}}"),
                200);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try {
            // 1,000.00 in the ledger against 980.00 at the bank: 2% is beyond the 1% tier.
            expect(
                    admin.send(
                            "POST",
                            base + "/reconciliation/statements?account=bank",
                            Camt.statement("USD", today, 0, 98_000, List.of(new Camt.Entry(98_000, "B-1", null, null))),
                            Map.of("Content-Type", "application/xml")),
                    201);
            Response controls = admin.get("/v1/controls");
            assertThat(controls.json().path("emergency_stop").path("scope").stringValue())
                    .isEqualTo("all");
        } finally {
            expect(
                    admin.send("DELETE", "/v1/controls/emergency-stop", "{\"reason\": \"the test is over\"}", Map.of()),
                    200);
        }
        assertThat(admin.get("/v1/controls").json().path("emergency_stop").isNull())
                .isTrue();
    }

    @Test
    void theDailyRunHappensOnceADayAcrossTwoInstances() throws Exception {
        expect(
                admin.put(
                        base + "/reconciliation/schedule",
                        "{\"accounts\": [\"bank\"], \"at\": \"02:00\", \"time_zone\": \"Europe/Berlin\"}"),
                200);
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2020-01-01T00:59:00Z"));
        DailySchedule first = instance(now, "instance-a");
        DailySchedule second = instance(now, "instance-b");
        assertThat(ours(first.tick())).as("01:59 in Berlin: not yet").isEmpty();
        now.set(Instant.parse("2020-01-01T01:00:00Z"));
        assertThat(ours(first.tick())).containsExactly(ledger + " 2020-01-01");
        assertThat(ours(second.tick())).isEmpty();
        now.set(Instant.parse("2020-01-01T22:00:00Z"));
        assertThat(ours(second.tick())).isEmpty();
        assertThat(ours(first.tick())).isEmpty();
        now.set(Instant.parse("2020-01-02T01:30:00Z"));
        assertThat(ours(second.tick())).containsExactly(ledger + " 2020-01-02");
        assertThat(ours(first.tick())).isEmpty();
        try (Connection connection = service.database().dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("select count(*) from recon_runs"
                        + " where ledger = ? and account = 'bank' and from_date < '2020-01-05'")) {
            select.setString(1, ledger);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).as("one run per day").isEqualTo(2);
            }
        }
    }

    private List<String> ours(List<String> ran) {
        return ran.stream().filter(item -> item.startsWith(ledger + " ")).toList();
    }

    private DailySchedule instance(AtomicReference<Instant> now, String runner) {
        Reconciliation reconciliation = new Reconciliation(
                service.database(), null, Alerts.NONE, null, null, new ReconMetrics(new SimpleMeterRegistry()));
        return new DailySchedule(
                reconciliation,
                new DailyStore(service.database().dataSource()),
                service.database().dataSource(),
                Alerts.NONE,
                now::get,
                runner);
    }

    static void expect(Response response, int... statuses) {
        assertThat(statuses).as(response.toString()).contains(response.status());
    }
}
