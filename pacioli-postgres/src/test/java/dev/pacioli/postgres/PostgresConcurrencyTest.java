package dev.pacioli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.postgres.TestDatabases.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** 32 threads submit overlapping ids against a few hot accounts: exactly one effect per id. */
@ParameterizedClass
@MethodSource("dev.pacioli.postgres.TestDatabases#all")
class PostgresConcurrencyTest {
    private static final int THREADS = 32;
    private static final int SUBMISSIONS_PER_THREAD = 300;
    private static final int DISTINCT_IDS = 1_500;
    private static final String[] HOT = {"hot:a", "hot:b", "hot:c"};

    private final TestDatabase database;

    PostgresConcurrencyTest(TestDatabase database) {
        this.database = database;
    }

    /** The same id always means the same transfer, so every duplicate is an identical replay. */
    private static TransactionSpec transfer(int id) {
        String from = HOT[id % HOT.length];
        String to = HOT[(id + 1) % HOT.length];
        return TransactionSpec.posted("c-" + id, new Posting(from, to, 1 + id % 7, "USD"));
    }

    @Test
    void exactlyOneEffectPerId() throws Exception {
        try (TestLedger ledger = new TestLedger(database.database())) {
            for (String id : HOT) {
                ledger.engine
                        .createAccount(AccountSpec.of(id, "USD", NormalBalance.CREDIT))
                        .get(30, TimeUnit.SECONDS);
            }
            Map<Integer, AtomicInteger> created = new ConcurrentHashMap<>();
            AtomicInteger replays = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Random random = new Random(t);
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < SUBMISSIONS_PER_THREAD; i++) {
                        int id = random.nextInt(DISTINCT_IDS);
                        TransactionResult result =
                                ledger.engine.createTransaction(transfer(id)).get(60, TimeUnit.SECONDS);
                        switch (result.code()) {
                            case CREATED ->
                                created.computeIfAbsent(id, key -> new AtomicInteger())
                                        .incrementAndGet();
                            case EXISTS -> replays.incrementAndGet();
                            default -> throw new AssertionError("unexpected " + result.code() + " for c-" + id);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(120, TimeUnit.SECONDS);
            }
            threads.shutdown();

            assertThat(created.values()).allMatch(count -> count.get() == 1);
            assertThat(created.size() + replays.get()).isEqualTo(THREADS * SUBMISSIONS_PER_THREAD);
            long[] expected = new long[HOT.length];
            for (int id : created.keySet()) {
                long amount = 1 + id % 7;
                expected[id % HOT.length] -= amount;
                expected[(id + 1) % HOT.length] += amount;
            }
            for (int i = 0; i < HOT.length; i++) {
                long balance = ledger.store
                        .loadAccounts(ledger.ledger.id(), List.of(HOT[i]))
                        .get(0)
                        .balance();
                assertThat(balance).as(HOT[i]).isEqualTo(expected[i]);
            }
            assertThat(ledger.verify().failures()).isEmpty();
        }
    }
}
