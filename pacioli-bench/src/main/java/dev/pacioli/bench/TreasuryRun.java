package dev.pacioli.bench;

import dev.pacioli.app.Service;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.platform.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code ./pacioli-bench/run --only treasury [--no-external]}: a treasury cycle over 10,000 buffers,
 * through the real service in process on loopback. Set up through the API (10,000 USDC accounts, each
 * funded to its target, each a buffer topped up from USD through a simulator), then timed as an
 * operator sees it, {@code POST .../treasury/cycles} answered: the steady cycle (every buffer within
 * bounds: nothing to do, the every-five-minutes case) and a cycle after 1,000 buffers were drained
 * below min (1,000 conversions decided and inserted among 10,000 decisions). Prints its numbers; they
 * go into BENCHMARKS.md by hand, with the machine.
 */
final class TreasuryRun {
    static final int BUFFERS = 10_000;
    static final int DRAINED = 1_000;
    static final int STEADY_RUNS = 5;
    private static final int IN_FLIGHT = 32;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private URI base;

    static void main(Path dataDirectory, String externalUrl) throws Exception {
        System.out.println(
                "== treasury cycle over " + BUFFERS + " buffers, " + (externalUrl == null ? "embedded" : "external")
                        + " PostgreSQL; load before " + Machine.loadAverage());
        try (Target target = externalUrl == null ? Target.embedded(dataDirectory) : Target.external(externalUrl)) {
            HttpServer.Settings http = new HttpServer.Settings("127.0.0.1", 0, 0, 0, false);
            Service.Options options =
                    new Service.Options(dataDirectory, Runs.ADMIN_SECRET, http, EngineConfig.DEFAULTS);
            try (Service service = Service.start(target.database, options)) {
                new TreasuryRun().run(service.port());
            }
        }
        System.out.println("load after " + Machine.loadAverage());
    }

    private void run(int port) throws Exception {
        base = URI.create("http://127.0.0.1:" + port);
        send("PUT", "/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"benchmark\"}", 200);
        String ledger = "bench-treasury-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
        String l = "/v1/ledgers/" + ledger;
        send("PUT", "/v1/assets/USD", "{\"scale\": 2}", 200, 201);
        send("PUT", "/v1/assets/USDC", "{\"scale\": 2}", 200, 201);
        send("POST", "/v1/ledgers", "{\"name\": \"" + ledger + "\"}", 201);
        send("POST", l + "/accounts", "{\"id\": \"usd\", \"asset\": \"USD\", \"normal_balance\": \"debit\"}", 201);
        send(
                "POST",
                l + "/accounts",
                "{\"id\": \"usd-equity\", \"asset\": \"USD\", \"normal_balance\": \"credit\"}",
                201);
        send(
                "POST",
                l + "/accounts",
                "{\"id\": \"usdc-equity\", \"asset\": \"USDC\", \"normal_balance\": \"credit\"}",
                201);
        send(
                "POST",
                l + "/transactions",
                "{\"id\": \"fund\", \"postings\": [{\"from\": \"usd\", \"to\": \"usd-equity\","
                        + " \"amount\": 1000000000, \"asset\": \"USD\"}]}",
                201);
        String fx = "bench-fx-" + System.nanoTime() % 100_000;
        send(
                "POST",
                "/v1/connectors",
                "{\"id\": \"" + fx + "\", \"kind\": \"simulator\", \"assets\": {\"USD\": \"providers:"
                        + fx + ":USD\", \"USDC\": \"providers:" + fx
                        + ":USDC\"}, \"config\": {\"rates\": {\"USD/USDC\": \"1.0000\","
                        + " \"USDC/USD\": \"1.0000\"}}}",
                201);
        long setUp = System.nanoTime();
        parallel(i -> send(
                "POST",
                l + "/accounts",
                "{\"id\": \"float:" + i + "\", \"asset\": \"USDC\"," + " \"normal_balance\": \"debit\"}",
                201));
        for (int from = 0; from < BUFFERS; from += 5_000) {
            send(
                    "POST",
                    l + "/transactions/batch",
                    batch("fund", from, Math.min(BUFFERS, from + 5_000), 1_000, true),
                    201,
                    200);
        }
        parallel(i -> send(
                "PUT",
                l + "/treasury/buffers/float:" + i,
                "{\"min\": 500, \"target\": 1000, \"max\": 5000,"
                        + " \"top_up_from\": \"usd\", \"sweep_to\": \"usd\", \"providers\": [\"" + fx + "\"],"
                        + " \"conversion_timeout_seconds\": 3600}",
                201));
        System.out.printf("set up %d buffers in %.1f s%n", BUFFERS, (System.nanoTime() - setUp) / 1e9);
        List<Double> steady = new ArrayList<>();
        for (int run = 0; run < STEADY_RUNS; run++) {
            steady.add(timedCycle(l));
        }
        System.out.println("steady cycle (10,000 buffers, nothing to do), seconds per run: " + steady);
        send("POST", l + "/transactions/batch", batch("drain", 0, DRAINED, 800, false), 201, 200);
        double drained = timedCycle(l);
        System.out.printf("cycle deciding %d conversions among %d buffers: %.3f s%n", DRAINED, BUFFERS, drained);
    }

    private double timedCycle(String l) throws Exception {
        long started = System.nanoTime();
        send("POST", l + "/treasury/cycles", null, 201);
        return Math.round((System.nanoTime() - started) / 1e6) / 1e3;
    }

    /** A batch moving {@code amount} into (fund) or out of (drain) the floats {@code from} to {@code to}. */
    private static String batch(String prefix, int from, int to, long amount, boolean in) {
        StringBuilder out = new StringBuilder("{\"atomic\": true, \"transactions\": [");
        for (int i = from; i < to; i++) {
            String flt = "float:" + i;
            out.append(i == from ? "" : ",")
                    .append("{\"id\": \"")
                    .append(prefix)
                    .append('-')
                    .append(i)
                    .append("\", \"postings\": [{\"from\": \"")
                    .append(in ? flt : "usdc-equity")
                    .append("\", \"to\": \"")
                    .append(in ? "usdc-equity" : flt)
                    .append("\", \"amount\": ")
                    .append(amount)
                    .append(", \"asset\": \"USDC\"}]}");
        }
        return out.append("]}").toString();
    }

    @FunctionalInterface
    private interface Step {
        void run(int index) throws Exception;
    }

    private static void parallel(Step step) throws Exception {
        Semaphore permits = new Semaphore(IN_FLIGHT);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < BUFFERS; i++) {
                int index = i;
                permits.acquire();
                done.add(threads.submit(() -> {
                    try {
                        step.run(index);
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
    }

    private String send(String method, String path, String json, Integer... expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + Runs.ADMIN_SECRET)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (!Arrays.asList(expected).contains(response.statusCode())) {
            throw new IllegalStateException(
                    method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
