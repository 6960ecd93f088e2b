package dev.pacioli.ledger.testing;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.Entry;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalRecord;
import dev.pacioli.ledger.LedgerHead;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.ledger.Limit;
import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link LedgerStore} held in memory, for pure engine tests. It keeps the promises the PostgreSQL
 * store keeps: a commit applies a whole {@link BatchWrite} or nothing; it refuses a batch whose
 * {@code previousSequence} is not the stored head (the fencing check against a second writer); and it
 * refuses what a unique key or a foreign key would refuse (an account or transaction created twice, a
 * row updated that does not exist, a journal that does not continue the head). A refusal is a
 * {@link StoreException}, as a database error would be.
 *
 * <p>Faults are injected at the port: the next commit can fail before applying anything, or apply
 * and then fail (the reply is lost, so the engine cannot know it committed); loads can fail; a hook
 * runs at the start of every commit, outside the store's monitor, so a test can hold a commit on a
 * latch while it fills the engine's queue. The writer lock can be lost, as when a database session
 * ends.
 *
 * <p>Thread-safe: every method holds the store's monitor (a commit outside its hook and its wait for
 * the predecessor). The engine loads from its writer thread and commits from its commit threads while
 * tests read it from theirs.
 */
public final class InMemoryLedgerStore implements LedgerStore {
    /** How the next commit fails. */
    public enum CommitFault {
        /** Throws before applying anything: the batch is not committed. */
        FAIL_BEFORE_APPLY,
        /** Applies the whole batch, then throws: committed, but the engine is told it failed. */
        FAIL_AFTER_APPLY
    }

    private final Map<String, Integer> assets = new TreeMap<>();
    private final Map<Long, LedgerData> ledgers = new HashMap<>();
    private long lastLedgerId;
    private CommitFault nextCommitFault;
    private boolean loadsFailing;
    /** Subjects (account or transaction ids) whose rows a commit refuses, as a database refuses data. */
    private final java.util.Set<String> refusedSubjects = new java.util.HashSet<>();

    private volatile Consumer<BatchWrite> commitHook = batch -> {};
    private long commits;

    private static final class LedgerData {
        final String name;
        LedgerHead head;
        final Map<String, Account> accounts = new LinkedHashMap<>();
        final Map<String, Transaction> transactions = new LinkedHashMap<>();
        final List<JournalRecord> journal = new ArrayList<>();
        final List<Entry> entries = new ArrayList<>();
        final List<Limit> limitHistory = new ArrayList<>();
        Lock lock;

        LedgerData(String name) {
            this.name = name;
            this.head = new LedgerHead(0, JournalCodec.genesisHash(name), 0);
        }
    }

    private final class Lock implements WriterLock {
        private final LedgerData ledger;
        private boolean held = true;

        Lock(LedgerData ledger) {
            this.ledger = ledger;
        }

        @Override
        public boolean isHeld() {
            synchronized (InMemoryLedgerStore.this) {
                return held;
            }
        }

        @Override
        public void close() {
            synchronized (InMemoryLedgerStore.this) {
                held = false;
                if (ledger.lock == this) {
                    ledger.lock = null;
                }
            }
        }
    }

    // ---- set-up, fault injection and inspection, for tests

    /** Creates an empty ledger and returns its id. */
    public synchronized long createLedger(String name) {
        long id = ++lastLedgerId;
        ledgers.put(id, new LedgerData(name));
        return id;
    }

    /** Registers an asset with scale 2. */
    public void addAsset(String code) {
        addAsset(code, 2);
    }

    public synchronized void addAsset(String code, int scale) {
        assets.put(code, scale);
    }

    /** Makes the next commit fail the given way; one commit only. */
    public synchronized void failNextCommit(CommitFault fault) {
        nextCommitFault = fault;
    }

    /**
     * From now on, a commit that writes a row of this account or transaction throws {@link
     * RejectedException} and applies nothing, as a database refuses a value it cannot hold.
     */
    public synchronized void refuseRowsOf(String subject) {
        refusedSubjects.add(subject);
    }

    /** While true, every load throws {@link StoreException}. */
    public synchronized void failLoads(boolean failing) {
        loadsFailing = failing;
    }

    /**
     * Runs at the start of every commit, before any fault and outside the store's monitor: a test can
     * block here to hold the writer inside a commit.
     */
    public void onCommit(Consumer<BatchWrite> hook) {
        commitHook = hook;
    }

    /** Ends the ledger's writer lock as a lost database session would: the holder sees isHeld false. */
    public synchronized void loseWriterLock(long ledgerId) {
        Lock lock = ledger(ledgerId).lock;
        if (lock != null) {
            lock.held = false;
            ledger(ledgerId).lock = null;
        }
    }

