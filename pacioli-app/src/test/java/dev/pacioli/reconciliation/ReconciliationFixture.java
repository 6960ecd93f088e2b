package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Reconciliation objects on a ledger of USD for the cross-cutting tests (role matrix, bad input): a bank
 * account {@code recon:bank}, a statement, a run with proposals, and fresh matches and lines on demand.
 */
public final class ReconciliationFixture {
    public static final String ACCOUNT = "recon:bank";
    private static final AtomicLong AMOUNTS = new AtomicLong(10_000);

    private final HttpTester admin;
    private final String base;
    public final String statementId;
    public final String runId;
    public final List<String> proposals;
    public final String mapping;

    private ReconciliationFixture(HttpTester admin, String ledger) {
        this.admin = admin;
        this.base = "/v1/ledgers/" + ledger + "/reconciliation";
        String ledgerBase = "/v1/ledgers/" + ledger;
        expect(
                admin.post(
                        ledgerBase + "/accounts",
                        "{\"id\": \"" + ACCOUNT + "\", \"asset\": \"USD\"," + " \"normal_balance\": \"debit\"}"),
                201);
        expect(
                admin.post(
                        ledgerBase + "/accounts",
                        "{\"id\": \"recon:fees\", \"asset\": \"USD\"," + " \"normal_balance\": \"debit\"}"),
                201);
        for (String id : List.of("recon-1", "recon-2")) {
            expect(
                    admin.post(
                            ledgerBase + "/transactions",
                            "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"" + ACCOUNT
                                    + "\", \"to\": \"recon:fees\", \"amount\": 700, \"asset\": \"USD\"}]}"),
                    201);
        }
        Response statement = statement(
                List.of(new Camt.Entry(700, "R-1", null, null), new Camt.Entry(700, "R-2", null, null)), 1_400);
        this.statementId = statement.json().path("id").stringValue();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Response run = admin.post(
                base + "/runs",
                "{\"account\": \"" + ACCOUNT + "\", \"from\": \"" + today + "\", \"to\": \"" + today + "\"}");
        expect(run, 201);
        this.runId = run.json().path("id").stringValue();
        this.proposals = run.json().path("proposals").findValuesAsString("id");
        this.mapping = ledger.replace(':', '-');
        expect(
                admin.put(
                        "/v1/reconciliation/csv-mappings/" + mapping,
                        "{\"columns\": {\"date\": \"Date\","
                                + " \"amount\": \"Amount\"}, \"date_format\": \"yyyy-MM-dd\", \"amount\": \"minor_units\"}"),
                200);
    }

    public static ReconciliationFixture setUp(HttpTester admin, String ledger) {
        return new ReconciliationFixture(admin, ledger);
    }

    private Response statement(List<Camt.Entry> entries, long closing) {
        Response statement = admin.send(
                "POST",
                base + "/statements?account=" + ACCOUNT,
                Camt.statement("USD", LocalDate.now(ZoneOffset.UTC), 0, closing, entries),
                Map.of("Content-Type", "application/xml"));
        expect(statement, 201);
        return statement;
    }

    /** A new open statement line (of an amount no other line has). */
    public synchronized String freshLine() {
        long amount = AMOUNTS.incrementAndGet();
        Response statement = statement(List.of(new Camt.Entry(amount, "F-" + amount, null, null)), amount);
        JsonNode lines = admin.get(
                        base + "/statements/" + statement.json().path("id").stringValue() + "/lines")
                .json();
        return lines.path("data").get(0).path("id").stringValue();
    }

    /** A new match, by hand with a write-off, for deleting. */
    public synchronized String freshMatch() {
        Response match = admin.post(
                base + "/matches",
                "{\"lines\": [\"" + freshLine() + "\"], \"entries\": []," + " \"write_off_account\": \"recon:fees\"}");
        expect(match, 201);
        return match.json().path("id").stringValue();
    }

    /** An open proposal of the fixture's run, for accepting. */
    public String proposal() {
        return proposals.getFirst();
    }

    private static void expect(Response response, int... statuses) {
        assertThat(statuses).as(response.toString()).contains(response.status());
    }
}
