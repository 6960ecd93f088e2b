package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerLimits;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.LimitResult;
import dev.pacioli.ledger.LimitSpec;
import dev.pacioli.ledger.LimitUsageResult;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 *   <li><b>commit</b>: hands the batch's rows to a commit thread, which writes them in one database
 *       transaction and then answers every request of the batch.
 * </ol>
 *
 * <p>Commits are pipelined: while batch N commits, the writer prefetches and executes batch N+1 on top
 * of N's effects and starts N+1's commit, which writes its new rows at once but its changes to
 * existing rows and the head only after N's commit has finished ({@link LedgerStore#commit}). At most
 * {@link #COMMITS_IN_FLIGHT_MAX} commits run at once; the writer waits for room before it drains, so
 * requests wait in the queue and a full queue answers {@code overloaded}. Nothing is answered before it is durable, and no
 * answer rests on a batch that did not commit: a batch's answers wait for its own commit, which is
 * fenced on the one before it (a batch with nothing to write waits for the one before it). While a
 * batch is in flight its transactions are served to prefetch from memory and
 * the accounts it changed are never evicted, because storage does not have them yet.
 *
 * <p>A failed commit answers its batch {@code storage_unavailable}; the batches after it, executed on
 * top of it, fail their head fence and are answered the same. The writer then waits for every commit
 * in flight and rebuilds memory from storage. Because a commit may in fact have succeeded (its reply
 * lost), the stored head decides: a retry of the same id then finds the committed transaction and
 * answers {@code exists}.
 *
 * <p>A commit the store refuses for its data ({@link LedgerStore.RejectedException}: a value the
 * database cannot hold, which validation should have caught) must not fail the other requests that
 * happened to share its batch. Such a batch, and those executed on top of it, certainly did not commit,
 * so the writer keeps their requests unanswered, rebuilds memory, and commits them again by halves
 * ({@link #isolate}): a part that commits is answered, a part refused is split, and a request refused
 * alone is answered {@code storage_rejected}. Only a database that is really unavailable answers
 * {@code storage_unavailable}.
 *
 * <p>A bug (an {@link dev.pacioli.ledger.Assert.InvariantViolation} or any unexpected exception,
 * while executing or under a commit) stops the writer; the batch it hit is not committed, and later
 * requests answer {@code writer_stopped}.
 *
 * <p>Futures are completed on commit threads (virtual threads): callers should block on them from their
 * own threads (virtual threads suit) or continue asynchronously, never run long work in a callback.
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

    /** Commits of this ledger that may run at once: one finishing while the next one's rows go in. */
    public static final int COMMITS_IN_FLIGHT_MAX = 2;

    /** How a batch's commit ended. */
    private enum Outcome {
        COMMITTED,
        /** Refused for its data, or executed on top of such a batch: certainly not committed, not answered. */
        REJECTED,
        /** Storage failed; the batch may or may not have committed, and was answered storage_unavailable. */
        FAILED
    }

    /** A batch handed to a commit thread; {@code done} completes after its answers (none when rejected). */
    private record InFlight(List<Command> batch, BatchWrite write, CompletableFuture<Outcome> done) {}

    /** Batches whose commits were started, oldest first. Writer thread only. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Batches whose commits were rejected, in order, waiting for {@link #isolate}. Writer thread only. */
    private final List<List<Command>> rejected = new ArrayList<>();
    /** The transactions of batches in flight as they now stand, by id. Writer thread only. */
    private final HashMap<String, Transaction> uncommitted = new HashMap<>();

    private final AtomicLong committedSequence = new AtomicLong();
    /** Batches handed to commit threads and not yet answered. */
    private final AtomicInteger committing = new AtomicInteger();

    private volatile boolean running = true;
    /** Set by a commit thread whose commit failed, before it completes its {@link InFlight#done}. */
    private volatile boolean commitFailed;

    private boolean reloadNeeded;

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
        return committedSequence.get();
    }

    public int queueDepth() {
        return queue.size();
    }

    /** Batches executed and committing (or waiting for the commit under them), not yet answered. */
    public int commitsInFlight() {
        return committing.get();
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
        return createTransaction(spec, null);
    }

    /**
     * As {@link #createTransaction(TransactionSpec)}, with {@code attachment} (if not null) committed in the same
     * database transaction, only if this creates it (a payout's row with its reserve); it must not fail in the store.
     */
    public CompletableFuture<TransactionResult> createTransaction(TransactionSpec spec, CommitAttachment attachment) {
        return submit(new Command.CreateTransactions(List.of(spec), false, false, attachment))
                .future
                .thenApply(results -> results.get(0));
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

    /** An atomic batch with {@code rows} in its database commit, only if this call creates the batch. */
    public CompletableFuture<List<TransactionResult>> createWith(List<TransactionSpec> specs, CommitAttachment rows) {
        return submit(new Command.CreateTransactions(List.copyOf(specs), true, false, rows)).future;
    }

    /** Posts a pending transaction: in full when {@code amount} is null, else that much (single posting). */
    public CompletableFuture<TransactionResult> post(String transactionId, Long amount) {
        if (amount != null && amount <= 0) {
            throw new IllegalArgumentException("post amount must be positive");
        }
        return submit(new Command.Resolve(transactionId, true, amount)).future;
    }

    public CompletableFuture<List<TransactionResult>> postWith(String transactionId, TransactionSpec followUp) {
        Command.Resolve resolve = submit(new Command.Resolve(transactionId, true, null, followUp));
        return resolve.future.thenCombine(resolve.followUpFuture, List::of);
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
        return reverse(originalId, reversalId, metadata, description, force, null);
    }

    /**
     * As {@link #reverse(String, String, Metadata, String, boolean)}, with {@code attachment} committed in
     * the reversal's database transaction if, and only if, this call creates the reversal (not on a
     * refusal, nor on a replay that finds it made).
     */
    public CompletableFuture<TransactionResult> reverse(
            String originalId,
            String reversalId,
            Metadata metadata,
            String description,
            boolean force,
            CommitAttachment attachment) {
        if (!Limits.isIdentifier(reversalId)) {
            throw new IllegalArgumentException("reversal id does not match the identifier pattern");
        }
        String problem = TransactionSpec.descriptionProblem(description);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return submit(new Command.Reverse(originalId, reversalId, metadata, description, force, attachment)).future;
    }

    /** Creates or replaces a limit, ordered with the transactions around it; see {@link LimitCommands}. */
    public CompletableFuture<LimitResult> putLimit(LimitSpec spec, LedgerLimits.ChangeRows rows) {
        return submit(new Command.LimitCommand(Command.LimitCommand.Kind.PUT, spec.id(), spec, null, rows)).changed;
    }

    public CompletableFuture<LimitResult> deleteLimit(String limitId, LedgerLimits.ChangeRows rows) {
        return submit(new Command.LimitCommand(Command.LimitCommand.Kind.DELETE, limitId, null, null, rows)).changed;
    }

    public CompletableFuture<LimitUsageResult> limitUsage(String limitId, String accountId) {
        return submit(new Command.LimitCommand(Command.LimitCommand.Kind.USAGE, limitId, null, accountId, null)).usage;
    }

    /** The limits in force, by id, as last committed (read from any thread, without the writer). */
    public List<Limit> limits() {
        return memory.limits.published();
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
        LimitCommands.load(memory, store);
        uncommitted.clear();
        committedSequence.set(head.sequence());
    }

    private void run() {
        List<PendingDeadline> due = new ArrayList<>();
        try {
            while (running || !queue.isEmpty()) {
                // A fresh list per batch: a batch in flight keeps its own until its commit answers it.
                List<Command> batch = new ArrayList<>();
                due.clear();
                // Room for one more commit before taking requests: while the writer waits, they stay
                // in the queue, which is the only buffer (when it is full, producers hear overloaded).
                awaitInFlight(COMMITS_IN_FLIGHT_MAX - 1);
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
        } finally {
            awaitInFlight(0);
            try {
                settleRejected();
            } catch (RuntimeException | Error bug) {
                stopCause.compareAndSet(null, bug);
                LOG.log(System.Logger.Level.ERROR, "writer of ledger " + memory.ledgerName + " stopped", bug);
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
        // A limit command runs alone (LimitCommands), so the batch ends before or right after one.
        while (operations < config.batchOperationsMax()
                && !(first instanceof Command.LimitCommand)
                && (next = queue.peek()) != null
                && !(next instanceof Command.LimitCommand)
                && operations + next.operations() <= config.batchOperationsMax()) {
            batch.add(queue.poll());
            operations += next.operations();
        }
    }

    private void runBatch(List<Command> batch, List<PendingDeadline> due) {
        Throwable bug = stopCause.get();
        if (bug != null) {
            throw new IllegalStateException("a commit failed unexpectedly", bug);
        }
        Command.LimitCommand limit = batch.size() == 1 && batch.getFirst() instanceof Command.LimitCommand l ? l : null;
        if (limit != null) {
            awaitInFlight(0); // nothing in flight: memory is what storage holds
        }
        if (commitFailed) {
            awaitInFlight(0);
            commitFailed = false;
            reloadNeeded = true;
        }
        if (reloadNeeded && !reload(batch)) {
            return;
        }
        settleRejected();
        if (limit != null) {
            reloadNeeded = !LimitCommands.run(limit, memory, store, clock);
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
        long previousSequence = memory.sequence;
        executor.begin(now);
        due.forEach(executor::expire);
        batch.forEach(executor::execute);
        BatchWrite write = executor.write(previousSequence);
        executor.finish();
        evictAccounts(write);
        startCommit(batch, write, System.nanoTime() - executeStarted);
    }

    /**
     * Hands the batch to a commit thread, which commits it (after the batch in flight before it, if
     * any, has finished) and then answers it. A batch that writes nothing with nothing in flight under
     * it is answered at once.
     */
    private void startCommit(List<Command> batch, BatchWrite write, long executeNanos) {
        InFlight previous = inFlight.peekLast();
        if (previous == null && write.isEmpty()) {
            answer(batch, write, executeNanos, 0, Outcome.COMMITTED);
            executor.reclaim(write);
            return;
        }
        for (Transaction transaction : write.transactionsCreated()) {
            uncommitted.put(transaction.id(), transaction);
        }
        for (Transaction transaction : write.transactionsUpdated()) {
            uncommitted.put(transaction.id(), transaction);
        }
        InFlight current = new InFlight(batch, write, new CompletableFuture<>());
        inFlight.addLast(current);
        committing.incrementAndGet();
        LedgerStore.Predecessor predecessor = previous == null ? LedgerStore.Predecessor.NONE : previous.done()::join;
        Thread.ofVirtual().name("pacioli-commit-" + memory.ledgerName).start(() -> {
            long started = System.nanoTime();
            Outcome outcome = write.isEmpty() ? previous.done().join() : commit(write, predecessor, previous);
            answer(batch, write, executeNanos, write.isEmpty() ? 0 : System.nanoTime() - started, outcome);
            committing.decrementAndGet();
            current.done().complete(outcome);
        });
    }

    /** On a commit thread, or the writer's while isolating ({@code previous} null): how the commit ended. */
    private Outcome commit(BatchWrite write, LedgerStore.Predecessor predecessor, InFlight previous) {
        try {
            store.commit(write, predecessor);
            return Outcome.COMMITTED;
        } catch (LedgerStore.RejectedException e) {
            LOG.log(System.Logger.Level.WARNING, "the store refused a batch's data; isolating: " + e.getMessage());
            return Outcome.REJECTED;
        } catch (LedgerStore.StoreException e) {
            // Executed on a batch refused for its data, this one's head fence cannot have held: it did
            // not commit, whatever failed, and its requests are committed again rather than failed.
            if (previous != null && previous.done().join() == Outcome.REJECTED) {
                return Outcome.REJECTED;
            }
            LOG.log(System.Logger.Level.WARNING, "commit failed; answering storage_unavailable: " + e.getMessage());
            return Outcome.FAILED;
        } catch (RuntimeException | Error e) {
            // Not storage failing but a bug: the writer stops, as for one found while executing.
            stopCause.compareAndSet(null, e);
            LOG.log(
                    System.Logger.Level.ERROR,
                    "commit failed unexpectedly; the writer of ledger " + memory.ledgerName + " stops",
                    e);
            return Outcome.FAILED;
        }
    }

    /**
     * Gives the batch its answers: those computed by execute if it committed, storage_unavailable if
     * storage failed, and none yet if it was rejected (the writer commits its requests again).
     */
    private void answer(List<Command> batch, BatchWrite write, long executeNanos, long commitNanos, Outcome outcome) {
        if (outcome != Outcome.COMMITTED) {
            commitFailed = true;
            if (outcome == Outcome.FAILED) {
                batch.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE));
            }
            return;
        }
        committedSequence.accumulateAndGet(write.head().sequence(), Math::max);
        batch.forEach(Command::complete);
        observer.batchCommitted(operations(batch), executeNanos, commitNanos);
        if (!write.isEmpty()) {
            observer.eventsWritten(write.journal().size());
        }
    }

    /**
     * Waits until at most {@code atMost} commits are in flight, forgetting what the finished ones wrote
     * and handing their columns back to the executor: nothing reads them once a commit is done.
     */
    private void awaitInFlight(int atMost) {
        while (!inFlight.isEmpty()
                && (inFlight.size() > atMost || inFlight.peekFirst().done().isDone())) {
            InFlight oldest = inFlight.removeFirst();
            if (oldest.done().join() == Outcome.REJECTED) {
                rejected.add(oldest.batch());
            }
            for (Transaction transaction : oldest.write().transactionsCreated()) {
                uncommitted.remove(transaction.id(), transaction);
            }
            for (Transaction transaction : oldest.write().transactionsUpdated()) {
                uncommitted.remove(transaction.id(), transaction);
            }
            executor.reclaim(oldest.write());
        }
    }

    /** Keeps the cache bounded, but never drops an account whose change storage does not have yet. */
    private void evictAccounts(BatchWrite write) {
        if (memory.accounts.size() <= config.accountCacheMax()) {
            return;
        }
        Set<String> changed = new HashSet<>();
        List<BatchWrite> writes = new ArrayList<>();
        writes.add(write);
        inFlight.forEach(flight -> writes.add(flight.write()));
        for (BatchWrite pending : writes) {
            for (int i = 0; i < pending.accountsCreated().size(); i++) {
                changed.add(pending.accountsCreated().id(i));
            }
            for (int i = 0; i < pending.accountsUpdated().size(); i++) {
                changed.add(pending.accountsUpdated().id(i));
            }
        }
        memory.evictAccountsBeyond(config.accountCacheMax(), changed);
    }

    /**
     * After a failed commit, with nothing in flight: rebuilds memory from storage, whose head says what
     * was committed. Returns false (having answered the batch) when storage is still unreachable.
     */
    private boolean reload(List<Command> batch) {
        try {
            if (!lock.isHeld()) {
                throw new LedgerStore.WriterLockLostException(
                        "the writer lock of ledger " + memory.ledgerName + " was lost");
            }
            long before = memory.sequence;
            load();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "a commit failed; ledger " + memory.ledgerName + " reloaded from storage at sequence "
                            + memory.sequence + " (memory had reached " + before + ")");
            reloadNeeded = false;
            return true;
        } catch (LedgerStore.StoreException e) {
            batch.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE));
            rejected.forEach(refused -> refused.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE)));
            rejected.clear();
            return false;
        }
    }

    /**
     * Answers the batches whose commits were rejected, with nothing in flight and memory rebuilt: each
     * is committed again by halves ({@link #isolate}). When the writer has stopped, they are answered
     * writer_stopped instead.
     */
    private void settleRejected() {
        if (!rejected.isEmpty() && commitFailed) {
            commitFailed = false;
            reloadNeeded = true;
        }
        while (!rejected.isEmpty()) {
            List<Command> batch = rejected.removeFirst();
            if (stopCause.get() != null) {
                batch.forEach(command -> command.fail(ResultCode.WRITER_STOPPED));
                continue;
            }
            if (reloadNeeded && !reload(batch)) {
                return;
            }
            try {
                isolate(batch);
            } catch (RuntimeException | Error bug) {
                // Answering twice changes nothing: whatever isolate answered stands.
                batch.forEach(command -> command.fail(ResultCode.WRITER_STOPPED));
                throw bug;
            }
        }
    }

    /**
     * Commits a rejected batch's requests again, by halves, until the ones whose rows the store refuses
     * are found; those are answered storage_rejected and the rest commit, in their order. The items of
     * a non-atomic request of transactions are split too, so one bad transfer fails only itself (an
     * atomic request fails whole). Runs on the writer thread with nothing in flight; each refused part
     * rebuilds memory from storage before the next is tried.
     */
    private void isolate(List<Command> batch) {
        List<Command> pieces = Command.split(batch);
        ArrayDeque<List<Command>> parts = new ArrayDeque<>();
        parts.push(pieces);
        while (!parts.isEmpty()) {
            List<Command> part = parts.pop();
            Outcome outcome = commitNow(part);
            if (outcome == Outcome.FAILED) {
                parts.forEach(rest -> rest.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE)));
                part.forEach(command -> command.fail(ResultCode.STORAGE_UNAVAILABLE));
                break;
            }
            if (outcome == Outcome.REJECTED && part.size() == 1) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "ledger " + memory.ledgerName + ": the store refused a request that validation let"
                                + " through; answering storage_rejected: " + Command.describe(part.getFirst()));
                part.getFirst().fail(ResultCode.STORAGE_REJECTED);
            } else if (outcome == Outcome.REJECTED) {
                parts.push(part.subList(part.size() / 2, part.size()));
                parts.push(part.subList(0, part.size() / 2));
            }
        }
        Command.answerSplit(batch, pieces);
    }

    /**
     * Executes and commits a part of a rejected batch on the writer thread, answering it when it
     * commits; otherwise leaves it unanswered, and memory rebuilt from storage (or marked for rebuilding
     * when storage failed).
     */
    private Outcome commitNow(List<Command> part) {
        try {
            prefetch(part, List.of());
        } catch (LedgerStore.StoreException e) {
            executor.finish();
            reloadNeeded = true;
            return Outcome.FAILED;
        }
        long started = System.nanoTime();
        long previousSequence = memory.sequence;
        executor.begin(clock.nowMicros());
        part.forEach(executor::execute);
        BatchWrite write = executor.write(previousSequence);
        executor.finish();
        long executed = System.nanoTime();
        Outcome outcome = write.isEmpty() ? Outcome.COMMITTED : commit(write, LedgerStore.Predecessor.NONE, null);
        if (outcome == Outcome.COMMITTED) {
            answer(part, write, executed - started, System.nanoTime() - executed, outcome);
        }
        executor.reclaim(write);
        Throwable bug = stopCause.get();
        if (bug != null) {
            throw new IllegalStateException("a commit failed unexpectedly", bug);
        }
        if (outcome != Outcome.COMMITTED) {
            reloadNeeded = true;
            if (!reloadQuietly()) {
                return Outcome.FAILED;
            }
        }
        return outcome;
    }

    /** Rebuilds memory from storage; false when storage is unreachable (reloadNeeded stays set). */
    private boolean reloadQuietly() {
        try {
            load();
            reloadNeeded = false;
            return true;
        } catch (LedgerStore.StoreException e) {
            return false;
        }
    }

    private void prefetch(List<Command> batch, List<PendingDeadline> due) {
        BatchReads reads = BatchReads.of(batch, due);
        Set<String> transactionIds = reads.transactionIds();
        Set<String> accountIds = reads.accountIds();
        Set<String> assets = reads.assets();
        // Transactions of batches still committing are not in storage yet, or not as they now stand.
        for (Iterator<String> ids = transactionIds.iterator(); ids.hasNext(); ) {
            Transaction transaction = uncommitted.get(ids.next());
            if (transaction != null) {
                executor.transactions.put(transaction.id(), transaction);
                BatchReads.addAccounts(transaction.spec(), accountIds);
                ids.remove();
            }
        }
        if (!transactionIds.isEmpty()) {
            for (Transaction transaction : store.loadTransactions(memory.ledgerId, transactionIds)) {
                executor.transactions.put(transaction.id(), transaction);
                BatchReads.addAccounts(transaction.spec(), accountIds);
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

    private static int operations(List<Command> batch) {
        int operations = 0;
        for (Command command : batch) {
            operations += command.operations();
        }
        return operations;
    }

    private void stop(Throwable cause, List<Command> batch) {
        stopCause.compareAndSet(null, cause);
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
