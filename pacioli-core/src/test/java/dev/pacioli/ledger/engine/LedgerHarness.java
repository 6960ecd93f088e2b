package dev.pacioli.ledger.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.testing.InMemoryLedgerStore;
import dev.pacioli.ledger.testing.ManualClock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ledger on an in-memory store, with its engine and a test clock, and the words scenario tests
 * are written in: wallets and banks, transfers and holds, posts, voids and reversals. Every request
 * waits for its answer (with a bound); every read goes to the store, so a test sees what was
 * committed, not what the engine holds in memory.
 */
final class LedgerHarness implements AutoCloseable {
    static final String USD = "USD";
    static final String EUR = "EUR";
    static final String LEDGER = "main";
    static final EngineConfig CONFIG = new EngineConfig(1_024, 256, 100_000, 10_000, 5);
    static final long ANSWER_TIMEOUT_SECONDS = 10;

    final InMemoryLedgerStore store = new InMemoryLedgerStore();
    final ManualClock clock = new ManualClock();
    final long ledgerId;
    private final EngineConfig config;
    LedgerEngine engine;

    LedgerHarness() {
        this(CONFIG);
    }

    LedgerHarness(EngineConfig config) {
        this.config = config;
        store.addAsset(USD);
        store.addAsset(EUR);
        ledgerId = store.createLedger(LEDGER);
        engine = LedgerEngine.start(store, ledgerId, LEDGER, config, clock);
    }

    /** A ledger with {@code bank} and {@code alice}, a wallet holding 100 (transaction {@code fund}). */
    static LedgerHarness withAliceHolding100() {
        LedgerHarness ledger = new LedgerHarness();
        assertThat(ledger.bank("bank")).isEqualTo(ResultCode.CREATED);
        assertThat(ledger.wallet("alice")).isEqualTo(ResultCode.CREATED);
        assertThat(ledger.transfer("fund", "bank", "alice", 100)).isEqualTo(ResultCode.CREATED);
        return ledger;
    }

    /** Latches on the store's commits: see {@link #holdFirstCommit}. */
    record HeldCommits(CountDownLatch firstInCommit, CountDownLatch secondInCommit, CountDownLatch release) {}

    /**
     * From now on the store holds the first commit until {@code release} counts down, and the second
     * only signals that it began: the way to put two commits in flight on purpose.
     */
    HeldCommits holdFirstCommit() {
        HeldCommits held = new HeldCommits(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        AtomicInteger commits = new AtomicInteger();
        store.onCommit(batch -> {
            switch (commits.incrementAndGet()) {
                case 1 -> {
                    held.firstInCommit().countDown();
                    awaitLatch(held.release());
                }
                case 2 -> held.secondInCommit().countDown();
                default -> {}
            }
        });
        return held;
    }

    /** Waits, at most {@link #ANSWER_TIMEOUT_SECONDS}, until {@code count} batches are committing. */
    void awaitCommitsInFlight(int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_TIMEOUT_SECONDS);
        while (engine.commitsInFlight() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + count + " commits in flight; " + engine.commitsInFlight());
            }
            Thread.onSpinWait();
        }
    }

    /** Closes the engine and starts a new one on the same store, as a process restart would. */
    void restart() {
        engine.close();
        engine = LedgerEngine.start(store, ledgerId, LEDGER, config, clock);
    }

    @Override
    public void close() {
        engine.close();
    }

    // ---- accounts

    /** A user's wallet: credit-normal, never below zero. */
    ResultCode wallet(String id) {
        return open(new AccountSpec(id, USD, NormalBalance.CREDIT, 0L, null, Metadata.EMPTY));
    }

    /** Where money enters: debit-normal, unbounded. */
    ResultCode bank(String id) {
        return open(AccountSpec.of(id, USD, NormalBalance.DEBIT));
    }

    /** A credit-normal account with the given bounds (null: none). */
    ResultCode openAccount(String id, Long minBalance, Long maxBalance) {
        return open(new AccountSpec(id, USD, NormalBalance.CREDIT, minBalance, maxBalance, Metadata.EMPTY));
    }

    ResultCode open(AccountSpec spec) {
        return await(engine.createAccount(spec)).code();
    }

    ResultCode close(String accountId) {
        return await(engine.closeAccount(accountId)).code();
    }

    // ---- transactions

    static Posting usd(String from, String to, long amount) {
        return new Posting(from, to, amount, USD);
    }

    ResultCode transfer(String id, String from, String to, long amount) {
        return create(TransactionSpec.posted(id, usd(from, to, amount))).code();
    }

    /** A pending transfer: reserves the amount until posted, voided or expired. */
    ResultCode hold(String id, String from, String to, long amount, Long timeoutSeconds) {
        return create(TransactionSpec.pending(id, timeoutSeconds, usd(from, to, amount)))
                .code();
    }

    TransactionResult create(TransactionSpec spec) {
        return await(engine.createTransaction(spec));
    }

    List<TransactionResult> batch(boolean atomic, boolean dryRun, TransactionSpec... specs) {
        return await(engine.createTransactions(List.of(specs), atomic, dryRun));
    }

    ResultCode post(String id) {
        return await(engine.post(id, null)).code();
    }

    ResultCode post(String id, long amount) {
        return await(engine.post(id, amount)).code();
    }

    ResultCode voidPending(String id) {
        return await(engine.voidPending(id)).code();
    }

    TransactionResult reverse(String originalId, String reversalId, boolean force) {
        return await(engine.reverse(originalId, reversalId, Metadata.EMPTY, null, force));
    }

    /** Moves the clock, then sends a request so the writer runs a batch and expires what is due. */
    void advanceSeconds(long seconds) {
        clock.advanceSeconds(seconds);
        sync();
    }

    /** A request that changes nothing: its answer means every batch before it has committed. */
    void sync() {
        await(engine.closeAccount("nobody"));
    }

    // ---- what the store holds

    Account account(String id) {
        return store.accounts(ledgerId).get(id);
    }

    Balances balances(String id) {
        return account(id).balances();
    }

    long balance(String id) {
        return account(id).balance();
    }

    long available(String id) {
        return account(id).available();
    }

    Transaction transaction(String id) {
        return store.transactions(ledgerId).get(id);
    }

    Map<String, Account> accounts() {
        return store.accounts(ledgerId);
    }

    long sequence() {
        return store.head(ledgerId).sequence();
    }

    static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for an answer", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no answer within " + ANSWER_TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Waits for a latch with the harness's bound; a latch never released fails the test. */
    static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("latch was not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
