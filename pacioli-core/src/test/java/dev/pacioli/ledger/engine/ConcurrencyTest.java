package dev.pacioli.ledger.engine;

import static dev.pacioli.ledger.ResultCode.CREATED;
import static dev.pacioli.ledger.ResultCode.EXISTS;
import static dev.pacioli.ledger.ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS;
import static dev.pacioli.ledger.engine.LedgerHarness.LEDGER;
import static dev.pacioli.ledger.engine.LedgerHarness.await;
import static dev.pacioli.ledger.engine.LedgerHarness.usd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.testing.JournalAudit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many producers, one writer. 32 threads send transactions whose ids overlap, between a bank and four
 * hot accounts; some threads send a different spec under the same id. Whatever the interleaving, each
 * id takes effect exactly once: one answer {@code created}, every other {@code exists} (same spec)
 * or a conflict (other spec), and the stored balances are exactly the sum of the distinct transactions
 * that were created. The hot accounts are unbounded, so no request can be refused for its amount and
 * the first to arrive always wins.
 */
class ConcurrencyTest {
    private static final int THREADS = 32;
    private static final int IDS = 600;
    private static final int REQUESTS_PER_THREAD = 250;
    private static final int HOT_ACCOUNTS = 4;

    private record Sent(TransactionSpec spec, ResultCode code, Transaction transaction) {}

    /** The spec every thread sends for an id; {@code variant} changes the amount, for conflicts. */
    private static TransactionSpec specFor(int id, boolean variant) {
        long amount = id % 40 + 1 + (variant ? 1_000 : 0);
        String name = "tx-" + id;
        if (id % 3 == 0) {
            return TransactionSpec.posted(name, usd("bank", hot(id), amount * 10));
        }
        return TransactionSpec.posted(name, usd(hot(id), hot(id + 1), amount), usd(hot(id + 1), hot(id + 2), 1));
    }

    private static String hot(int index) {
        return "hot" + index % HOT_ACCOUNTS;
    }

    @Test
    void eachIdTakesEffectOnceWhateverTheInterleaving() throws Exception {
        try (LedgerHarness ledger = new LedgerHarness()) {
            ledger.bank("bank");
            for (int i = 0; i < HOT_ACCOUNTS; i++) {
                assertThat(ledger.openAccount(hot(i), null, null)).isEqualTo(CREATED);
            }
            long accountsSequence = ledger.sequence();

            List<Sent> sent = sendFromManyThreads(ledger);

            Map<String, Sent> created = new HashMap<>();
            for (Sent answer : sent) {
                assertThat(answer.code()).isIn(CREATED, EXISTS, TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
                if (answer.code() == CREATED) {
                    assertThat(created.put(answer.spec().id(), answer))
                            .as("second effect for %s", answer.spec().id())
                            .isNull();
                }
            }
            Set<String> idsSent = new HashSet<>();
            for (Sent answer : sent) {
                idsSent.add(answer.spec().id());
                Sent winner = created.get(answer.spec().id());
                assertThat(winner).as("the creation of %s", answer.spec().id()).isNotNull();
                if (answer.code() == EXISTS) {
                    assertThat(answer.spec()).isEqualTo(winner.spec());
                    assertThat(answer.transaction().sequence())
                            .isEqualTo(winner.transaction().sequence());
                } else if (answer.code() == TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS) {
                    assertThat(answer.spec()).isNotEqualTo(winner.spec());
                    assertThat(answer.transaction().spec()).isEqualTo(winner.spec());
                }
            }
            assertThat(created.keySet()).isEqualTo(idsSent);
            Map<String, Transaction> stored = ledger.store.transactions(ledger.ledgerId);
            assertThat(stored.keySet()).isEqualTo(created.keySet());
            created.forEach((id, winner) -> assertThat(stored.get(id).spec()).isEqualTo(winner.spec()));
            assertThat(ledger.sequence()).isEqualTo(accountsSequence + created.size());
            assertThat(ledger.accounts()).hasSize(HOT_ACCOUNTS + 1);
            ledger.accounts()
                    .forEach((id, account) -> assertThat(account.balances())
                            .as("balances of %s", id)
                            .isEqualTo(sumOf(created.values(), id)));
            assertThat(sent).extracting(Sent::code).contains(TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS);
            JournalAudit.check(ledger.store, ledger.ledgerId, LEDGER);
        }
    }

    private static List<Sent> sendFromManyThreads(LedgerHarness ledger) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<List<Sent>>> producers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            producers.add(() -> {
                SplittableRandom random = new SplittableRandom(thread);
                List<Sent> sent = new ArrayList<>(REQUESTS_PER_THREAD);
                start.await();
                for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                    int id = random.nextInt(IDS);
                    boolean variant = thread % 8 == 7 && id % 5 == 0;
                    TransactionSpec spec = specFor(id, variant);
                    TransactionResult result = await(ledger.engine.createTransaction(spec));
                    sent.add(new Sent(spec, result.code(), result.transaction()));
                }
                return sent;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<Sent>>> futures = new ArrayList<>();
            producers.forEach(producer -> futures.add(pool.submit(producer)));
            start.countDown();
            List<Sent> all = new ArrayList<>();
            for (Future<List<Sent>> future : futures) {
                all.addAll(future.get(60, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Balances sumOf(Iterable<Sent> created, String accountId) {
        long debits = 0;
        long credits = 0;
        for (Sent sent : created) {
            for (Posting posting : sent.spec().postings()) {
                debits += posting.from().equals(accountId) ? posting.amount() : 0;
                credits += posting.to().equals(accountId) ? posting.amount() : 0;
            }
        }
        return new Balances(debits, credits, 0, 0);
    }
}
