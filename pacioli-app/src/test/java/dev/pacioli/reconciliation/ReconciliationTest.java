package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Reconciliation end to end on the real service: a bank statement in, matched against the ledger, the
 * drift it leaves, a person's write-off closing it, and the same file again adding nothing.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ReconciliationTest {
    @Parameter
    TestService.Running service;

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    private HttpTester admin;
    private String ledger;
    private String base;

    @BeforeEach
    void aLedgerWithABankAccount() {
        admin = service.admin();
        ledger = TestService.uniqueName("recon");
        base = "/v1/ledgers/" + ledger;
        expect(admin.put("/v1/assets/EUR", "{\"scale\": 2}"), 200, 201);
        expect(admin.post("/v1/ledgers", "{\"name\": \"" + ledger + "\"}"), 201);
        for (String account : List.of("bank:operating", "fees:bank")) {
            expect(
                    admin.post(
                            base + "/accounts",
                            "{\"id\": \"" + account + "\", \"asset\": \"EUR\", \"normal_balance\": \"debit\"}"),
                    201);
        }
        expect(admin.post(base + "/accounts", "{\"id\": \"customers\", \"asset\": \"EUR\"}"), 201);
    }

    @Test
    void aStatementIsMatchedItsDriftMeasuredAndAWriteOffClosesIt() {
        transfer("dep-1001", "bank:operating", "customers", 150_000, "{\"end_to_end_id\": \"E2E-INV-1001\"}");
        transfer("payout:po_1", "customers", "bank:operating", 12_000, "{}");
        transfer("payout:po_2", "customers", "bank:operating", 18_000, "{\"reference\": \"Payout po_2\"}");
        String xml = Camt.statement(
                "EUR",
                TODAY,
                0,
                117_050,
                List.of(
                        new Camt.Entry(150_000, "BANK-1", "E2E-INV-1001", "INV-1001"),
                        new Camt.Entry(-12_000, "BANK-2", "payout:po_1", null),
                        new Camt.Entry(-18_000, "BANK-3", null, "PAYOUT PO_2"),
                        new Camt.Entry(-2_950, "BANK-4", null, "Account fees")));
        Response imported = statement(xml);
        expect(imported, 201);
        assertThat(imported.json().path("line_count").intValue()).isEqualTo(4);
        assertThat(imported.json().path("closing_balance").longValue()).isEqualTo(117_050);
        String statementId = imported.json().path("id").stringValue();
        // The ledger says 1,200.00, the bank 1,170.50: 29.50 is a medium drift by the defaults.
        JsonNode account =
                admin.get(base + "/reconciliation/accounts/bank:operating").json();
        assertThat(account.path("drift").path("drift").longValue()).isEqualTo(2_950);
        assertThat(account.path("drift").path("severity").stringValue()).isEqualTo("medium");

        Response again = statement(xml);
        expect(again, 200);
        assertThat(again.json().path("id").stringValue()).isEqualTo(statementId);
        assertThat(admin.get(base + "/reconciliation/statements/" + statementId + "/lines")
                        .json()
                        .path("data")
                        .size())
                .isEqualTo(4);

        JsonNode run = run();
        assertThat(run.path("matched_by_tier").path("exact_id").intValue()).isEqualTo(2);
        assertThat(run.path("matched_by_tier").path("reference_amount_date").intValue())
                .isEqualTo(1);
        assertThat(run.path("match_rate").stringValue()).isEqualTo("0.750000");
        assertThat(run.path("unmatched_line_count").intValue()).isEqualTo(1);
        String feeLine = run.path("unmatched_lines").get(0).stringValue();
        assertThat(admin.get(base + "/reconciliation/runs/" + run.path("id").stringValue() + "/matches")
                        .json()
                        .path("items")
                        .size())
                .isEqualTo(3);

        Response refused =
                admin.post(base + "/reconciliation/matches", "{\"lines\": [\"" + feeLine + "\"], \"entries\": []}");
        assertThat(refused.code()).isEqualTo("amounts_differ");
        Response manual = admin.post(
                base + "/reconciliation/matches",
                "{\"lines\": [\"" + feeLine + "\"], \"entries\": [], \"write_off_account\": \"fees:bank\"}");
        expect(manual, 201);
        assertThat(manual.json().path("tier").stringValue()).isEqualTo("manual");
        assertThat(balance("fees:bank")).isEqualTo(2_950);
        assertThat(balance("bank:operating")).isEqualTo(117_050);

        JsonNode rerun = run();
        assertThat(rerun.path("match_rate").stringValue()).isEqualTo("1.000000");
        assertThat(rerun.path("proposal_count").intValue()).isZero();
        account = admin.get(base + "/reconciliation/accounts/bank:operating").json();
        assertThat(account.path("drift").path("severity").stringValue()).isEqualTo("none");

        String match = manual.json().path("id").stringValue();
        Response undone = admin.delete(base + "/reconciliation/matches/" + match);
        expect(undone, 200);
        // The write-off is reversed with the match: the books are as before it, the drift is back.
        assertThat(balance("fees:bank")).isZero();
        assertThat(balance("bank:operating")).isEqualTo(120_000);
        String writeOff = "recon:" + match + ":write_off";
        assertThat(admin.get(base + "/transactions/" + writeOff)
                        .json()
                        .path("reversed_by")
                        .stringValue())
                .isEqualTo(writeOff + ":reversal");
        assertThat(admin.delete(base + "/reconciliation/matches/" + match).code())
                .isEqualTo("match_not_found");
        // The write-off and its reversal cancel out and are nobody's counterpart: the line stays open.
        JsonNode afterUndo = run();
        assertThat(afterUndo.path("unmatched_lines").toString()).contains(feeLine);
        assertThat(afterUndo.path("unmatched_entries").toString()).doesNotContain(writeOff);
        Response ignored = admin.post(
                base + "/reconciliation/lines/" + feeLine + "/ignore",
                "{\"reason\": \"booked by hand in the old system\"}");
        expect(ignored, 200);
        assertThat(ignored.json().path("status").stringValue()).isEqualTo("ignored");
        JsonNode audit = admin.get("/v1/audit-log?limit=1000&ledger=" + ledger).json();
        assertThat(audit.path("data").findValuesAsString("action"))
                .contains(
                        "reconciliation_match.created", "reconciliation_match.deleted", "reconciliation_line.ignored");
    }

    @Test
    void twoEqualPaymentsOnOneDayBecomeProposalsAPersonAccepts() {
        transfer("a", "bank:operating", "customers", 5_000, "{}");
        transfer("b", "bank:operating", "customers", 5_000, "{}");
        expect(
                statement(Camt.statement(
                        "EUR",
                        TODAY,
                        0,
                        10_000,
                        List.of(new Camt.Entry(5_000, "X-1", null, null), new Camt.Entry(5_000, "X-2", null, null)))),
                201);
        JsonNode run = run();
        assertThat(run.path("match_rate").stringValue()).isEqualTo("0.000000");
        assertThat(run.path("proposal_count").intValue()).isEqualTo(4);
        String proposal = run.path("proposals").get(0).path("id").stringValue();
        expect(admin.post(base + "/reconciliation/proposals/" + proposal + "/accept", "{}"), 201);
        assertThat(admin.post(base + "/reconciliation/proposals/" + proposal + "/accept", "{}")
                        .code())
                .isEqualTo("proposal_not_open");
        // What is left is one line and one entry: mutually unique now.
        JsonNode rerun = run();
        assertThat(rerun.path("matched_by_tier").path("amount_date").intValue()).isEqualTo(1);
        assertThat(rerun.path("match_rate").stringValue()).isEqualTo("1.000000");
    }

    @Test
    void aStatementsLinesComeByPageInTheFilesOrder() {
        transfer("p-1", "bank:operating", "customers", 7_001, "{\"external_id\": \"P-1\"}");
        Response imported = statement(Camt.statement(
                "EUR",
                TODAY,
                0,
                7_001 + 7_002 + 7_003,
                List.of(
                        new Camt.Entry(7_001, "P-1", null, null),
                        new Camt.Entry(7_002, "P-2", null, null),
                        new Camt.Entry(7_003, "P-3", null, null))));
        expect(imported, 201);
        String lines = base + "/reconciliation/statements/"
                + imported.json().path("id").stringValue() + "/lines";
        JsonNode first = admin.get(lines + "?limit=2").json();
        assertThat(first.path("data").findValuesAsString("external_id")).containsExactly("P-1", "P-2");
        JsonNode second = admin.get(
                        lines + "?limit=2&cursor=" + first.path("next_cursor").stringValue())
                .json();
        assertThat(second.path("data").findValuesAsString("external_id")).containsExactly("P-3");
        assertThat(second.has("next_cursor")).isFalse();

        run();
        JsonNode statement = admin.get(base + "/reconciliation/statements/"
                        + imported.json().path("id").stringValue())
                .json();
        assertThat(statement.path("lines_by_status").path("matched").intValue()).isEqualTo(1);
        assertThat(statement.path("lines_by_status").path("unmatched").intValue())
                .isEqualTo(2);
        assertThat(admin.get(lines + "?status=unmatched").json().path("data").findValuesAsString("external_id"))
                .containsExactly("P-2", "P-3");
        assertThat(admin.get(lines + "?status=open").code()).isEqualTo("validation_failed");
        assertThat(admin.get(lines + "?cursor=bm90LW91cnM").code()).isEqualTo("invalid_cursor");
        assertThat(admin.get(base + "/reconciliation/statements/stmt_none/lines")
                        .code())
                .isEqualTo("statement_not_found");
    }

    @Test
    void aCsvStatementReadsThroughItsMapping() {
        expect(
                admin.put(
                        "/v1/reconciliation/csv-mappings/" + ledger.replace(':', '-'),
                        "{\"columns\": {\"date\": \"Date\", \"amount\": \"Amount\", \"currency\": \"Currency\","
                                + " \"reference\": \"Ref\", \"external_id\": \"Id\", \"description\": \"Details\"},"
                                + " \"date_format\": \"yyyy-MM-dd\", \"amount\": \"decimal\","
                                + " \"sign\": {\"column\": \"Type\", \"debit\": \"D\", \"credit\": \"C\"}}"),
                200);
        transfer("inv-7", "bank:operating", "customers", 25_000, "{\"reference\": \"INV-7\"}");
        String csv = "Date,Amount,Currency,Ref,Id,Details,Type\n" + TODAY + ",250.00,EUR,INV-7,b-1,\"Acme, Inc\",C\n";
        Response imported = admin.raw(
                "POST",
                base + "/reconciliation/statements?account=bank:operating&mapping=" + ledger.replace(':', '-'),
                csv.getBytes(StandardCharsets.UTF_8),
                "text/csv",
                Map.of());
        expect(imported, 201);
        assertThat(run().path("matched_by_tier").path("exact_id").intValue()).isZero();
        Response wrong = admin.raw(
                "POST",
                base + "/reconciliation/statements?account=bank:operating&mapping=" + ledger.replace(':', '-'),
                csv.replace("EUR", "USD").getBytes(StandardCharsets.UTF_8),
                "text/csv",
                Map.of());
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.code()).isEqualTo("currency_mismatch");
        assertThat(wrong.json().path("detail").stringValue()).startsWith("line 2: currency USD");
    }

    @Test
    void filesOverTheLimitsAreRefusedWhole() {
        expect(
                admin.put(
                        "/v1/reconciliation/csv-mappings/limits-" + ledger.replace(':', '-'),
                        "{\"columns\": {\"date\": \"d\", \"amount\": \"a\"}, \"date_format\": \"yyyy-MM-dd\","
                                + " \"amount\": \"minor_units\"}"),
                200);
        String path =
                base + "/reconciliation/statements?account=bank:operating&mapping=limits-" + ledger.replace(':', '-');
        StringBuilder lines = new StringBuilder("d,a\n");
        for (int i = 0; i <= StatementFile.LINES_MAX; i++) {
            lines.append("2026-12-01,1\n");
        }
        Response tooMany =
                admin.raw("POST", path, lines.toString().getBytes(StandardCharsets.UTF_8), "text/csv", Map.of());
        assertThat(tooMany.code()).as(tooMany.toString()).isEqualTo("too_many_lines");
        assertThat(tooMany.json().path("detail").stringValue()).startsWith("line 500002");
        byte[] tooLarge = new byte[(int) StatementFile.BYTES_MAX + 1];
        Arrays.fill(tooLarge, (byte) 'x');
        // Chunked, so the server reads the 50 MiB + 1 it refuses, and its answer is not lost to a reset of a
        // connection still sending (a Content-Length over the limit is answered before the body is read).
        HttpResponse<String> refused;
        try {
            refused = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(admin.base().resolve(path))
                                    .header("Authorization", "Bearer " + TestService.ADMIN_KEY)
                                    .header("Content-Type", "text/csv")
                                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                                            () -> new ByteArrayInputStream(tooLarge)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("body_too_large");
        Response malformed = admin.raw(
                "POST",
                base + "/reconciliation/statements?account=bank:operating",
                "<Document><unclosed></Document>".getBytes(StandardCharsets.UTF_8),
                "application/xml",
                Map.of());
        assertThat(malformed.code()).isEqualTo("invalid_statement");
        Response wrongAccount = statementFor("nobody", Camt.statement("EUR", TODAY, 0, 0, List.of()));
        assertThat(wrongAccount.code()).isEqualTo("account_not_found");
        expect(admin.put("/v1/assets/USD", "{\"scale\": 2}"), 200, 201);
        expect(
                admin.post(
                        base + "/accounts",
                        "{\"id\": \"bank:usd\", \"asset\": \"USD\", \"normal_balance\":" + " \"debit\"}"),
                201,
                409);
        Response wrongCurrency = statementFor("bank:usd", Camt.statement("EUR", TODAY, 0, 0, List.of()));
        assertThat(wrongCurrency.code()).isEqualTo("currency_mismatch");
        assertThat(admin.get(base + "/reconciliation/accounts/bank:operating")
                        .json()
                        .path("drift")
                        .isNull())
                .as("nothing was stored")
                .isTrue();
    }

    Response statementFor(String account, String xml) {
        return admin.send(
                "POST",
                base + "/reconciliation/statements?account=" + account,
                xml,
                Map.of("Content-Type", "application/xml"));
    }

    // ---- helpers

    Response statement(String xml) {
        return admin.raw(
                "POST",
                base + "/reconciliation/statements?account=bank:operating",
                xml.getBytes(StandardCharsets.UTF_8),
                "application/xml",
                Map.of());
    }

    JsonNode run() {
        Response run = admin.post(
                base + "/reconciliation/runs",
                "{\"account\": \"bank:operating\", \"from\": \"" + TODAY + "\", \"to\": \"" + TODAY
                        + "\", \"date_window_days\": 2}");
        expect(run, 201);
        return run.json();
    }

    void transfer(String id, String from, String to, long amount, String metadata) {
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"" + id + "\", \"postings\": [{\"from\": \"" + from
                                + "\", \"to\": \"" + to + "\", \"amount\": " + amount
                                + ", \"asset\": \"EUR\"}], \"metadata\": "
                                + metadata + "}"),
                201);
    }

    long balance(String account) {
        return admin.get(base + "/accounts/" + account)
                .json()
                .path("balances")
                .path("balance")
                .longValue();
    }

    static void expect(Response response, int... statuses) {
        assertThat(statuses).as(response.toString()).contains(response.status());
    }
}
