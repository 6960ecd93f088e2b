package dev.pacioli.ledger.testing;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.AccountStatus;
import dev.pacioli.ledger.Balances;
import dev.pacioli.ledger.JournalCodec;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.Transaction;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.TransactionStatus;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A deliberately simple model of what a ledger must do, for checking the engine against it
 * (differential testing). It is written from API.md and the bound rules, not from the engine: no
 * batching, undo log, caches, scratch arrays or bit flags. Each rule is a few lines that can be read
 * against the contract, and a result is the first refusal that applies, in {@link ResultCode} order.
 *
 * <p>Arithmetic is exact. The effect of a transaction on an account is computed with
 * {@link BigInteger}, and {@code balance_overflow} means the outcome does not fit: a component above
 * {@link Long#MAX_VALUE}, or a balance, available or potential outside a signed 64-bit integer. So
 * precedence holds in the corners too: a transfer that would both overflow and take an account below
 * its minimum is {@code insufficient_funds}.
 *
 * <p>Bounds, as documented on the engine: {@code insufficient_funds} when the change lowers an
 * account's available (balance less pending outflows) and the new available is below
 * {@code min_balance}; {@code exceeds_max_balance} when it raises balance plus pending inflows and the
 * result is above {@code max_balance}. {@code force} (reversals only) skips the minimum.
 *
 * <p>A batch that may be thrown away (atomic, dry run) runs on a copy of the book, which replaces the
 * book only if the batch is kept.
 *
 * <p>Time: {@link #advanceTo} sets now and expires every pending transaction whose deadline is at or
 * before it, earliest deadline first (then by id), as the engine does before the next request. Every
 * journal record takes the next sequence and the timestamp {@code max(now, previous + 1)}.
 *
 * <p>Transactions are the domain's {@link Transaction} with a null hash: the model does not hash.
 */
public final class ReferenceLedger {
    /** The model does not hash; its transactions carry zeros, which the comparison leaves out. */
    private static final byte[] NO_HASH = new byte[JournalCodec.HASH_BYTES];

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger ZERO = BigInteger.ZERO;

    /** The answer to a transaction request, with the transaction it shows, if any. */
    public record Outcome(ResultCode code, Transaction transaction) {}

    /** The answer to an account request, with the account it shows, if any. */
    public record AccountOutcome(ResultCode code, Account account) {}

    private final Set<String> assets = new HashSet<>();
    private final Book book;
    private long nowMicros;

    /** An empty ledger. */
    public ReferenceLedger() {
        this(0, 0);
    }

    /** A ledger with no accounts or transactions whose journal head is at this sequence and time. */
    public ReferenceLedger(long sequence, long timestampMicros) {
        this.book = new Book(null);
        book.sequence = sequence;
        book.timestampMicros = timestampMicros;
    }

    // ---- the state, for comparison

    public void addAsset(String code) {
        assets.add(code);
    }

    public long sequence() {
        return book.sequence;
    }

    public long timestampMicros() {
        return book.timestampMicros;
    }

    public long nowMicros() {
        return nowMicros;
    }

    public Account account(String id) {
        return book.account(id);
    }

    /** Every account, in creation order. */
    public Map<String, Account> accounts() {
        return Collections.unmodifiableMap(book.accounts);
    }

    public Transaction transaction(String id) {
        return book.transaction(id);
    }

    /** The earliest deadline of a pending transaction, or 0 when none can expire. */
    public long nextDeadlineMicros() {
        return pendingWithDeadline().stream()
                .mapToLong(Transaction::expiresAtMicros)
                .min()
                .orElse(0);
    }

    // ---- time

    /** Moves to {@code nowMicros} and expires what is due. Returns the ids expired, in order. */
    public List<String> advanceTo(long nowMicros) {
        this.nowMicros = nowMicros;
        List<Transaction> due = new ArrayList<>();
        for (Transaction transaction : pendingWithDeadline()) {
            if (transaction.expiresAtMicros() <= nowMicros) {
                due.add(transaction);
            }
        }
        due.sort(Comparator.comparingLong(Transaction::expiresAtMicros).thenComparing(Transaction::id));
        List<String> expired = new ArrayList<>();
        for (Transaction transaction : due) {
            release(book, transaction, TransactionStatus.EXPIRED, null);
            expired.add(transaction.id());
        }
        return expired;
    }

    private List<Transaction> pendingWithDeadline() {
        List<Transaction> pending = new ArrayList<>();
        for (Transaction transaction : book.transactions.values()) {
            if (transaction.status() == TransactionStatus.PENDING && transaction.expiresAtMicros() != 0) {
                pending.add(transaction);
            }
        }
        return pending;
    }

    // ---- accounts

    public AccountOutcome createAccount(AccountSpec spec) {
        Account existing = book.account(spec.id());
        if (existing != null) {
            ResultCode code =
                    existing.spec().equals(spec) ? ResultCode.EXISTS : ResultCode.ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS;
            return new AccountOutcome(code, existing);
        }
        if (!assets.contains(spec.asset())) {
            return new AccountOutcome(ResultCode.ASSET_NOT_FOUND, null);
        }
        long timestamp = book.record();
        Account account = new Account(spec, AccountStatus.OPEN, timestamp, Balances.ZERO, 1);
        book.accounts.put(spec.id(), account);
        return new AccountOutcome(ResultCode.CREATED, account);
    }

    public AccountOutcome closeAccount(String id) {
        Account account = book.account(id);
        if (account == null) {
            return new AccountOutcome(ResultCode.ACCOUNT_NOT_FOUND, null);
        }
        if (account.status() == AccountStatus.CLOSED) {
            return new AccountOutcome(ResultCode.OK, account);
        }
        Balances balances = account.balances();
        boolean empty = balances.postedDebits() == balances.postedCredits()
                && balances.pendingDebits() == 0
                && balances.pendingCredits() == 0;
        if (!empty) {
            return new AccountOutcome(ResultCode.ACCOUNT_NOT_EMPTY, account);
        }
        book.record();
        Account closed = new Account(
                account.spec(), AccountStatus.CLOSED, account.createdAtMicros(), balances, account.version() + 1);
        book.accounts.put(id, closed);
        return new AccountOutcome(ResultCode.OK, closed);
    }

    // ---- new transactions

    public Outcome createTransaction(TransactionSpec spec) {
        return createTransactions(List.of(spec), false, false).get(0);
    }

    /** Items in order, each seeing the ones before. Atomic: all or none. Dry run: nothing is kept. */
    public List<Outcome> createTransactions(List<TransactionSpec> specs, boolean atomic, boolean dryRun) {
        Book work = atomic || dryRun ? new Book(book) : book;
        List<Outcome> outcomes = new ArrayList<>();
        for (TransactionSpec spec : specs) {
            outcomes.add(create(work, spec, null, false));
        }
        boolean allSucceeded =
                outcomes.stream().allMatch(outcome -> outcome.code().succeeded());
        if (atomic && !allSucceeded) {
            List<Outcome> linked = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                linked.add(
                        outcome.code().succeeded() ? new Outcome(ResultCode.LINKED_TRANSACTION_FAILED, null) : outcome);
            }
            return linked;
        }
        if (work != book && !dryRun) {
            work.keepIntoParent();
        }
        return outcomes;
    }

    private Outcome create(Book book, TransactionSpec spec, String reverses, boolean force) {
        Transaction existing = book.transaction(spec.id());
        if (existing != null) {
            boolean identical = existing.spec().equals(spec) && Objects.equals(existing.reverses(), reverses);
            return new Outcome(
                    identical ? ResultCode.EXISTS : ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS, existing);
        }
        ResultCode refusal = refusal(book, spec, force);
        if (refusal != null) {
            return new Outcome(refusal, null);
        }
        long timestamp = book.record();
        long expiresAt = spec.timeoutSeconds() == null ? 0 : timestamp + spec.timeoutSeconds() * 1_000_000L;
        for (Posting posting : spec.postings()) {
            if (spec.pending()) {
                book.move(posting.from(), 0, 0, posting.amount(), 0);
                book.move(posting.to(), 0, 0, 0, posting.amount());
            } else {
                book.move(posting.from(), posting.amount(), 0, 0, 0);
                book.move(posting.to(), 0, posting.amount(), 0, 0);
            }
        }
        accountsOf(spec).forEach(book::touch);
        TransactionStatus status = spec.pending() ? TransactionStatus.PENDING : TransactionStatus.POSTED;
        Transaction created =
                new Transaction(spec, reverses, status, book.sequence, timestamp, NO_HASH, expiresAt, null, null);
        book.transactions.put(spec.id(), created);
        return new Outcome(ResultCode.CREATED, created);
    }

    /** The first refusal that applies to a new transaction, in precedence order, or null. */
    private static ResultCode refusal(Book book, TransactionSpec spec, boolean force) {
        List<Posting> postings = spec.postings();
        if (postings.stream().anyMatch(p -> book.account(p.from()) == null || book.account(p.to()) == null)) {
            return ResultCode.ACCOUNT_NOT_FOUND;
        }
        if (postings.stream().anyMatch(p -> isClosed(book.account(p.from())) || isClosed(book.account(p.to())))) {
            return ResultCode.ACCOUNT_CLOSED;
        }
        if (postings.stream()
                .anyMatch(p -> !book.account(p.from()).asset().equals(p.asset())
                        || !book.account(p.to()).asset().equals(p.asset()))) {
            return ResultCode.ASSET_MISMATCH;
        }
        if (postings.stream().anyMatch(p -> p.from().equals(p.to()))) {
            return ResultCode.SAME_ACCOUNT;
        }
        Map<String, Exact> after = new LinkedHashMap<>();
        for (Posting posting : postings) {
            BigInteger amount = BigInteger.valueOf(posting.amount());
            Exact from = after.computeIfAbsent(posting.from(), id -> Exact.of(book.account(id)));
            Exact to = after.computeIfAbsent(posting.to(), id -> Exact.of(book.account(id)));
            after.put(posting.from(), spec.pending() ? from.plusPending(amount, ZERO) : from.plusPosted(amount, ZERO));
            after.put(posting.to(), spec.pending() ? to.plusPending(ZERO, amount) : to.plusPosted(ZERO, amount));
        }
        EnumSet<ResultCode> refusals = EnumSet.noneOf(ResultCode.class);
        after.forEach((id, changed) -> refusals.addAll(boundRefusals(book.account(id), changed, force)));
        return refusals.isEmpty() ? null : refusals.iterator().next();
    }

    private static Set<ResultCode> boundRefusals(Account account, Exact after, boolean force) {
        NormalBalance normal = account.spec().normalBalance();
        Exact before = Exact.of(account);
        Set<ResultCode> refusals = EnumSet.noneOf(ResultCode.class);
        Long min = account.spec().minBalance();
        BigInteger available = after.available(normal);
        if (!force
                && min != null
                && available.compareTo(before.available(normal)) < 0
                && available.compareTo(BigInteger.valueOf(min)) < 0) {
            refusals.add(ResultCode.INSUFFICIENT_FUNDS);
        }
        Long max = account.spec().maxBalance();
        BigInteger potential = after.potential(normal);
        if (max != null
                && potential.compareTo(before.potential(normal)) > 0
                && potential.compareTo(BigInteger.valueOf(max)) > 0) {
            refusals.add(ResultCode.EXCEEDS_MAX_BALANCE);
        }
        if (!after.fits(normal)) {
            refusals.add(ResultCode.BALANCE_OVERFLOW);
        }
        return refusals;
    }

    private static boolean isClosed(Account account) {
        return account.status() == AccountStatus.CLOSED;
    }

    private static Set<String> accountsOf(TransactionSpec spec) {
        Set<String> ids = new LinkedHashSet<>();
        for (Posting posting : spec.postings()) {
            ids.add(posting.from());
            ids.add(posting.to());
        }
        return ids;
    }

    // ---- pending transactions

    /** Posts a pending transaction: in full when {@code amount} is null, else that much. */
    public Outcome post(String id, Long amount) {
        return resolve(id, true, amount);
    }

    public Outcome voidPending(String id) {
        return resolve(id, false, null);
    }

    private Outcome resolve(String id, boolean post, Long amount) {
        Transaction transaction = book.transaction(id);
        if (transaction == null) {
            return new Outcome(ResultCode.TRANSACTION_NOT_FOUND, null);
        }
        if (!transaction.spec().pending()) {
            return new Outcome(ResultCode.TRANSACTION_NOT_PENDING, transaction);
        }
        switch (transaction.status()) {
            case POSTED:
                return new Outcome(post ? ResultCode.OK : ResultCode.PENDING_ALREADY_POSTED, transaction);
            case VOIDED:
                return new Outcome(post ? ResultCode.PENDING_ALREADY_VOIDED : ResultCode.OK, transaction);
            case EXPIRED:
                return new Outcome(ResultCode.PENDING_EXPIRED, transaction);
            case PENDING:
                break;
        }
        if (transaction.expiresAtMicros() != 0 && transaction.expiresAtMicros() <= nowMicros) {
            return new Outcome(ResultCode.PENDING_EXPIRED, release(book, transaction, TransactionStatus.EXPIRED, null));
        }
        if (!post) {
            return new Outcome(ResultCode.OK, release(book, transaction, TransactionStatus.VOIDED, null));
        }
        List<Posting> postings = transaction.spec().postings();
        List<Long> amounts = new ArrayList<>();
        if (amount == null) {
            postings.forEach(posting -> amounts.add(posting.amount()));
        } else if (postings.size() != 1) {
            return new Outcome(ResultCode.PARTIAL_POST_REQUIRES_SINGLE_POSTING, transaction);
        } else if (amount > postings.get(0).amount()) {
            return new Outcome(ResultCode.POST_AMOUNT_EXCEEDS_PENDING, transaction);
        } else {
            amounts.add(amount);
        }
        if (!postingFits(transaction, amounts)) {
            return new Outcome(ResultCode.BALANCE_OVERFLOW, transaction);
        }
        return new Outcome(ResultCode.OK, release(book, transaction, TransactionStatus.POSTED, amounts));
    }

    private boolean postingFits(Transaction transaction, List<Long> amounts) {
        Map<String, Exact> after = new HashMap<>();
        List<Posting> postings = transaction.spec().postings();
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            BigInteger pending = BigInteger.valueOf(posting.amount()).negate();
            BigInteger posted = BigInteger.valueOf(amounts.get(i));
            Exact from = after.computeIfAbsent(posting.from(), id -> Exact.of(book.account(id)));
            Exact to = after.computeIfAbsent(posting.to(), id -> Exact.of(book.account(id)));
            after.put(posting.from(), from.plusPending(pending, ZERO).plusPosted(posted, ZERO));
            after.put(posting.to(), to.plusPending(ZERO, pending).plusPosted(ZERO, posted));
        }
        return after.entrySet().stream()
                .allMatch(entry -> entry.getValue()
                        .fits(book.account(entry.getKey()).spec().normalBalance()));
    }

    /**
     * Takes a pending transaction's amounts off the pending side, moving {@code postedAmounts} (null:
     * nothing) to the posted side.
     */
    private Transaction release(
            Book book, Transaction transaction, TransactionStatus status, List<Long> postedAmounts) {
        book.record();
        List<Posting> postings = transaction.spec().postings();
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            long posted = postedAmounts == null ? 0 : postedAmounts.get(i);
            book.move(posting.from(), posted, 0, -posting.amount(), 0);
            book.move(posting.to(), 0, posted, 0, -posting.amount());
        }
        accountsOf(transaction.spec()).forEach(book::touch);
        Transaction released =
                transaction.withStatus(status, postedAmounts == null ? null : List.copyOf(postedAmounts));
        book.transactions.put(transaction.id(), released);
        return released;
    }

    // ---- reversals

    public Outcome reverse(String originalId, String reversalId, Metadata metadata, String description, boolean force) {
        Transaction existing = book.transaction(reversalId);
        if (existing != null) {
            boolean identical = originalId.equals(existing.reverses())
                    && existing.spec().metadata().equals(metadata)
                    && Objects.equals(existing.spec().description(), description);
            return new Outcome(
                    identical ? ResultCode.EXISTS : ResultCode.TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS, existing);
        }
        Transaction original = book.transaction(originalId);
        if (original == null) {
            return new Outcome(ResultCode.TRANSACTION_NOT_FOUND, null);
        }
        if (original.status() != TransactionStatus.POSTED) {
            return new Outcome(ResultCode.TRANSACTION_NOT_POSTED, original);
        }
        if (original.reversedBy() != null) {
            return new Outcome(ResultCode.TRANSACTION_ALREADY_REVERSED, original);
        }
        List<Posting> flipped = new ArrayList<>();
        List<Posting> postings = original.spec().postings();
        for (int i = 0; i < postings.size(); i++) {
            Posting posting = postings.get(i);
            long moved = original.postedAmount(i);
            if (moved > 0) {
                flipped.add(new Posting(posting.to(), posting.from(), moved, posting.asset()));
            }
        }
        TransactionSpec reversal = new TransactionSpec(reversalId, flipped, false, null, metadata, description);
        Outcome created = create(book, reversal, originalId, force);
        if (created.code() == ResultCode.CREATED) {
            book.record();
            book.transactions.put(originalId, original.withReversedBy(reversalId));
        }
        return created;
    }

    // ---- the book

    /**
     * Accounts and transactions. A child book starts as a copy of its parent's accounts and reads its
     * parent's transactions through its own; {@link #keepIntoParent} makes its state the parent's.
     */
    private final class Book {
        final Book parent;
        final Map<String, Account> accounts;
        final Map<String, Transaction> transactions = new LinkedHashMap<>();
        long sequence;
        long timestampMicros;

        Book(Book parent) {
            this.parent = parent;
            this.accounts = parent == null ? new LinkedHashMap<>() : new LinkedHashMap<>(parent.accounts);
            if (parent != null) {
                sequence = parent.sequence;
                timestampMicros = parent.timestampMicros;
            }
        }

        Account account(String id) {
            return accounts.get(id);
        }

        Transaction transaction(String id) {
            Transaction own = transactions.get(id);
            return own != null || parent == null ? own : parent.transaction(id);
        }

        /** Takes the next journal sequence; returns its timestamp. */
        long record() {
            sequence++;
            timestampMicros = Math.max(nowMicros, timestampMicros + 1);
            return timestampMicros;
        }

        void move(String id, long postedDebits, long postedCredits, long pendingDebits, long pendingCredits) {
            Account account = accounts.get(id);
            Balances b = account.balances();
            Balances moved = new Balances(
                    Math.addExact(b.postedDebits(), postedDebits),
                    Math.addExact(b.postedCredits(), postedCredits),
                    Math.addExact(b.pendingDebits(), pendingDebits),
                    Math.addExact(b.pendingCredits(), pendingCredits));
            accounts.put(
                    id,
                    new Account(account.spec(), account.status(), account.createdAtMicros(), moved, account.version()));
        }

        /** One more version for an account a change touched. */
        void touch(String id) {
            Account account = accounts.get(id);
            accounts.put(
                    id,
                    new Account(
                            account.spec(),
                            account.status(),
                            account.createdAtMicros(),
                            account.balances(),
                            account.version() + 1));
        }

        void keepIntoParent() {
            parent.accounts.clear();
            parent.accounts.putAll(accounts);
            parent.transactions.putAll(transactions);
            parent.sequence = sequence;
            parent.timestampMicros = timestampMicros;
        }
    }

    /** An account's four components, exactly. */
    private record Exact(
            BigInteger postedDebits, BigInteger postedCredits, BigInteger pendingDebits, BigInteger pendingCredits) {
        static Exact of(Account account) {
            Balances b = account.balances();
            return new Exact(
                    BigInteger.valueOf(b.postedDebits()),
                    BigInteger.valueOf(b.postedCredits()),
                    BigInteger.valueOf(b.pendingDebits()),
                    BigInteger.valueOf(b.pendingCredits()));
        }

        Exact plusPosted(BigInteger debits, BigInteger credits) {
            return new Exact(postedDebits.add(debits), postedCredits.add(credits), pendingDebits, pendingCredits);
        }

        Exact plusPending(BigInteger debits, BigInteger credits) {
            return new Exact(postedDebits, postedCredits, pendingDebits.add(debits), pendingCredits.add(credits));
        }

        BigInteger balance(NormalBalance normal) {
            return normal == NormalBalance.CREDIT
                    ? postedCredits.subtract(postedDebits)
                    : postedDebits.subtract(postedCredits);
        }

        BigInteger available(NormalBalance normal) {
            return balance(normal).subtract(normal == NormalBalance.CREDIT ? pendingDebits : pendingCredits);
        }

        BigInteger potential(NormalBalance normal) {
            return balance(normal).add(normal == NormalBalance.CREDIT ? pendingCredits : pendingDebits);
        }

        /** Every component, and every balance derived from them, fits a signed 64-bit integer. */
        boolean fits(NormalBalance normal) {
            return List.of(postedDebits, postedCredits, pendingDebits, pendingCredits).stream()
                            .allMatch(component -> component.signum() >= 0 && component.compareTo(LONG_MAX) <= 0)
                    && List.of(balance(normal), available(normal), potential(normal)).stream()
                            .allMatch(value -> value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0);
        }
    }
}
