package dev.pacioli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Modes 2 and 3: the HTTP API of the real service on loopback. Batch: a few clients, each posting
 * {@link #BATCH_SIZE} transfers per request to {@code /transactions/batch}. Single: {@link
 * #SINGLE_CLIENTS} clients, each posting one transaction per request and waiting for its answer.
 * Every client owns one keep-alive connection and records each request's latency (measured window
 * only) into its own histogram; they are merged at the end.
 */
final class HttpRun {
    static final int BATCH_SIZE = 1_000;
    static final int BATCH_CLIENTS = 4;
    static final int SINGLE_CLIENTS = 64;
    private static final long LATENCY_MAX_MICROS = 120_000_000L;

    private final int port;
    private final String secret;
    private final String ledgerName;
    private final AccountIds accounts;
    private final Workload workload;
    private final Zipf zipf;
    private final RunWindow window;
    private final TransferJson json;
    private final Tally rejected = new Tally();
    private final Histogram latency = new Histogram(LATENCY_MAX_MICROS, 3);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    HttpRun(
            int port,
            String secret,
            String ledgerName,
            AccountIds accounts,
            Workload workload,
            Zipf zipf,
            RunWindow window) {
        this.port = port;
        this.secret = secret;
        this.ledgerName = ledgerName;
        this.accounts = accounts;
        this.workload = workload;
        this.zipf = zipf;
        this.window = window;
        this.json = new TransferJson(accounts);
    }

    Map<String, Long> batch() throws InterruptedException {
        return run(BATCH_CLIENTS, true);
    }

    Map<String, Long> single() throws InterruptedException {
        return run(SINGLE_CLIENTS, false);
    }

    Measurement.Latency latency() {
        return new Measurement.Latency(
                latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0,
                latency.getValueAtPercentile(99.9) / 1000.0,
                latency.getTotalCount());
    }

    private Map<String, Long> run(int clients, boolean batch) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("http-client-" + c).start(() -> client(client, batch)));
        }
        window.run();
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("an HTTP client failed", failure.get());
        }
        return rejected.snapshot();
    }

    private void client(int client, boolean batch) {
        Workload.Generator generator = workload.generator(accounts, zipf, 104_729L * client + workload.ordinal());
        Histogram own = new Histogram(LATENCY_MAX_MICROS, 3);
        String base = "/v1/ledgers/" + ledgerName + "/transactions";
        String prefix = (batch ? "b" : "s") + client + ":";
        long counter = 0;
        try (LoopbackHttp http = new LoopbackHttp(port, secret)) {
            while (!window.stopped()) {
                StringBuilder body = new StringBuilder(batch ? BATCH_SIZE * 140 : 160);
                if (batch) {
                    body.append("{\"atomic\":false,\"transactions\":[");
                    for (int i = 0; i < BATCH_SIZE; i++) {
                        if (i > 0) {
                            body.append(',');
                        }
                        json.appendTransaction(body, prefix + counter++, generator.next());
                    }
                    body.append("]}");
                } else {
                    json.appendTransaction(body, prefix + counter++, generator.next());
                }
                boolean measured = window.measuring();
                long started = System.nanoTime();
                LoopbackHttp.Response response = http.post(
                        batch ? base + "/batch" : base, body.toString().getBytes(StandardCharsets.UTF_8));
                long micros = (System.nanoTime() - started) / 1000;
                if (measured) {
                    own.recordValue(Math.min(micros, LATENCY_MAX_MICROS));
                }
                count(response, batch);
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
        synchronized (latency) {
            latency.add(own);
        }
    }

    private void count(LoopbackHttp.Response response, boolean batch) {
        if (!batch) {
            if (response.status() == 201) {
                window.acknowledge(1);
            } else {
                rejected.add("HTTP " + response.status());
            }
            return;
        }
        if (response.status() != 200) {
            rejected.add("HTTP " + response.status() + " (batch of " + BATCH_SIZE + ")");
            return;
        }
        String text = response.text();
        int created = TransferJson.count(text, "\"status\":\"created\"");
        window.acknowledge(created);
        if (created != BATCH_SIZE) {
            rejected.add("not created in a batch answer", BATCH_SIZE - created);
        }
    }
}
