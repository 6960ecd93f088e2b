package dev.pacioli.clearing;

import static dev.pacioli.clearing.ClearingFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Clearing under concurrency (clearing.md, "Intake is checked by the one writer of the ledger's
 * clearing state"): concurrent obligations never jointly pass a cap only some fit, and windows closing
 * while obligations stream in leave every obligation in exactly one window. Loopback only, bounded.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class ClearingConcurrencyTest {
    private static final int CONCURRENT = 64;

    private final HttpTester admin;

    ClearingConcurrencyTest(TestService.Running service) {
        this.admin = service.admin();
    }

    /** 64 obligations of one debtor at once, its cap fitting exactly N of them: N accepted, every seed. */
    @Test
    void sixtyFourConcurrentObligationsWhereExactlyNFitAcceptExactlyN() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        try {
            for (long seed = 1; seed <= 4; seed++) {
                Random random = new Random(seed);
                int fit = 1 + random.nextInt(CONCURRENT - 1);
                long amount = 1 + random.nextInt(100_000);
                ClearingFixture fixture = new ClearingFixture(admin, TestService.uniqueName("clear-cap"));
                fixture.participant("payer", fit * amount);
                fixture.participant("payee", null);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (int i = 0; i < CONCURRENT; i++) {
                    String id = "ob-" + i;
                    answers.add(pool.submit(() -> {
                        start.await();
                        return fixture.obligation(id, "payer", "payee", amount);
                    }));
                }
                start.countDown();
                int accepted = 0;
                for (Future<Response> answer : answers) {
                    Response response = answer.get(60, TimeUnit.SECONDS);
                    if (response.status() == 201) {
                        accepted++;
                    } else {
                        assertThat(response.code()).as("seed %d", seed).isEqualTo("net_debit_cap_exceeded");
                    }
                }
                assertThat(accepted).as("seed %d: %d fit", seed, fit).isEqualTo(fit);
                fixture.close("w-1");
                JsonNode usd = expect(admin.get(fixture.clearing + "/windows/w-1/report"), 200)
                        .json()
                        .path("assets")
                        .get(0);
                assertThat(usd.path("gross").longValue()).isEqualTo(fit * amount);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two producers stream obligations (singles and batches) while a closer closes the open window every
     * 100 ms: afterwards every accepted obligation is in exactly one window, within that window's
     * positions, the windows' positions follow each other without gap or overlap, and each closed
     * window's report counts exactly its obligations.
     */
    @Test
    void obligationsStreamingWhileWindowsCloseEveryHundredMillisecondsLandInExactlyOneWindow() throws Exception {
        ClearingFixture fixture = new ClearingFixture(admin, TestService.uniqueName("clear-load"));
        fixture.participant("A", Long.MAX_VALUE / 4);
        fixture.participant("B", Long.MAX_VALUE / 4);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        Set<String> created = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int producer = 0; producer < 2; producer++) {
                boolean batches = producer == 1;
                producers.add(pool.submit(() -> {
                    while (running.get()) {
                        produce(fixture, counter, created, batches);
                    }
                    return null;
                }));
            }
            Future<Integer> closer = pool.submit(() -> {
                int closes = 0;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < until) {
                    Thread.sleep(100);
                    expect(admin.post(fixture.clearing + "/windows/" + fixture.currentWindow() + "/close", "{}"), 200);
                    closes++;
                }
                return closes;
            });
            int closes = closer.get(60, TimeUnit.SECONDS);
            running.set(false);
            for (Future<?> producer : producers) {
                producer.get(60, TimeUnit.SECONDS);
            }
            assertThat(closes).isGreaterThanOrEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        checkEveryObligationInExactlyOneWindow(fixture, created);
    }

    private void produce(ClearingFixture fixture, AtomicInteger counter, Set<String> created, boolean batch) {
        if (!batch) {
            int n = counter.incrementAndGet();
            String id = "s-" + n;
            expect(fixture.obligation(id, n % 2 == 0 ? "A" : "B", n % 2 == 0 ? "B" : "A", n), 201);
            created.add(id);
            return;
        }
        StringBuilder body = new StringBuilder("{\"obligations\": [");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = counter.incrementAndGet();
            ids.add("b-" + n);
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\": \"b-")
                    .append(n)
                    .append("\", \"debtor\": \"A\", \"creditor\": \"B\", \"amount\": ")
                    .append(n)
                    .append(", \"asset\": \"USD\"}");
        }
        Response response = expect(admin.post(fixture.clearing + "/obligations/batch", body + "]}"), 200);
        response.json()
                .path("results")
                .forEach(result ->
                        assertThat(result.path("status").stringValue()).isEqualTo("created"));
        created.addAll(ids);
    }

    private void checkEveryObligationInExactlyOneWindow(ClearingFixture fixture, Set<String> created) {
        List<JsonNode> windows = all(fixture.clearing + "/windows");
        Map<String, long[]> ranges = new HashMap<>();
        windows.sort(Comparator.comparingLong(window -> window.path("number").longValue()));
        long next = 1;
        for (JsonNode window : windows) {
            assertThat(window.path("first_position").longValue()).isEqualTo(next);
            long last = window.path("last_position").isNull()
                    ? Long.MAX_VALUE
                    : window.path("last_position").longValue();
            ranges.put(window.path("id").stringValue(), new long[] {next, last});
            next = last + 1;
        }
        Set<String> seen = new HashSet<>();
        Map<String, Integer> perWindow = new HashMap<>();
        for (JsonNode obligation : all(fixture.clearing + "/obligations")) {
            String id = obligation.path("id").stringValue();
            assertThat(seen.add(id)).as("%s listed once", id).isTrue();
            long[] range = ranges.get(obligation.path("window").stringValue());
            long position = obligation.path("position").longValue();
            assertThat(position).as(id).isBetween(range[0], range[1]);
            perWindow.merge(obligation.path("window").stringValue(), 1, Integer::sum);
        }
        assertThat(seen).isEqualTo(created);
        for (JsonNode window : windows) {
            if (window.path("status").stringValue().equals("open")) {
                continue;
            }
            String id = window.path("id").stringValue();
            JsonNode report = expect(admin.get(fixture.clearing + "/windows/" + id + "/report"), 200)
                    .json();
            long counted = 0;
            for (JsonNode asset : report.path("assets")) {
                counted += asset.path("obligations").longValue();
            }
            assertThat(counted).as("window %s", id).isEqualTo((long) perWindow.getOrDefault(id, 0));
        }
    }

    private List<JsonNode> all(String path) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = expect(admin.get(path + "?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)), 200)
                    .json();
            page.path("data").forEach(all::add);
            cursor = page.path("next_cursor").isMissingNode()
                            || page.path("next_cursor").isNull()
                    ? null
                    : page.path("next_cursor").stringValue();
        } while (cursor != null);
        return all;
    }
}
