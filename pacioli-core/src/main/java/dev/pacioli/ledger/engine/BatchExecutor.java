package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.AccountColumns;
import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.BatchWrite;
import dev.pacioli.ledger.CommitAttachment;
import dev.pacioli.ledger.EntryKind;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.JournalColumns;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.PendingDeadline;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.RecordType;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The execute step: applies a batch of requests to the ledger's memory, pure CPU, and gathers what the
 * commit must write.
 *
 * <p>Every request sees the effects of the requests before it in the batch. Every change to memory is
 * recorded in an undo log first, so a dry run, a failed atomic batch, or a failed commit puts memory
 * back exactly as it was ({@link #rollback(Mark)}). The journal sequence, hash and timestamp move with
 * each record and are restored the same way, so a rolled-back request consumes no sequence. (While a
 * batch runs, the hash chain lives in its journal columns; {@link #write} brings the head's hash back
 * to memory.)
 *
 * <p>Allocation: what the commit writes is gathered into columns ({@link BatchWrite}) and the undo log
 * and transaction table are arrays, all kept and reused, so a transfer allocates only what its answer
 * carries (its {@link Transaction}, that transaction's hash and its {@link TransactionResult}). A batch
 * takes a set of columns in {@link #begin}; {@link #write} hands them out with the batch's {@link
 * BatchWrite}, and {@link #reclaim} takes them back once its commit has finished. {@link LedgerEngine}
 * releases a batch when it reaps the batch's commit, so columns a commit still reads are never reused:
 * with two commits in flight, two sets take turns.
 *
 * <p>Result codes for a new transaction are checked in {@link ResultCode} declaration order across all
 * of its postings: first whether every account exists, then whether any is closed, and so on. Bounds
 * are checked on each account's net change over the whole transaction.
 *
 * <p>Bounds: an account fails {@code insufficient_funds} when the change lowers its {@code available}
 * below {@code min_balance}, and {@code exceeds_max_balance} when it raises balance plus pending
 * inflows above {@code max_balance}. A change that moves an account toward its bounds is always
 * allowed, so an account left outside them (by a forced reversal) can still be brought back.
 */
final class BatchExecutor {
    private static final AccountStatus[] STATUSES = AccountStatus.values();

    /** Batches whose columns may be out at once: each commit in flight holds its batch's. */
    private static final int BUFFERS_LENT_MAX = LedgerEngine.COMMITS_IN_FLIGHT_MAX;

    private final LedgerMemory memory;

    /** Transactions this batch may read: those prefetched, then those it creates or changes. */
    final TransactionTable transactions = new TransactionTable();

    private final UndoLog undo = new UndoLog();
    /** The transaction the last {@link #createTransaction} made or found; null when it made none. */
    private Transaction lastTransaction;
    /** The columns the batch being executed writes into; null between batches. */
    private BatchColumns buffers;
    /** Columns handed out with a {@link BatchWrite} by {@link #write}, not yet handed back by {@link #reclaim}. */
    private final ArrayList<BatchColumns> lent = new ArrayList<>(BUFFERS_LENT_MAX);
    /** Columns handed back, for the next batches to reuse. */
    private final ArrayDeque<BatchColumns> free = new ArrayDeque<>(BUFFERS_LENT_MAX);
    /**
     * The accounts this batch changed, in the order it first changed them; each account's {@code
     * touchIndex} is its place here, and in the batch's entry columns' account dictionary.
     */
    private AccountState[] touched = new AccountState[64];

    private int touchedCount;
    /** Counts batches begun: an account's {@code touchStamp} says whether this one has changed it. */
    private long batchStamp;
    /** Counts calls of {@link #write}: each marks what it has gathered with its own stamp. */
    private long writeStamp;

    private long nowMicros;

    /** What the batch's requests that took effect asked to commit with them; empty (shared) until one does. */
    private List<CommitAttachment> attachments = List.of();

    /** One transaction's net change per account. */
    private final NetEffect net = new NetEffect();

    // Scratch space for one transaction's accounts per posting, looked up once by validate.
    private final AccountState[] postingFrom = new AccountState[Limits.POSTINGS_PER_TRANSACTION_MAX];
    private final AccountState[] postingTo = new AccountState[Limits.POSTINGS_PER_TRANSACTION_MAX];

    BatchExecutor(LedgerMemory memory) {
        this.memory = memory;
    }

    /** Starts a batch at the given time, in columns handed back by an earlier batch when there are some. */
    void begin(long nowMicros) {
        Assert.that(buffers == null && undo.size == 0, "previous batch was not finished");
        buffers = free.isEmpty() ? new BatchColumns() : free.pop();
        buffers.start(memory.hash);
        batchStamp++;
        this.nowMicros = nowMicros;
        attachments = List.of();
        memory.limits.sweep(memory.timestampMicros + 1);
    }

    void execute(Command command) {
        switch (command) {
            case Command.CreateAccount create -> create.result = createAccount(create.spec);
            case Command.CloseAccount close -> close.result = closeAccount(close.accountId);
            case Command.CreateTransactions create -> createTransactions(create);
            case Command.Resolve resolve -> resolve(resolve);
            case Command.Reverse reverse -> reverse.result = reverse(reverse);
            case Command.LimitCommand limit -> throw new Assert.InvariantViolation("a limit command in a batch");
        }
    }

    /** Expires a pending transaction whose deadline has passed (the writer's own work). */
    void expire(PendingDeadline deadline) {
        Transaction transaction = transactions.get(deadline.transactionId());
        if (transaction != null && transaction.status() == TransactionStatus.PENDING) {
            release(transaction, null, RecordType.TRANSACTION_EXPIRED);
        } else {
            removeDeadline(deadline);
        }
    }

    // ---- accounts

    private AccountResult createAccount(AccountSpec spec) {
        AccountState existing = memory.accounts.get(spec.id());
        if (existing != null) {
            ResultCode code =
                    existing.spec.equals(spec) ? ResultCode.EXISTS : ResultCode.ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS;
            return new AccountResult(code, existing.snapshot());
        }
        if (!memory.assets.contains(spec.asset())) {
            return new AccountResult(ResultCode.ASSET_NOT_FOUND, null);
        }
        long sequence = memory.sequence + 1;
        long timestamp = nextTimestamp();
        AccountState account = new AccountState(spec, timestamp);
        account.version = 1;
        memory.accounts.put(spec.id(), account);
        undo.add(UndoKind.ACCOUNT_ADDED, spec.id(), null);
        JournalCodec.accountCreated(buffers.journal, sequence, timestamp, spec);
        advance(sequence, timestamp);
        return new AccountResult(ResultCode.CREATED, account.snapshot());
    }

    private AccountResult closeAccount(String accountId) {
        AccountState account = memory.accounts.get(accountId);
        if (account == null) {
            return new AccountResult(ResultCode.ACCOUNT_NOT_FOUND, null);
        }
        if (account.status == AccountStatus.CLOSED) {
            return new AccountResult(ResultCode.OK, account.snapshot());
        }
        if (!account.balances().isZero()) {
            return new AccountResult(ResultCode.ACCOUNT_NOT_EMPTY, account.snapshot());
        }
        long sequence = memory.sequence + 1;
        long timestamp = nextTimestamp();
        saveForUndo(account);
        account.status = AccountStatus.CLOSED;
        account.version++;
        JournalCodec.accountClosed(buffers.journal, sequence, timestamp, accountId);
        advance(sequence, timestamp);
        return new AccountResult(ResultCode.OK, account.snapshot());
    }

    // ---- new transactions

    private void createTransactions(Command.CreateTransactions command) {
        command.results.reset();
        Mark mark = command.atomic || command.dryRun ? mark() : null;
        boolean anyFailed = false;
        for (TransactionSpec spec : command.specs) {
            ResultCode code = createTransaction(spec, null, false);
            command.results.add(code, lastTransaction, memory.limits.breachOf(code));
            anyFailed |= !code.succeeded();
        }
        if (command.atomic && anyFailed) {
            rollback(mark);
            for (int i = 0; i < command.results.size(); i++) {
                if (command.results.code(i).succeeded()) {
                    command.results.set(i, ResultCode.LINKED_TRANSACTION_FAILED, null);
                }
            }
        } else if (command.dryRun) {
            rollback(mark);
        } else if (command.results.code(0) == ResultCode.CREATED) {
            attach(command.attachment);
        }
    }

    /** Keeps an attachment (when there is one) of a request that took effect, for the batch's commit. */
    private void attach(CommitAttachment attachment) {
        if (attachment != null) {
            (attachments = attachments.isEmpty() ? new ArrayList<>() : attachments).add(attachment);
        }
    }

    /**
     * Creates the transaction, or finds it already made; returns the result code and leaves the
     * transaction to show in {@link #lastTransaction} (null when there is none), so that a request of
     * many transfers gets its answers without an object per answer ({@link TransactionResults}).
     */
    private ResultCode createTransaction(TransactionSpec spec, String reverses, boolean force) {
        Transaction existing = transactions.get(spec.id());
        lastTransaction = existing;
        if (existing != null) {
            boolean same = existing.spec().equals(spec) && Objects.equals(existing.reverses(), reverses);
            return same ? ResultCode.EXISTS : ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS;
        }
        ResultCode failure = validate(spec, force);
        if (failure != null) {
            return failure;
        }
        long sequence = memory.sequence + 1;
        long timestamp = nextTimestamp();
        long expiresAt = spec.timeoutSeconds() == null
                ? 0
                : Math.addExact(timestamp, Math.multiplyExact(spec.timeoutSeconds(), 1_000_000L));
        for (int i = 0; i < net.count; i++) {
            AccountState account = net.accounts[i];
            saveForUndo(account);
            if (spec.pending()) {
                account.pendingDebits += net.debits[i];
                account.pendingCredits += net.credits[i];
            } else {
                account.postedDebits += net.debits[i];
                account.postedCredits += net.credits[i];
            }
            account.version++;
            addEntry(
                    account,
                    sequence,
                    spec.id(),
                    spec.pending() ? EntryKind.PENDING : EntryKind.POSTED,
                    net.debits[i],
                    net.credits[i],
                    timestamp);
        }
        memory.limits.record(net, timestamp);
        JournalColumns journal = buffers.journal;
        JournalCodec.transactionCreated(journal, sequence, timestamp, spec, reverses, expiresAt);
        advance(sequence, timestamp);
        // The transaction answers with its hash, so it copies it out of the columns (they are reused),
        // as numbers in its own fields.
        TransactionStatus status = spec.pending() ? TransactionStatus.PENDING : TransactionStatus.POSTED;
        Transaction transaction = new Transaction(
                spec,
                reverses,
                status,
                sequence,
                timestamp,
                journal.hashBytes(),
                journal.hashOffset(journal.size() - 1),
                expiresAt,
                null,
                null);
        putTransaction(transaction);
        if (expiresAt != 0) {
            addDeadline(new PendingDeadline(expiresAt, spec.id()));
        }
        lastTransaction = transaction;
        return ResultCode.CREATED;
    }

    /**
     * The first failure in precedence order, or null. Leaves the net effect in the scratch arrays.
     * Each posting's accounts are looked up once: the account cache is access-ordered, so every
     * lookup also relinks the entry, and the hot path would otherwise pay for eight per posting.
     */
    private ResultCode validate(TransactionSpec spec, boolean force) {
        List<Posting> postings = spec.postings();
        int count = postings.size();
        for (int i = 0; i < count; i++) {
            Posting posting = postings.get(i);
            postingFrom[i] = memory.accounts.get(posting.from());
            postingTo[i] = memory.accounts.get(posting.to());
            if (postingFrom[i] == null || postingTo[i] == null) {
                return ResultCode.ACCOUNT_NOT_FOUND;
            }
        }
        for (int i = 0; i < count; i++) {
            if (postingFrom[i].status == AccountStatus.CLOSED || postingTo[i].status == AccountStatus.CLOSED) {
                return ResultCode.ACCOUNT_CLOSED;
            }
        }
        for (int i = 0; i < count; i++) {
            String asset = postings.get(i).asset();
            if (!postingFrom[i].spec.asset().equals(asset)
                    || !postingTo[i].spec.asset().equals(asset)) {
                return ResultCode.ASSET_MISMATCH;
            }
        }
        for (int i = 0; i < count; i++) {
            // One id is one account in memory, so the same account on both sides is the same id. By index,
            // as above: an iterator is not always optimized away, and it would be an object per transfer.
            if (postingFrom[i] == postingTo[i]) {
                return ResultCode.SAME_ACCOUNT;
            }
        }
        net.clear();
        boolean overflow = false;
        for (int i = 0; i < count; i++) {
            long amount = postings.get(i).amount();
            overflow |= !net.add(postingFrom[i], amount, 0, 0, 0);
            overflow |= !net.add(postingTo[i], 0, amount, 0, 0);
        }
        int flags = overflow ? Bounds.OVERFLOW : 0;
        for (int i = 0; i < net.count; i++) {
            flags |= Bounds.check(net.accounts[i], spec.pending(), net.debits[i], net.credits[i], force);
        }
        if ((flags & Bounds.OVERFLOW) != 0) {
            // A sum did not fit, so the nets or bounds above may be cut short; the bounds come first in
            // precedence, so they are judged again exactly. Only amounts near Long.MAX_VALUE get here.
            flags = Bounds.exactFlags(postings, postingFrom, postingTo, spec.pending(), force);
            Assert.that(
                    (flags & Bounds.OVERFLOW) != 0, "a sum that did not fit is an overflow in exact arithmetic too");
        }
        if ((flags & Bounds.INSUFFICIENT) != 0) {
            return ResultCode.INSUFFICIENT_FUNDS;
        }
        if ((flags & Bounds.EXCEEDS) != 0) {
            return ResultCode.EXCEEDS_MAX_BALANCE;
        }
        if ((flags & Bounds.OVERFLOW) != 0) {
            return ResultCode.BALANCE_OVERFLOW;
        }
        // Limits last: any other refusal wins. The would-be commit time is where their windows end.
        return memory.limits.isEmpty() ? null : memory.limits.check(net, nextTimestamp());
    }

    // ---- pending transactions

    private TransactionResult resolve(String id, boolean post, Long amount) {
        Transaction transaction = transactions.get(id);
        if (transaction == null) {
            return TransactionResult.failed(ResultCode.TRANSACTION_NOT_FOUND);
        }
        if (!transaction.spec().pending()) {
            return new TransactionResult(ResultCode.TRANSACTION_NOT_PENDING, transaction);
        }
        switch (transaction.status()) {
            case POSTED -> {
                return new TransactionResult(post ? ResultCode.OK : ResultCode.PENDING_ALREADY_POSTED, transaction);
            }
            case VOIDED -> {
                return new TransactionResult(post ? ResultCode.PENDING_ALREADY_VOIDED : ResultCode.OK, transaction);
            }
            case EXPIRED -> {
                return new TransactionResult(ResultCode.PENDING_EXPIRED, transaction);
            }
            case PENDING -> {}
        }
        if (transaction.expiresAtMicros() != 0 && transaction.expiresAtMicros() <= nowMicros) {
            Transaction expired = release(transaction, null, RecordType.TRANSACTION_EXPIRED);
            return new TransactionResult(ResultCode.PENDING_EXPIRED, expired);
        }
        if (!post) {
            return new TransactionResult(ResultCode.OK, release(transaction, null, RecordType.TRANSACTION_VOIDED));
        }
        List<Posting> postings = transaction.spec().postings();
        List<Long> postedAmounts = new ArrayList<>(postings.size());
        if (amount == null) {
            postings.forEach(posting -> postedAmounts.add(posting.amount()));
        } else {
            if (postings.size() != 1) {
                return new TransactionResult(ResultCode.PARTIAL_POST_REQUIRES_SINGLE_POSTING, transaction);
            }
            if (amount > postings.get(0).amount()) {
                return new TransactionResult(ResultCode.POST_AMOUNT_EXCEEDS_PENDING, transaction);
            }
            Assert.that(amount > 0, "post amount must be positive");
            postedAmounts.add(amount);
        }
        Transaction posted = release(transaction, postedAmounts, RecordType.TRANSACTION_POSTED);
        if (posted == null) {
            return new TransactionResult(ResultCode.BALANCE_OVERFLOW, transaction);
        }
        return new TransactionResult(ResultCode.OK, posted);
    }

    /** A post or a void; a post's follow-up is atomic with it: when it fails, the post is rolled back. */
    private void resolve(Command.Resolve command) {
        if (command.followUp == null) {
            command.result = resolve(command.transactionId, command.post, command.amount);
            return;
        }
        Mark mark = mark();
        TransactionResult posted = resolve(command.transactionId, true, null);
        boolean done = posted.code().succeeded();
        ResultCode code =
                done ? createTransaction(command.followUp, null, false) : ResultCode.LINKED_TRANSACTION_FAILED;
        command.followUpResult = new TransactionResult(code, done ? lastTransaction : null);
        command.result = posted;
        if (done && !code.succeeded()) {
            rollback(mark);
            command.result = new TransactionResult(
                    ResultCode.LINKED_TRANSACTION_FAILED, transactions.get(command.transactionId));
        }
    }

    /**
     * Releases a pending transaction's reservations, moving {@code postedAmounts} (null: nothing) to the
     * posted side. Returns the changed transaction, or null when posting would overflow a balance.
     */
    private Transaction release(Transaction transaction, List<Long> postedAmounts, RecordType type) {
        List<Posting> postings = transaction.spec().postings();
        net.clear();
        boolean overflow = false;
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            long posted = postedAmounts == null ? 0 : postedAmounts.get(i);
            overflow |= !net.add(account(posting.from()), posting.amount(), 0, posted, 0);
            overflow |= !net.add(account(posting.to()), 0, posting.amount(), 0, posted);
        }
        for (int i = 0; i < net.count && !overflow; i++) {
            AccountState account = net.accounts[i];
            overflow = account.postedDebits > Long.MAX_VALUE - net.postedDebits[i]
                    || account.postedCredits > Long.MAX_VALUE - net.postedCredits[i];
        }
        if (overflow) {
            Assert.that(type == RecordType.TRANSACTION_POSTED, "releasing a reservation cannot overflow");
            return null;
        }
        long sequence = memory.sequence + 1;
        long timestamp = nextTimestamp();
        EntryKind kind = switch (type) {
            case TRANSACTION_POSTED -> EntryKind.POST;
            case TRANSACTION_VOIDED -> EntryKind.VOID;
            case TRANSACTION_EXPIRED -> EntryKind.EXPIRE;
            default -> throw new Assert.InvariantViolation("not a release: " + type);
        };
        for (int i = 0; i < net.count; i++) {
            AccountState account = net.accounts[i];
            saveForUndo(account);
            account.pendingDebits -= net.debits[i];
            account.pendingCredits -= net.credits[i];
            account.postedDebits += net.postedDebits[i];
            account.postedCredits += net.postedCredits[i];
            Assert.that(
                    account.pendingDebits >= 0 && account.pendingCredits >= 0,
                    "pending components of %s went negative",
                    account.spec.id());
            account.version++;
            boolean post = kind == EntryKind.POST;
            addEntry(
                    account,
                    sequence,
                    transaction.id(),
                    kind,
                    post ? net.postedDebits[i] : net.debits[i],
                    post ? net.postedCredits[i] : net.credits[i],
                    timestamp);
        }
        memory.limits.settle(transaction.committedAtMicros(), net);
        if (type == RecordType.TRANSACTION_POSTED) {
            JournalCodec.transactionPosted(buffers.journal, sequence, timestamp, transaction.id(), postedAmounts);
        } else {
            JournalCodec.transactionVoided(
                    buffers.journal, sequence, timestamp, transaction.id(), type == RecordType.TRANSACTION_EXPIRED);
        }
        advance(sequence, timestamp);
        TransactionStatus status = switch (type) {
            case TRANSACTION_POSTED -> TransactionStatus.POSTED;
            case TRANSACTION_VOIDED -> TransactionStatus.VOIDED;
            default -> TransactionStatus.EXPIRED;
        };
        Transaction changed = transaction.withStatus(status, postedAmounts == null ? null : List.copyOf(postedAmounts));
        putTransaction(changed);
        if (transaction.expiresAtMicros() != 0) {
            removeDeadline(new PendingDeadline(transaction.expiresAtMicros(), transaction.id()));
        }
        return changed;
    }

    // ---- reversals

    private TransactionResult reverse(Command.Reverse command) {
        Transaction original = transactions.get(command.originalId);
        Transaction existing = transactions.get(command.reversalId);
        if (existing != null || original == null) {
            if (existing == null) {
                return TransactionResult.failed(ResultCode.TRANSACTION_NOT_FOUND);
            }
            boolean same = command.originalId.equals(existing.reverses())
                    && existing.spec().metadata().equals(command.metadata)
                    && Objects.equals(existing.spec().description(), command.description);
            return new TransactionResult(
                    same ? ResultCode.EXISTS : ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS, existing);
        }
        if (original.status() != TransactionStatus.POSTED) {
            return new TransactionResult(ResultCode.TRANSACTION_NOT_POSTED, original);
        }
        if (original.reversedBy() != null) {
            return new TransactionResult(ResultCode.TRANSACTION_ALREADY_REVERSED, original);
        }
        List<Posting> postings = original.spec().postings();
        List<Posting> flipped = new ArrayList<>(postings.size());
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            long amount = original.postedAmount(i);
            if (amount > 0) {
                flipped.add(new Posting(posting.to(), posting.from(), amount, posting.asset()));
            }
        }
        TransactionSpec spec =
                new TransactionSpec(command.reversalId, flipped, false, null, command.metadata, command.description);
        ResultCode code = createTransaction(spec, original.id(), command.force);
        TransactionResult created = new TransactionResult(code, lastTransaction, memory.limits.breachOf(code));
        if (created.code() != ResultCode.CREATED) {
            return created;
        }
        attach(command.attachment);
        long sequence = memory.sequence + 1;
        long timestamp = nextTimestamp();
        JournalCodec.transactionReversed(buffers.journal, sequence, timestamp, original.id(), command.reversalId);
        advance(sequence, timestamp);
        putTransaction(original.withReversedBy(command.reversalId));
        return created;
    }

    // ---- shared mechanics

    private AccountState account(String id) {
        AccountState account = memory.accounts.get(id);
        Assert.that(account != null, "account %s of a stored transaction is not in memory", id);
        return account;
    }

    private long nextTimestamp() {
        return Math.max(nowMicros, memory.timestampMicros + 1);
    }

    /**
     * Moves the head past the record just appended to the batch's journal. The head's hash is the
     * journal's to carry while the batch runs; {@link #write} and {@link #finish} bring it back to memory.
     */
    private void advance(long sequence, long timestamp) {
        memory.sequence = sequence;
        memory.timestampMicros = timestamp;
    }

    private void addEntry(
            AccountState account,
            long sequence,
            String transactionId,
            EntryKind kind,
            long debit,
            long credit,
            long timestamp) {
        Assert.that(
                account.postedDebits >= 0
                        && account.postedCredits >= 0
                        && account.pendingDebits >= 0
                        && account.pendingCredits >= 0,
                "balance components are never negative");
        Assert.that(account.touchStamp == batchStamp, "an entry for an account whose values were not saved first");
        buffers.entries.add(
                account.touchIndex,
                sequence,
                kind,
                debit,
                credit,
                account.postedDebits,
                account.postedCredits,
                account.pendingDebits,
                account.pendingCredits,
                account.balance(),
                account.available(),
                timestamp);
    }

    /** Logs the account's values before a change; the account's first change also registers it. */
    private void saveForUndo(AccountState account) {
        int index = undo.add(UndoKind.ACCOUNT_VALUES, null, null);
        undo.accounts[index] = touch(account);
        long[] values = undo.values;
        int at = index * UndoLog.VALUES_PER_ENTRY;
        values[at] = account.postedDebits;
        values[at + 1] = account.postedCredits;
        values[at + 2] = account.pendingDebits;
        values[at + 3] = account.pendingCredits;
        values[at + 4] = account.version;
        values[at + 5] = account.status.ordinal();
    }

    /** The account's place among those this batch changed, taking the next one on its first change. */
    private int touch(AccountState account) {
        if (account.touchStamp != batchStamp) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount] = account;
            account.touchStamp = batchStamp;
            account.touchIndex = touchedCount++;
            int registered = buffers.entries.addAccount(account.spec.id());
            Assert.that(registered == account.touchIndex, "entry accounts are registered in the order touched");
        }
        return account.touchIndex;
    }

    private void putTransaction(Transaction transaction) {
        undo.add(UndoKind.TRANSACTION_PUT, transaction.id(), transactions.put(transaction.id(), transaction));
    }

    private void addDeadline(PendingDeadline deadline) {
        if (memory.deadlines.add(deadline)) {
            undo.add(UndoKind.DEADLINE_ADDED, deadline, null);
        }
    }

    private void removeDeadline(PendingDeadline deadline) {
        if (memory.deadlines.remove(deadline)) {
            undo.add(UndoKind.DEADLINE_REMOVED, deadline, null);
        }
    }

    record Mark(
            int undoSize,
            int journalSize,
            int entriesSize,
            int touchedCount,
            long sequence,
            long timestampMicros,
            int limitsMark) {}

    Mark mark() {
        return new Mark(
                undo.size,
                buffers.journal.size(),
                buffers.entries.size(),
                touchedCount,
                memory.sequence,
                memory.timestampMicros,
                memory.limits.mark());
    }

    /** Puts memory back as it was at the mark. */
    void rollback(Mark mark) {
        for (int i = undo.size - 1; i >= mark.undoSize(); i--) {
            Object subject = undo.subjects[i];
            switch (UndoLog.KINDS[undo.kinds[i]]) {
                case ACCOUNT_VALUES -> {
                    AccountState account = touched[undo.accounts[i]];
                    int at = i * UndoLog.VALUES_PER_ENTRY;
                    account.status = STATUSES[(int) undo.values[at + 5]];
                    account.postedDebits = undo.values[at];
                    account.postedCredits = undo.values[at + 1];
                    account.pendingDebits = undo.values[at + 2];
                    account.pendingCredits = undo.values[at + 3];
                    account.version = undo.values[at + 4];
                }
                case ACCOUNT_ADDED -> memory.accounts.remove((String) subject);
                case TRANSACTION_PUT -> transactions.put((String) subject, (Transaction) undo.previous[i]);
                case DEADLINE_ADDED -> memory.deadlines.remove((PendingDeadline) subject);
                case DEADLINE_REMOVED -> memory.deadlines.add((PendingDeadline) subject);
            }
        }
        undo.truncate(mark.undoSize());
        memory.limits.rollback(mark.limitsMark());
        buffers.journal.truncate(mark.journalSize());
        untouchFrom(mark.touchedCount());
        buffers.entries.truncate(mark.entriesSize(), mark.touchedCount());
        memory.sequence = mark.sequence();
        memory.timestampMicros = mark.timestampMicros();
    }

    /**
     * What the commit must write: every row this batch created or changed, as it stands now. The
     * batch's columns go with it; the executor takes them back, to reuse, when {@link #reclaim} is
     * called after its commit has finished.
     */
    BatchWrite write(long previousSequence) {
        BatchColumns written = buffers;
        Assert.that(written != null, "no batch is being executed");
        long stamp = ++writeStamp;
        // A subject is created before anything changes it, so one pass in journal order sees each
        // creation first: what is created is written once, as created, and never as updated.
        JournalColumns journal = written.journal;
        for (int i = 0; i < journal.size(); i++) {
            String subject = journal.subject(i);
            switch (journal.type(i)) {
                case ACCOUNT_CREATED -> gather(account(subject), stamp, written.accountsCreated);
                case ACCOUNT_CLOSED -> gather(account(subject), stamp, written.accountsUpdated);
                case TRANSACTION_CREATED -> {
                    transactions.markOnce(subject, stamp);
                    written.transactionsCreated.add(transactions.get(subject));
                }
                case TRANSACTION_POSTED, TRANSACTION_VOIDED, TRANSACTION_EXPIRED, TRANSACTION_REVERSED -> {
                    if (transactions.markOnce(subject, stamp)) {
                        written.transactionsUpdated.add(transactions.get(subject));
                    }
                }
            }
        }
        // Then every other account the batch changed, in the order it first changed them.
        for (int i = 0; i < touchedCount; i++) {
            gather(touched[i], stamp, written.accountsUpdated);
        }
        untouchFrom(0);
        syncHash();
        buffers = null;
        lent.add(written);
        Assert.that(lent.size() <= BUFFERS_LENT_MAX, "batch columns were not handed back after their commits");
        List<CommitAttachment> attached = attachments;
        attachments = List.of();
        return new BatchWrite(
                memory.ledgerId,
                previousSequence,
                memory.head(),
                journal,
                written.accountsCreated,
                written.accountsUpdated,
                written.transactionsCreatedView,
                written.transactionsUpdatedView,
                written.entries,
                attached);
    }

    /** Adds the account as it now stands to {@code accounts}, unless this write has it already. */
    private static void gather(AccountState account, long stamp, AccountColumns accounts) {
        if (account.writeStamp == stamp) {
            return;
        }
        account.writeStamp = stamp;
        accounts.add(
                account.spec,
                account.status,
                account.createdAtMicros,
                account.postedDebits,
                account.postedCredits,
                account.pendingDebits,
                account.pendingCredits,
                account.version);
    }

    /** Forgets the accounts changed from the {@code from}th on, as a rollback or the batch's end does. */
    private void untouchFrom(int from) {
        for (int i = from; i < touchedCount; i++) {
            touched[i].touchStamp = 0;
            touched[i] = null;
        }
        touchedCount = from;
    }

    /** The head's hash back in memory: the last of the batch's journal. */
    private void syncHash() {
        if (!buffers.journal.isEmpty()) {
            memory.hash = buffers.journal.lastHash();
        }
    }

    /**
     * Takes back the columns of a batch from {@link #write} once nothing reads them any more (its commit
     * and answers have finished), for a later batch to reuse.
     */
    void reclaim(BatchWrite write) {
        for (int i = 0; i < lent.size(); i++) {
            if (lent.get(i).journal == write.journal()) {
                BatchColumns released = lent.remove(i);
                if (free.size() < BUFFERS_LENT_MAX) {
                    free.push(released);
                }
                return;
            }
        }
        throw new Assert.InvariantViolation("the columns of a batch were handed back twice, or never lent");
    }

    /** Forgets the batch: after a commit, or after a rollback of everything. */
    void finish() {
        if (buffers != null) {
            // Not written (the batch stopped before it could be): its columns are free again at once.
            syncHash();
            untouchFrom(0);
            free.push(buffers);
            buffers = null;
        }
        undo.truncate(0);
        memory.limits.forgetUndo();
        transactions.clear();
    }
}
