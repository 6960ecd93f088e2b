package dev.pacioli.platform;

import dev.pacioli.platform.FuzzTargets.Target;
import dev.pacioli.reconciliation.ReconciliationFixture;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The reconciliation operations for the input fuzz, on a ledger of their own (so the fuzz ledger's
 * accounts and events stay as they were). A line to ignore, a match to undo and a proposal to accept
 * come fresh for each request; statement and comparison files are CSV and XML, whose layouts
 * StatementFilesTest and BalanceComparisonTest refuse (InputFuzzTest.CSV_BODIES_NOT_FUZZED).
 */
final class ReconciliationFuzzTargets {
    private final HttpTester admin;
    private String ledger;
    private ReconciliationFixture fixture;
    private String comparison;

    ReconciliationFuzzTargets(HttpTester admin) {
        this.admin = admin;
    }

    synchronized List<Target> all() {
        if (fixture == null) {
            ledger = FuzzTargets.fresh();
            admin.put("/v1/assets/USD", "{\"scale\": 2}");
            expect(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}"), 201);
            fixture = ReconciliationFixture.setUp(admin, ledger);
            comparison = admin.send(
                            "POST",
                            "/v1/ledgers/" + ledger + "/reconciliation/balance-comparisons",
                            "account,balance\nrecon:bank,1\n",
                            Map.of("Content-Type", "text/csv"))
                    .json()
                    .path("id")
                    .stringValue();
        }
        String base = "/v1/ledgers/{ledger}/reconciliation";
        Supplier<String> theLedger = () -> ledger;
        String account = ReconciliationFixture.ACCOUNT;
        return List.of(
                new Target(
                        "PUT /v1/reconciliation/csv-mappings/{id}",
                        Map.of("id", FuzzTargets::fresh),
                        () -> "{\"columns\": {\"date\": \"Date\", \"amount\": \"Amount\", \"reference\": \"Ref\"},"
                                + " \"date_format\": \"yyyy-MM-dd\", \"amount\": \"decimal\", \"sign\": {\"column\":"
                                + " \"Type\", \"debit\": \"D\", \"credit\": \"C\"}}",
                        null),
                new Target(
                                "POST " + base + "/statements",
                                Map.of("ledger", theLedger),
                                () -> "Date,Amount\n2026-01-02,7\n",
                                null)
                        .with(body -> Map.of("Content-Type", "text/csv"))
                        .covering("ledger")
                        .withQuery("account=" + account + "&mapping=" + fixture.mapping),
                new Target(
                                "GET " + base + "/statements/{id}",
                                Map.of("ledger", theLedger, "id", () -> fixture.statementId),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "GET " + base + "/statements/{id}/lines",
                                Map.of("ledger", theLedger, "id", () -> fixture.statementId),
                                null,
                                null)
                        .covering("ledger")
                        .withQuery("status=unmatched&limit=5"),
                new Target(
                                "POST " + base + "/lines/{id}/ignore",
                                Map.of("ledger", theLedger, "id", fixture::freshLine),
                                () -> "{\"reason\": \"fuzz\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + base + "/runs",
                                Map.of("ledger", theLedger),
                                () -> "{\"account\": \"" + account
                                        + "\", \"from\": \"2026-01-01\", \"to\": \"2026-01-02\","
                                        + " \"date_window_days\": 1}",
                                null)
                        .covering("ledger"),
                new Target(
                                "GET " + base + "/runs/{id}",
                                Map.of("ledger", theLedger, "id", () -> fixture.runId),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "GET " + base + "/runs/{id}/matches",
                                Map.of("ledger", theLedger, "id", () -> fixture.runId),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + base + "/matches",
                                Map.of("ledger", theLedger),
                                () -> "{\"lines\": [\"" + fixture.freshLine() + "\"], \"entries\": [],"
                                        + " \"write_off_account\": \"recon:fees\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "DELETE " + base + "/matches/{id}",
                                Map.of("ledger", theLedger, "id", fixture::freshMatch),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + base + "/proposals/{id}/accept",
                                Map.of("ledger", theLedger, "id", fixture::proposal),
                                () -> "{}",
                                null)
                        .covering("ledger"),
                new Target(
                                "PUT " + base + "/accounts/{account}",
                                Map.of("ledger", theLedger, "account", () -> account),
                                () -> "{\"tiers\": [{\"max_abs\": \"1.00\", \"severity\": \"low\"}, {\"max_ratio\":"
                                        + " \"0.5\", \"severity\": \"high\"}], \"above\": \"critical\","
                                        + " \"actions\": {\"high\": \"alert\"}}",
                                null)
                        .covering("ledger"),
                new Target(
                                "GET " + base + "/accounts/{account}",
                                Map.of("ledger", theLedger, "account", () -> account),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + base + "/accounts/{account}/clear-drift",
                                Map.of("ledger", theLedger, "account", () -> account),
                                () -> "{\"reason\": \"fuzz\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "POST " + base + "/balance-comparisons",
                                Map.of("ledger", theLedger),
                                () -> "account,balance\nrecon:bank,1\n",
                                null)
                        .with(body -> Map.of("Content-Type", "text/csv"))
                        .covering("ledger")
                        .withQuery("tolerance=1"),
                new Target(
                                "GET " + base + "/balance-comparisons/{id}",
                                Map.of("ledger", theLedger, "id", () -> comparison),
                                null,
                                null)
                        .covering("ledger"),
                new Target(
                                "PUT " + base + "/schedule",
                                Map.of("ledger", theLedger),
                                () -> "{\"accounts\": [\"" + account
                                        + "\"], \"at\": \"23:59\", \"time_zone\": \"UTC\"}",
                                null)
                        .covering("ledger"),
                new Target(
                                "GET " + base + "/reports/{date}",
                                Map.of("ledger", theLedger, "date", () -> "2026-01-02"),
                                null,
                                null)
                        .covering("ledger"));
    }

    private static void expect(HttpTester.Response response, int status) {
        if (response.status() != status) {
            throw new AssertionError("expected " + status + ": " + response);
        }
    }
}