    /** Commits applied so far, across ledgers (a commit that failed before applying does not count). */
    public synchronized long commits() {
        return commits;
    }

    public synchronized LedgerHead head(long ledgerId) {
        return ledger(ledgerId).head;
    }

    public synchronized List<JournalRecord> journal(long ledgerId) {
        return List.copyOf(ledger(ledgerId).journal);
    }

    /** Entries in commit order: by sequence, then in the order the batch listed them. */
    public synchronized List<Entry> entries(long ledgerId) {
        return List.copyOf(ledger(ledgerId).entries);
    }

    /** Accounts by id, in creation order. */
    public synchronized Map<String, Account> accounts(long ledgerId) {
        return new LinkedHashMap<>(ledger(ledgerId).accounts);
    }

    /** Transactions by id, in creation order. */
    public synchronized Map<String, Transaction> transactions(long ledgerId) {
        return new LinkedHashMap<>(ledger(ledgerId).transactions);
    }

    // ---- the port

    @Override
    public synchronized WriterLock lockWriter(long ledgerId, String ledgerName) {
        LedgerData ledger = ledger(ledgerId, ledgerName);
        if (ledger.lock != null && ledger.lock.held) {
            throw new LedgerLockedException("ledger " + ledgerName + " is locked by another writer");
        }
        ledger.lock = new Lock(ledger);
        return ledger.lock;
    }

    @Override
    public synchronized LedgerHead loadHead(long ledgerId, String ledgerName) {
        checkLoad();
        return ledger(ledgerId, ledgerName).head;
    }

    @Override
    public synchronized List<Account> loadAccounts(long ledgerId, Collection<String> ids) {
        checkLoad();
        LedgerData ledger = ledger(ledgerId);
        List<Account> found = new ArrayList<>();
        for (String id : ids) {
            Account account = ledger.accounts.get(id);
            if (account != null) {
                found.add(account);
            }
        }
        return found;
    }

    @Override
    public synchronized List<Transaction> loadTransactions(long ledgerId, Collection<String> ids) {
        checkLoad();
        LedgerData ledger = ledger(ledgerId);
        List<Transaction> found = new ArrayList<>();
        for (String id : ids) {
            Transaction transaction = ledger.transactions.get(id);
            if (transaction != null) {
                found.add(transaction);
            }
        }
        return found;
    }

    @Override
    public synchronized List<String> loadAssets(Collection<String> codes) {
        checkLoad();
        List<String> found = new ArrayList<>();
        for (String code : codes) {
            if (assets.containsKey(code)) {
                found.add(code);
            }
        }
        return found;
    }

    @Override
    public synchronized List<PendingDeadline> loadPendingDeadlines(long ledgerId) {
        checkLoad();
        List<PendingDeadline> deadlines = new ArrayList<>();
        for (Transaction transaction : ledger(ledgerId).transactions.values()) {
            if (transaction.status() == TransactionStatus.PENDING && transaction.expiresAtMicros() != 0) {
                deadlines.add(new PendingDeadline(transaction.expiresAtMicros(), transaction.id()));
            }
        }
        return deadlines;
    }

    @Override
    public synchronized List<Limit> loadLimitHistory(long ledgerId) {
        checkLoad();
        return List.copyOf(ledger(ledgerId).limitHistory);
    }

    @Override
    public synchronized void loadTransactionsSince(long ledgerId, long sinceMicros, Consumer<Transaction> each) {
        checkLoad();
        ledger(ledgerId).transactions.values().stream()
                .filter(transaction -> transaction.committedAtMicros() > sinceMicros)
                .sorted(java.util.Comparator.comparingLong(Transaction::sequence))
                .forEach(each);
    }

    /** Stores the version, fenced on the head; attachments are not this store's to write. */
    @Override
    public synchronized void commitLimitChange(long ledgerId, Limit version, CommitAttachment attachment) {
        CommitFault fault = nextCommitFault;
        nextCommitFault = null;
        if (fault == CommitFault.FAIL_BEFORE_APPLY) {
            throw new StoreException("injected: limit change failed before applying", null);
        }
        LedgerData ledger = ledger(ledgerId);
        if (ledger.head.sequence() != version.afterSequence()) {
            throw new StoreException("fenced: stored head is " + ledger.head.sequence(), null);
        }
        long last = ledger.limitHistory.stream()
                .filter(stored -> stored.id().equals(version.id()))
                .mapToLong(Limit::version)
                .max()
                .orElse(0);
        refuseIf(version.version() != last + 1, "limit version " + version.version() + " is not " + (last + 1));
        ledger.limitHistory.add(version);
        if (fault == CommitFault.FAIL_AFTER_APPLY) {
            throw new StoreException("injected: limit change applied, reply lost", null);
        }
    }

