package dev.pacioli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clearing on loopback against the real service on the embedded PostgreSQL (clearing.md): obligations
 * taken one per request (8 clients), obligations taken in batches of 8,000, and a window of 100,000
 * obligations among 100 participants closed (netted) and settled on the ledger — the contract's
 * "under 2 seconds on this machine". Prints a section for BENCHMARKS.md.
 *
 * <pre>./pacioli-bench/run --only clearing [--output FILE]</pre>
 */
public final class ClearingRun {
    static final String ADMIN_SECRET = "pacioli-bench-clearing-admin-0123456789abcdef";
    private static final int PARTICIPANTS = 100;
    private static final int WINDOW_OBLIGATIONS = 100_000;
    private static final int BATCH = 8_000;
    private static final int SINGLE_CLIENTS = 8;
    private static final int SINGLE_OBLIGATIONS = 8_000;

    private ClearingRun() {}

    /** Runs the section against the service on {@code port}; answers it for BENCHMARKS.md. */
    static String run(int port, String loadBefore) throws Exception {
        String base = "/v1/ledgers/bench-clearing/clearing";
        Random random = new Random(20_261_205L);
        try (LoopbackHttp http = new LoopbackHttp(port, ADMIN_SECRET)) {
            expect(http.send("PUT", "/v1/assets/USD", bytes("{\"scale\": 2}"), null), 200, 201);
            expect(http.post("/v1/ledgers", bytes("{\"name\": \"bench-clearing\"}")), 201);
            expect(
                    http.post(
                            "/v1/ledgers/bench-clearing/accounts",
                            bytes("{\"id\": \"world\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}")),
                    201);
            StringBuilder funding = new StringBuilder("{\"atomic\": true, \"transactions\": [");
            for (int p = 0; p < PARTICIPANTS; p++) {
                expect(
                        http.send(
                                "PUT",
                                base + "/participants/p" + p,
                                bytes("{\"name\": \"P" + p + "\", \"settlement_accounts\": {\"USD\": \"participants:p"
                                        + p + ":USD\"}, \"net_debit_caps\": {\"USD\": 1000000000000000}}"),
                                null),
                        201);
                funding.append(p == 0 ? "" : ",")
                        .append("{\"id\": \"fund-")
                        .append(p)
                        .append("\", \"postings\": [{\"from\": \"world\", \"to\": \"participants:p")
                        .append(p)
                        .append(":USD\", \"amount\": 100000000000000, \"asset\": \"USD\"}]}");
            }
            expect(http.post("/v1/ledgers/bench-clearing/transactions/batch", bytes(funding + "]}")), 200);
        }
        double singlePerSecond = singles(port, base, random);
        // The single run's window is settled out of the way; the batch run fills a window of its own.
        try (LoopbackHttp http = new LoopbackHttp(port, ADMIN_SECRET)) {
            expect(http.post(base + "/windows/w-1/close", bytes("{}")), 200);
            expect(http.post(base + "/windows/w-1/settle", bytes("{}")), 200);
            long batchStart = System.nanoTime();
            for (int from = 0; from < WINDOW_OBLIGATIONS; from += BATCH) {
                StringBuilder body = new StringBuilder("{\"obligations\": [");
                for (int i = from; i < Math.min(WINDOW_OBLIGATIONS, from + BATCH); i++) {
                    body.append(i == from ? "" : ",").append(obligation("b-" + i, random));
                }
                expect(http.post(base + "/obligations/batch", bytes(body + "]}")), 200);
            }
            double batchSeconds = (System.nanoTime() - batchStart) / 1e9;
            long closeStart = System.nanoTime();
            expect(http.post(base + "/windows/w-2/close", bytes("{}")), 200);
            double closeSeconds = (System.nanoTime() - closeStart) / 1e9;
            long settleStart = System.nanoTime();
            LoopbackHttp.Response settled = http.post(base + "/windows/w-2/settle", bytes("{}"));
            double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
            expect(settled, 200);
            if (!settled.text().contains("\"status\":\"settled\"")) {
                throw new IllegalStateException("the window did not settle: " + settled.text());
            }
            LoopbackHttp.Response report = http.get(base + "/windows/w-2/report");
            return section(
                    loadBefore,
                    singlePerSecond,
                    WINDOW_OBLIGATIONS / batchSeconds,
                    closeSeconds,
                    settleSeconds,
                    report);
        }
    }

    private static double singles(int port, String base, Random seeds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SINGLE_CLIENTS);
        AtomicInteger next = new AtomicInteger();
        long seed = seeds.nextLong();
        long started = System.nanoTime();
        try {
            List<Future<Void>> clients = new ArrayList<>();
            for (int c = 0; c < SINGLE_CLIENTS; c++) {
                long clientSeed = seed + c;
                clients.add(pool.submit(() -> {
                    Random random = new Random(clientSeed);
                    try (LoopbackHttp http = new LoopbackHttp(port, ADMIN_SECRET)) {
                        for (int i = next.getAndIncrement(); i < SINGLE_OBLIGATIONS; i = next.getAndIncrement()) {
                            expect(http.post(base + "/obligations", bytes(obligation("s-" + i, random))), 201);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> client : clients) {
                client.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return SINGLE_OBLIGATIONS / ((System.nanoTime() - started) / 1e9);
    }

    private static String obligation(String id, Random random) {
        int debtor = random.nextInt(PARTICIPANTS);
        int creditor = (debtor + 1 + random.nextInt(PARTICIPANTS - 1)) % PARTICIPANTS;
        return "{\"id\": \"" + id + "\", \"debtor\": \"p" + debtor + "\", \"creditor\": \"p" + creditor
                + "\", \"amount\": " + (1 + random.nextInt(1_000_000)) + ", \"asset\": \"USD\"}";
    }

    private static String section(
            String loadBefore,
            double singlePerSecond,
            double batchPerSecond,
            double closeSeconds,
            double settleSeconds,
            LoopbackHttp.Response report) {
        String text = report.text();
        String efficiency = text.replaceAll("(?s).*\"efficiency\":\\s*\"([0-9.]+)\".*", "$1");
        return String.format(
                Locale.ROOT,
                """
                ## Clearing: obligations taken, and a window of 100,000 netted and settled (clearing.md)

                Written by the harness (`./pacioli-bench/run --only clearing`, %s UTC, %s; load average %s at \
                the start, %s at the end), the real service on loopback over the embedded PostgreSQL.

                | what | result |
                |---|---|
                | obligations taken one per request, %d clients | %.0f per second |
                | obligations taken in batches of %,d (one clearing-state lock per batch) | %.0f per second |
                | closing (netting) a window of %,d obligations among %d participants | %.3f s |
                | settling it on the ledger (%d postings through the hub, one atomic commit) | %.3f s |
                | netting and settling together (the contract's target: under 2 s) | %.3f s |

                Netting efficiency of that window: %s (obligations between random pairs of 100 participants).
                """,
                Instant.now().toString().substring(0, 19),
                String.join("; ", Machine.describe(Path.of("."))),
                loadBefore,
                Machine.loadAverage(),
                SINGLE_CLIENTS,
                singlePerSecond,
                BATCH,
                batchPerSecond,
                WINDOW_OBLIGATIONS,
                PARTICIPANTS,
                closeSeconds,
                PARTICIPANTS,
                settleSeconds,
                closeSeconds + settleSeconds,
                efficiency);
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
