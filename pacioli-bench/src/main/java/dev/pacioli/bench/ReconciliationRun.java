package dev.pacioli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Reconciliation end to end on loopback against the real service on the embedded PostgreSQL
 * (reconciliation.md): 100,000 ledger transactions on an account, a CSV statement of 100,000 lines
 * imported in one request, and one run matching them — what a user waits for, reads and the run's one
 * write transaction included (the in-memory {@code MatchingRun} measures the matcher alone).
 *
 * <p>The pairs: a third carry the transaction's id as the line's {@code external_id} (tier
 * {@code exact_id}), a third share a reference ({@code reference_amount_date}), a third only their
 * amount and day ({@code amount_date}); every amount differs, so the run matches all of them.
 *
 * <pre>./pacioli-bench/run --only reconciliation [--output FILE]</pre>
 */
public final class ReconciliationRun {
    static final String ADMIN_SECRET = "pacioli-bench-recon-admin-0123456789abcdef";
    private static final String LEDGER = "bench-recon";
    private static final int PAIRS = 100_000;
    private static final int BATCH = 8_000;

    private ReconciliationRun() {}

    /** Runs the section against the service on {@code port}; answers it for BENCHMARKS.md. */
    static String run(int port, String loadBefore) throws Exception {
        String base = "/v1/ledgers/" + LEDGER;
        try (LoopbackHttp http = new LoopbackHttp(port, ADMIN_SECRET)) {
            expect(http.send("PUT", "/v1/assets/EUR", bytes("{\"scale\": 2}"), null), 200, 201);
            expect(http.post("/v1/ledgers", bytes("{\"name\": \"" + LEDGER + "\"}")), 201);
            expect(
                    http.post(
                            base + "/accounts",
                            bytes("{\"id\": \"bank:operating\", \"asset\": \"EUR\", \"normal_balance\": \"debit\"}")),
                    201);
            expect(http.post(base + "/accounts", bytes("{\"id\": \"customers\", \"asset\": \"EUR\"}")), 201);
            expect(
                    http.send(
                            "PUT",
                            "/v1/reconciliation/csv-mappings/bench",
                            bytes("{\"columns\": {\"date\": \"date\", \"amount\": \"amount\", \"external_id\": \"id\","
                                    + " \"reference\": \"reference\"}, \"date_format\": \"yyyy-MM-dd\","
                                    + " \"amount\": \"minor_units\"}"),
                            null),
                    200);
            long postStart = System.nanoTime();
            for (int from = 0; from < PAIRS; from += BATCH) {
                StringBuilder body = new StringBuilder("{\"transactions\": [");
                for (int i = from; i < Math.min(PAIRS, from + BATCH); i++) {
                    body.append(i == from ? "" : ",").append(transaction(i));
                }
                expect(http.post(base + "/transactions/batch", bytes(body + "]}")), 200);
            }
            double postSeconds = (System.nanoTime() - postStart) / 1e9;
            // The entries are committed today (UTC): the statement's lines are booked today too.
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            long importStart = System.nanoTime();
            String statement = importCsv(port, base, today);
            double importSeconds = (System.nanoTime() - importStart) / 1e9;
            long runStart = System.nanoTime();
            LoopbackHttp.Response run = expect(
                    http.post(
                            base + "/reconciliation/runs",
                            bytes("{\"account\": \"bank:operating\", \"from\": \"" + today + "\", \"to\": \"" + today
                                    + "\", \"date_window_days\": 2}")),
                    201);
            double runSeconds = (System.nanoTime() - runStart) / 1e9;
            if (!run.text().contains("\"match_rate\":\"1.000000\"")) {
                throw new IllegalStateException("the run did not match every pair: " + run.text());
            }
            return section(loadBefore, postSeconds, importSeconds, runSeconds, statement, run.text());
        }
    }

    /** One payment into the bank account, the {@code i}-th pair's ledger side. */
    private static String transaction(int i) {
        String metadata = i % 3 == 1 ? "{\"reference\": \"INV-" + i + "\"}" : "{}";
        return "{\"id\": \"tx-" + i + "\", \"postings\": [{\"from\": \"bank:operating\", \"to\": \"customers\","
                + " \"amount\": " + amount(i) + ", \"asset\": \"EUR\"}], \"metadata\": " + metadata + "}";
    }

    private static long amount(int i) {
        return 1_000 + i;
    }

    /** The statement as a bank exports it, in one request (the JDK client: it is sent as text/csv). */
    private static String importCsv(int port, String base, LocalDate today) throws IOException, InterruptedException {
        StringBuilder csv = new StringBuilder(PAIRS * 40).append("date,amount,id,reference\n");
        for (int i = 0; i < PAIRS; i++) {
            csv.append(today)
                    .append(',')
                    .append(amount(i))
                    .append(',')
                    .append(i % 3 == 0 ? "tx-" + i : "BANK-" + i)
                    .append(',')
                    .append(i % 3 == 1 ? "INV-" + i : "")
                    .append('\n');
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + base
                        + "/reconciliation/statements?account=bank:operating&mapping=bench"))
                .header("Authorization", "Bearer " + ADMIN_SECRET)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                .build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IOException("the statement was refused: " + answer.statusCode() + " " + answer.body());
            }
            return answer.body();
        }
    }

    private static String section(
            String loadBefore,
            double postSeconds,
            double importSeconds,
            double runSeconds,
            String statement,
            String run) {
        return String.format(
                Locale.ROOT,
                """
                ## Reconciliation end to end: a 100,000-line statement imported and matched through the API (reconciliation.md)

                Written by the harness (`./pacioli-bench/run --only reconciliation`, %s UTC, %s; load average \
                %s at the start, %s at the end), the real service on loopback over the embedded PostgreSQL. \
                %,d ledger transactions on one account (posted in batches of %,d), then a CSV statement of \
                %,d lines, then one run over the day: a third of the pairs by the bank carrying our \
                transaction id, a third by a shared reference, a third by amount and day alone.

                | what | result |
                |---|---|
                | posting the ledger side (%,d transactions) | %.2f s |
                | importing the statement (one request, %,d lines, checked and stored) | %.2f s |
                | the run: reading both sides, matching, writing matches and line states (the contract's target for matching: under 10 s) | %.2f s |

                The statement: `%s`. The run's counts: `%s`.
                """,
                Instant.now().toString().substring(0, 19),
                String.join("; ", Machine.describe(Path.of("."))),
                loadBefore,
                Machine.loadAverage(),
                PAIRS,
                BATCH,
                PAIRS,
                PAIRS,
                postSeconds,
                PAIRS,
                importSeconds,
                runSeconds,
                field(statement, "line_count"),
                run.replaceAll("(?s).*(\"matched_by_tier\":\\{[^}]*\\}).*", "$1"));
    }

    private static String field(String json, String name) {
        return name + " " + json.replaceAll("(?s).*\"" + name + "\":\\s*([0-9]+).*", "$1");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static LoopbackHttp.Response expect(LoopbackHttp.Response response, int... statuses) throws IOException {
        for (int status : statuses) {
            if (response.status() == status) {
                return response;
            }
        }
        throw new IOException("unexpected answer " + response.status() + ": " + response.text());
    }
}
