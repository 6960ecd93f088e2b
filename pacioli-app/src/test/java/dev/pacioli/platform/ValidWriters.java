package dev.pacioli.platform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * Clients that post valid transfers (every tenth request a batch of three) to one ledger, on virtual
 * threads, from creation until {@link #stop} or {@link #close}: the background against which a test
 * sends bad requests, to show that no valid request fails because of a bad one. Every valid request
 * must succeed; anything else is kept as a failure. Bounded: {@value #WRITERS} writers of at most
 * {@value #REQUESTS_PER_WRITER_MAX} requests each, a pause of {@value #PAUSE_MILLIS} ms between them.
 * Transaction ids start with {@link FuzzTargets#WRITER_PREFIX}.
 */
final class ValidWriters implements AutoCloseable {
    private static final int WRITERS = 3;
    private static final int REQUESTS_PER_WRITER_MAX = 3_000;
    private static final int BATCH_EVERY = 10;
    private static final int BATCH_SIZE = 3;
    private static final long PAUSE_MILLIS = 10;
    private static final int FAILURES_KEPT_MAX = 20;

    private final HttpTester client;
    private final String base;
    private final String run = TestService.uniqueName("w");
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    /** Starts the writers on the ledger at {@code base} ({@code /v1/ledgers/<name>}). */
    ValidWriters(HttpTester client, String base) {
        this.client = client;
        this.base = base;
        for (int writer = 0; writer < WRITERS; writer++) {
            int number = writer;
            threads.submit(() -> write(number));
        }
    }

    private void write(int writer) {
        for (int request = 0; request < REQUESTS_PER_WRITER_MAX && !stopping.get(); request++) {
            String id = FuzzTargets.WRITER_PREFIX + run + "-" + writer + "-" + request;
            try {
                if (request % BATCH_EVERY == BATCH_EVERY - 1) {
                    batch(id);
                } else {
                    transfer(id);
                }
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | AssertionError e) {
                fail(id + ": " + e);
            }
        }
    }

    private void transfer(String id) {
        HttpTester.Response response = client.post(base + "/transactions", FuzzTargets.transfer(id, 1));
        if (response.status() == 201) {
            succeeded.incrementAndGet();
        } else {
            fail(id + ": " + response);
        }
    }

    private void batch(String id) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < BATCH_SIZE; i++) {
            items.add(FuzzTargets.transfer(id + "-" + i, 1));
        }
        HttpTester.Response response =
                client.post(base + "/transactions/batch", "{\"transactions\": [" + String.join(", ", items) + "]}");
        if (response.status() != 200) {
            fail(id + " (batch): " + response);
            return;
        }
        for (JsonNode result : response.json().path("results")) {
            if (result.path("status").stringValue("").equals("created")) {
                succeeded.incrementAndGet();
            } else {
                fail(id + " (batch item " + result.path("index") + "): " + result);
            }
        }
    }

    private void fail(String what) {
        if (failures.size() < FAILURES_KEPT_MAX) {
            failures.add(what);
        }
    }

    /** Stops the writers and waits for their requests in flight. */
    void stop() {
        stopping.set(true);
        threads.close();
    }

    /** Transactions the writers got created. */
    int succeeded() {
        return succeeded.get();
    }

    /** Every valid request that did not succeed (the first {@value #FAILURES_KEPT_MAX}). */
    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        stop();
    }
}
