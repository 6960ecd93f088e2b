package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Every reconciliation operation once, as a client uses them: ApiWalkthroughTest's reconciliation part. */
public final class ReconciliationWalkthrough {
    private ReconciliationWalkthrough() {}

    public static void walk(HttpTester admin) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String ledger = TestService.uniqueName("walk-recon");
        String base = "/v1/ledgers/" + ledger;
        String recon = base + "/reconciliation";
        expect(admin.put("/v1/assets/EUR", "{\"scale\": 2}"), 200, 201);
        expect(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}"), 201);
        expect(
                admin.post(base + "/accounts", "{\"id\": \"bank\", \"asset\": \"EUR\", \"normal_balance\": \"debit\"}"),
                201);
        expect(
                admin.post(base + "/accounts", "{\"id\": \"fees\", \"asset\": \"EUR\", \"normal_balance\": \"debit\"}"),
                201);
        expect(admin.post(base + "/accounts", "{\"id\": \"customers\", \"asset\": \"EUR\"}"), 201);
        for (String id : List.of("t1", "t2")) {
            expect(
                    admin.post(
                            base + "/transactions",
                            "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"bank\","
                                    + " \"to\": \"customers\", \"amount\": 700, \"asset\": \"EUR\"}]}"),
                    201);
        }
        Response statement = admin.send(
                "POST",
                recon + "/statements?account=bank",
                Camt.statement(
                        "EUR",
                        today,
                        0,
                        1_300,
                        List.of(
                                new Camt.Entry(700, "W-1", null, null),
                                new Camt.Entry(700, "W-2", null, null),
                                new Camt.Entry(-100, "W-3", null, "fee"))),
                Map.of("Content-Type", "application/xml"));
        expect(statement, 201);
        String mapping = ledger.replace(':', '-');
        expect(
                admin.put(
                        "/v1/reconciliation/csv-mappings/" + mapping,
                        "{\"columns\": {\"date\": \"Date\","
                                + " \"amount\": \"Amount\"}, \"date_format\": \"yyyy-MM-dd\", \"amount\": \"minor_units\","
                                + " \"sign\": \"signed\"}"),
                200);
        expect(
                admin.send(
                        "POST",
                        recon + "/statements?account=fees&mapping=" + mapping,
                        "Date,Amount\n" + today + ",100\n",
                        Map.of("Content-Type", "text/csv")),
                201);
        String statementPath =
                recon + "/statements/" + statement.json().path("id").stringValue();
        Response read = admin.get(statementPath);
        expect(read, 200);
        assertThat(read.json().path("lines_by_status").path("unmatched").intValue())
                .isEqualTo(3);
        Response lines = admin.get(statementPath + "/lines?limit=2");
        expect(lines, 200);
        assertThat(lines.json().path("data").size()).isEqualTo(2);
        Response rest = admin.get(statementPath + "/lines?limit=2&cursor="
                + lines.json().path("next_cursor").stringValue());
        expect(rest, 200);
        assertThat(rest.json().path("data").get(0).path("position").intValue()).isEqualTo(3);

        Response run = admin.post(
                recon + "/runs",
                "{\"account\": \"bank\", \"from\": \"" + today + "\", \"to\": \"" + today
                        + "\", \"date_window_days\": 1}");
        expect(run, 201);
        String runId = run.json().path("id").stringValue();
        expect(admin.get(recon + "/runs/" + runId), 200);
        expect(admin.get(recon + "/runs/" + runId + "/matches"), 200);
        String proposal = run.json().path("proposals").get(0).path("id").stringValue();
        String fee = run.json().path("unmatched_lines").get(0).stringValue();
        Response accepted = admin.post(recon + "/proposals/" + proposal + "/accept", "{}");
        expect(accepted, 201);
        expect(admin.delete(recon + "/matches/" + accepted.json().path("id").stringValue()), 200);
        expect(
                admin.post(
                        recon + "/matches",
                        "{\"lines\": [\"" + fee + "\"], \"entries\": []," + " \"write_off_account\": \"fees\"}"),
                201);
        String other = run.json().path("proposals").get(1).path("lines").get(0).stringValue();
        expect(admin.post(recon + "/lines/" + other + "/ignore", "{\"reason\": \"a duplicate\"}"), 200, 409);

        expect(
                admin.put(
                        recon + "/accounts/bank",
                        "{\"tiers\": [{\"max_abs\": \"1.00\", \"severity\": \"low\"}],"
                                + " \"above\": \"high\", \"actions\": {\"high\": \"alert\"}}"),
                200);
        expect(admin.get(recon + "/accounts/bank"), 200);
        expect(admin.post(recon + "/accounts/bank/clear-drift", "{\"reason\": \"looked at it\"}"), 200);

        Response compared = admin.send(
                "POST",
                recon + "/balance-comparisons?tolerance=0",
                "account,balance\nbank,1300\ncustomers,1400\n",
                Map.of("Content-Type", "text/csv"));
        expect(compared, 201);
        String comparison = compared.json().path("id").stringValue();
        expect(admin.get(recon + "/balance-comparisons/" + comparison), 200);
        assertThat(admin.get(recon + "/balance-comparisons/" + comparison + "?format=csv")
                        .text())
                .startsWith("account,asset,ledger_balance");
        expect(
                admin.put(recon + "/schedule", "{\"accounts\": [\"bank\"], \"at\": \"02:00\", \"time_zone\": \"UTC\"}"),
                200);
        expect(admin.get(recon + "/reports/" + today), 200);
        assertThat(admin.get(recon + "/reports/" + today + "?format=html").text())
                .contains("<svg");
        assertThat(admin.get(recon + "/reports/" + today + "?format=csv").text())
                .startsWith("account,line");
    }

    private static void expect(Response response, int... statuses) {
        assertThat(statuses).as(response.toString()).contains(response.status());
    }
}