    /** Every version of the ledger's limits, as {@code verify} reads them. */
    public synchronized List<Limit> limitHistory(long ledgerId) {
        return List.copyOf(ledger(ledgerId).limitHistory);
    }

    @Override
    public void commit(BatchWrite batch, Predecessor predecessor) {
        CommitFault fault;
        synchronized (this) {
            fault = nextCommitFault;
            nextCommitFault = null;
        }
        commitHook.accept(batch);
        // Like the database: nothing of this batch is applied before the batch under it has finished,
        // and then the head fence decides.
        predecessor.await();
        synchronized (this) {
            if (fault == CommitFault.FAIL_BEFORE_APPLY) {
                throw new StoreException("injected: commit failed before applying", null);
            }
            for (int i = 0; i < batch.journal().size(); i++) {
                if (refusedSubjects.contains(batch.journal().subject(i))) {
                    throw new RejectedException(
                            "injected: a row of " + batch.journal().subject(i) + " refused", null);
                }
            }
            LedgerData ledger = ledger(batch.ledgerId());
            refuseInconsistent(ledger, batch);
            apply(ledger, batch);
            commits++;
            if (fault == CommitFault.FAIL_AFTER_APPLY) {
                throw new StoreException("injected: commit applied, reply lost", null);
            }
        }
    }

    /** What a database would refuse, checked before anything is applied so a refusal changes nothing. */
    private static void refuseInconsistent(LedgerData ledger, BatchWrite batch) {
        if (ledger.head.sequence() != batch.previousSequence()) {
            throw new StoreException(
                    "fenced: stored head is " + ledger.head.sequence() + ", batch expected " + batch.previousSequence(),
                    null);
        }
        long expected = batch.previousSequence();
        for (int i = 0; i < batch.journal().size(); i++) {
            long sequence = batch.journal().sequence(i);
            refuseIf(sequence != ++expected, "journal sequence " + sequence + " is not " + expected);
        }
        refuseIf(batch.head().sequence() != expected, "head does not match the journal's last record");
        for (Account account : batch.accountsCreated()) {
            refuseIf(ledger.accounts.containsKey(account.id()), "duplicate account " + account.id());
        }
        for (Account account : batch.accountsUpdated()) {
            refuseIf(!ledger.accounts.containsKey(account.id()), "update of a missing account " + account.id());
        }
        for (Transaction transaction : batch.transactionsCreated()) {
            refuseIf(ledger.transactions.containsKey(transaction.id()), "duplicate transaction " + transaction.id());
        }
        for (Transaction transaction : batch.transactionsUpdated()) {
            refuseIf(
                    !ledger.transactions.containsKey(transaction.id()),
                    "update of a missing transaction " + transaction.id());
        }
    }

    private static void refuseIf(boolean refused, String message) {
        if (refused) {
            throw new StoreException("refused: " + message, null);
        }
    }

    private static void apply(LedgerData ledger, BatchWrite batch) {
        for (Account account : batch.accountsCreated()) {
            ledger.accounts.put(account.id(), account);
        }
        for (Account account : batch.accountsUpdated()) {
            ledger.accounts.put(account.id(), account);
        }
        for (Transaction transaction : batch.transactionsCreated()) {
            ledger.transactions.put(transaction.id(), transaction);
        }
        for (Transaction transaction : batch.transactionsUpdated()) {
            ledger.transactions.put(transaction.id(), transaction);
        }
        // Copies: the batch's columns are the writer's again once this commit returns.
        ledger.journal.addAll(batch.journal().records());
        ledger.entries.addAll(batch.entries().entries());
        ledger.head = batch.head();
    }

    private void checkLoad() {
        if (loadsFailing) {
            throw new StoreException("injected: load failed", null);
        }
    }

    private LedgerData ledger(long ledgerId, String ledgerName) {
        LedgerData ledger = ledger(ledgerId);
        if (!ledger.name.equals(ledgerName)) {
            throw new IllegalArgumentException(
                    "ledger " + ledgerId + " is named " + ledger.name + ", not " + ledgerName);
        }
        return ledger;
    }

    private LedgerData ledger(long ledgerId) {
        LedgerData ledger = ledgers.get(ledgerId);
        if (ledger == null) {
            throw new IllegalArgumentException("no ledger " + ledgerId);
        }
        return ledger;
    }
}
