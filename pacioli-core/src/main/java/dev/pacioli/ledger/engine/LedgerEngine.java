package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The single writer of one ledger.
 *
 * <p>Producers on any thread submit requests; each lands in a bounded queue, and a full queue answers
 * {@code overloaded} at once rather than blocking. One writer thread owns the ledger's balances and
 * loops: it drains up to {@link EngineConfig#batchOperationsMax} operations, then
 *
 * <ol>
 *   <li><b>prefetch</b>: loads the transactions the batch names (one round trip) and then the accounts
 *       it touches that are not cached (one round trip);
 *   <li><b>execute</b>: applies every request in order, pure CPU, against memory plus the batch's own
 *       earlier effects ({@link BatchExecutor});
 *   <li><b>commit</b>: writes the whole batch in one database transaction;
 *   <li><b>answer</b>: completes every request's future.
 * </ol>
 *
 * <p>A failed commit answers every request of the batch {@code storage_unavailable} and rolls memory
 * back. Because the commit may in fact have succeeded (its reply lost), the next batch first re-reads
 * the stored head; if it moved, the caches are dropped and rebuilt from storage, so a retry of the same
 * id finds the committed transaction and answers {@code exists}.
 *
 * <p>A bug (an {@link dev.pacioli.ledger.Assert.InvariantViolation} or any unexpected exception)
 * stops the writer before its batch commits; later requests answer {@code writer_stopped}.
 *
 * <p>Futures are completed on the writer thread: callers should block on them from their own threads
 * (virtual threads suit) or continue asynchronously, never run long work in a callback.
 */
public final class LedgerEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LedgerEngine.class.getName());

    private final LedgerStore store;
    private final EngineConfig config;
    private final LedgerClock clock;
    private final LedgerMemory memory;
    private final BatchExecutor executor;
    private final ArrayBlockingQueue<Command> queue;
    private final LedgerStore.WriterLock lock;
    private final Thread writer;
    private final EngineObserver observer;
    private final AtomicReference<Throwable> stopCause = new AtomicReference<>();
    /** Producers between their check of {@link #running} and their offer; close waits for them. */
    private final AtomicInteger submitting = new AtomicInteger();

    private volatile boolean running = true;
    private volatile long committedSequence;
    private boolean resyncNeeded;

    private LedgerEngine(
            LedgerStore store,
            long ledgerId,
            String ledgerName,
            EngineConfig config,
            LedgerClock clock,
            EngineObserver observer) {
        this.store = store;
        this.observer = observer;
        this.config = config;
        this.clock = clock;
        this.memory = new LedgerMemory(ledgerId, ledgerName);
        this.executor = new BatchExecutor(memory);
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.lock = store.lockWriter(ledgerId, ledgerName);
        try {
            load();
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        this.writer = Thread.ofPlatform().name("pacioli-writer-" + ledgerName).unstarted(this::run);
    }

    /**
     * Takes the writer lock of the ledger, loads its head, and starts its writer thread. Throws
     * {@link LedgerStore.LedgerLockedException} when another process writes this ledger.
     */
    public static LedgerEngine start(
            LedgerStore store, long ledgerId, String ledgerName, EngineConfig config, LedgerClock clock) {
        return start(store, ledgerId, ledgerName, config, clock, EngineObserver.NONE);
    }

    /** As {@link #start(LedgerStore, long, String, EngineConfig, LedgerClock)}, reporting to {@code observer}. */
    public static LedgerEngine start(
            LedgerStore store,
            long ledgerId,
            String ledgerName,
            EngineConfig config,
            LedgerClock clock,
            EngineObserver observer) {
        LedgerEngine engine = new LedgerEngine(store, ledgerId, ledgerName, config, clock, observer);
        engine.writer.start();
        return engine;
    }

    public String ledgerName() {
        return memory.ledgerName;
    }

    public long ledgerId() {
        return memory.ledgerId;
    }

    /** The last sequence known committed. */
    public long committedSequence() {
        return committedSequence;
    }

    public int queueDepth() {
        return queue.size();
    }

    public boolean isRunning() {
        return running && writer.isAlive() && stopCause.get() == null;
    }

    /** Why the writer stopped on its own, or null. */
    public Throwable stopCause() {
        return stopCause.get();
    }

    public CompletableFuture<AccountResult> createAccount(AccountSpec spec) {
        return submit(new Command.CreateAccount(spec)).future;
    }

    public CompletableFuture<AccountResult> closeAccount(String accountId) {
        return submit(new Command.CloseAccount(accountId)).future;
    }

    public CompletableFuture<TransactionResult> createTransaction(TransactionSpec spec) {
        return createTransactions(List.of(spec), false, false).thenApply(results -> results.get(0));
    }

    /**
     * Creates transactions in order, each seeing the ones before it. Atomic: all commit or none does,
     * the failing ones carry their code and the rest {@code linked_transaction_failed}. Dry run: the
     * answers are computed and nothing is kept.
     */
    public CompletableFuture<List<TransactionResult>> createTransactions(
            List<TransactionSpec> specs, boolean atomic, boolean dryRun) {
        if (specs.isEmpty() || specs.size() > Limits.TRANSACTIONS_PER_BATCH_MAX) {
            throw new IllegalArgumentException("a batch has 1 to " + Limits.TRANSACTIONS_PER_BATCH_MAX + " items");
        }
        return submit(new Command.CreateTransactions(List.copyOf(specs), atomic, dryRun)).future;
    }

    /** Posts a pending transaction: in full when {@code amount} is null, else that much (single posting). */
    public CompletableFuture<TransactionResult> post(String transactionId, Long amount) {
        if (amount != null && amount <= 0) {
            throw new IllegalArgumentException("post amount must be positive");
        }
        return submit(new Command.Resolve(transactionId, true, amount)).future;
    }

    public CompletableFuture<TransactionResult> voidPending(String transactionId) {
        return submit(new Command.Resolve(transactionId, false, null)).future;
    }

    /**
     * Reverses a posted transaction with a new one whose postings are flipped. {@code force} lets the
     * reversal take balances below their minimum (an operator's decision).
     */
    public CompletableFuture<TransactionResult> reverse(
            String originalId, String reversalId, Metadata metadata, String description, boolean force) {
        if (!Limits.isIdentifier(reversalId)) {
            throw new IllegalArgumentException("reversal id does not match the identifier pattern");
        }
        return submit(new Command.Reverse(originalId, reversalId, metadata, description, force)).future;
    }

    private <C extends Command> C submit(C command) {
        submitting.incrementAndGet();
        try {
            if (!running || stopCause.get() != null) {
                command.fail(ResultCode.WRITER_STOPPED);
            } else if (!queue.offer(command)) {
                command.fail(ResultCode.OVERLOADED);
            }
        } finally {
            submitting.decrementAndGet();
        }
        return command;
    }

    /**
     * Stops accepting requests, lets the writer finish and commit what is queued, then releases the lock.
     * A producer that saw the engine running before close began still lands its request in the queue
     * before close drains it, so no request is left unanswered.
     */
    @Override
    public void close() {
        running = false;
        while (submitting.get() != 0) {
            Thread.onSpinWait();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Command leftover;
        while ((leftover = queue.poll()) != null) {
            leftover.fail(ResultCode.WRITER_STOPPED);
        }
        lock.close();
    }

    // ---- the writer thread

    private void load() {
        LedgerHead head = store.loadHead(memory.ledgerId, memory.ledgerName);
        memory.reset(head);
        memory.deadlines.addAll(store.loadPendingDeadlines(memory.ledgerId));
        committedSequence = head.sequence();
    }

    private void run() {
        List<Command> batch = new ArrayList<>();
        List<PendingDeadline> due = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            batch.clear();
            due.clear();
            try {
                drain(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                runBatch(batch, due);
            } catch (Throwable bug) {
                stop(bug, batch);
                return;
            }
        }
    }

    private void drain(List<Command> batch) throws InterruptedException {
        Command first = queue.poll(config.idlePollMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        int operations = first.operations();
        Command next;
        while (operations < config.batchOperationsMax()
                && (next = queue.peek()) != null
                && operations + next.operations() <= config.batchOperationsMax()) {
            batch.add(queue.poll());
            operations += next.operations();
        }
    }

    private void runBatch(List<Command> batch, List<PendingDeadline> due) {
        if (resyncNeeded && !resync(batch)) {
            return;
        }
        long now = clock.nowMicros();
        for (PendingDeadline deadline : memory.deadlines) {
            if (deadline.expiresAtMicros() > now || due.size() == config.expiriesPerBatchMax()) {
                break;
            }
            due.add(deadline);
        }
        if (batch.isEmpty() && due.isEmpty()) {
            return;
        }
        try {
            prefetch(batch, due);
        } catch (LedgerStore.StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "prefetch failed: " + e.getMessage());
            executor.finish();
            batch.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE));
            return;
        }
        long executeStarted = System.nanoTime();
        BatchExecutor.Mark start = executor.mark();
        executor.begin(now);
        due.forEach(executor::expire);
        batch.forEach(executor::execute);
        BatchWrite write = executor.write(start.head().sequence());
        long commitStarted = System.nanoTime();
        if (!write.isEmpty()) {
            try {
                store.commit(write);
            } catch (LedgerStore.StoreException e) {
                LOG.log(System.Logger.Level.WARNING, "commit failed; answering storage_unavailable: " + e.getMessage());
                executor.rollback(start);
                executor.finish();
                resyncNeeded = true;
                batch.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE));
                return;
            }
        }
        long committed = System.nanoTime();
        committedSequence = memory.sequence;
        executor.finish();
        memory.evictAccountsBeyond(config.accountCacheMax());
        batch.forEach(Command::complete);
        observer.batchCommitted(
                operations(batch), commitStarted - executeStarted, write.isEmpty() ? 0 : committed - commitStarted);
        if (!write.isEmpty()) {
            observer.eventsWritten(write.journal().size());
        }
    }

    /**
     * After a failed commit: if the stored head moved, the commit happened after all, and memory is
     * rebuilt from storage. Returns false (having answered the batch) when storage is still unreachable.
     */
    private boolean resync(List<Command> batch) {
        try {
            if (!lock.isHeld()) {
                throw new IllegalStateException("the writer lock of ledger " + memory.ledgerName + " was lost");
            }
            LedgerHead head = store.loadHead(memory.ledgerId, memory.ledgerName);
            if (head.sequence() != memory.sequence) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "a commit reported as failed had succeeded; reloading ledger " + memory.ledgerName);
                load();
            }
            resyncNeeded = false;
            return true;
        } catch (LedgerStore.StoreException e) {
            batch.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE));
            return false;
        }
    }

    private void prefetch(List<Command> batch, List<PendingDeadline> due) {
        Set<String> transactionIds = new HashSet<>();
        Set<String> accountIds = new HashSet<>();
        Set<String> assets = new HashSet<>();
        for (PendingDeadline deadline : due) {
            transactionIds.add(deadline.transactionId());
        }
        for (Command command : batch) {
            switch (command) {
                case Command.CreateAccount create -> {
                    accountIds.add(create.spec.id());
                    assets.add(create.spec.asset());
                }
                case Command.CloseAccount close -> accountIds.add(close.accountId);
                case Command.CreateTransactions create -> {
                    for (TransactionSpec spec : create.specs) {
                        transactionIds.add(spec.id());
                        addAccounts(spec, accountIds);
                    }
                }
                case Command.Resolve resolve -> transactionIds.add(resolve.transactionId);
                case Command.Reverse reverse -> {
                    transactionIds.add(reverse.originalId);
                    transactionIds.add(reverse.reversalId);
                }
            }
        }
        if (!transactionIds.isEmpty()) {
            for (Transaction transaction : store.loadTransactions(memory.ledgerId, transactionIds)) {
                executor.transactions.put(transaction.id(), transaction);
                addAccounts(transaction.spec(), accountIds);
            }
        }
        accountIds.removeIf(memory.accounts::containsKey);
        if (!accountIds.isEmpty()) {
            for (Account account : store.loadAccounts(memory.ledgerId, accountIds)) {
                memory.accounts.put(account.id(), AccountState.of(account));
            }
        }
        assets.removeAll(memory.assets);
        if (!assets.isEmpty()) {
            memory.assets.addAll(store.loadAssets(assets));
        }
    }

    private static void addAccounts(TransactionSpec spec, Set<String> accountIds) {
        for (Posting posting : spec.postings()) {
            accountIds.add(posting.from());
            accountIds.add(posting.to());
        }
    }

    private static int operations(List<Command> batch) {
        int operations = 0;
        for (Command command : batch) {
            operations += command.operations();
        }
        return operations;
    }

    private void stop(Throwable cause, List<Command> batch) {
        stopCause.set(cause);
        running = false;
        LOG.log(
                System.Logger.Level.ERROR,
                "writer of ledger " + memory.ledgerName + " stopped: nothing of its batch " + "was committed",
                cause);
        batch.forEach(command -> command.fail(ResultCode.WRITER_STOPPED));
        Command leftover;
        while ((leftover = queue.poll()) != null) {
            leftover.fail(ResultCode.WRITER_STOPPED);
        }
    }
}
