package dev.pacioli.ledger;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Accounts as they stand at the end of a batch, as columns: the spec by reference (it is immutable) and
 * the changing fields in primitive arrays, reused from batch to batch. It is also a read-only {@code
 * List<Account>}: {@link #get} builds an {@link Account} from the columns on each call, for a reader
 * that wants values; a reader that does not (the store's row writers) reads the columns and allocates
 * nothing.
 *
 * <p>Not thread-safe, and owned as {@link JournalColumns} is: the writer fills it from its own
 * mutable accounts (the values are copied, so the writer may go on changing them), a commit thread
 * reads it.
 */
public final class AccountColumns extends AbstractList<Account> implements RandomAccess {
    private static final int ACCOUNTS_INITIAL = 64;
    private static final AccountStatus[] STATUSES = AccountStatus.values();

    private int size;
    private AccountSpec[] specs = new AccountSpec[ACCOUNTS_INITIAL];
    /** Ordinals, not references: see {@link EntryColumns} on what a reference stored here would cost. */
    private byte[] statuses = new byte[ACCOUNTS_INITIAL];

    private long[] createdAtMicros = new long[ACCOUNTS_INITIAL];
    private long[] postedDebits = new long[ACCOUNTS_INITIAL];
    private long[] postedCredits = new long[ACCOUNTS_INITIAL];
    private long[] pendingDebits = new long[ACCOUNTS_INITIAL];
    private long[] pendingCredits = new long[ACCOUNTS_INITIAL];
    private long[] versions = new long[ACCOUNTS_INITIAL];

    /** Appends an account as it now stands. */
    public void add(
            AccountSpec spec,
            AccountStatus status,
            long createdAt,
            long postedDebitsNow,
            long postedCreditsNow,
            long pendingDebitsNow,
            long pendingCreditsNow,
            long version) {
        if (size == specs.length) {
            grow();
        }
        int i = size++;
        specs[i] = spec;
        statuses[i] = (byte) status.ordinal();
        createdAtMicros[i] = createdAt;
        postedDebits[i] = postedDebitsNow;
        postedCredits[i] = postedCreditsNow;
        pendingDebits[i] = pendingDebitsNow;
        pendingCredits[i] = pendingCreditsNow;
        versions[i] = version;
    }

    /** Empties the columns. Not {@link #clear()}: the list view is read-only. */
    public void reset() {
        Arrays.fill(specs, 0, size, null);
        size = 0;
    }

    private void grow() {
        int capacity = specs.length * 2;
        specs = Arrays.copyOf(specs, capacity);
        statuses = Arrays.copyOf(statuses, capacity);
        createdAtMicros = Arrays.copyOf(createdAtMicros, capacity);
        postedDebits = Arrays.copyOf(postedDebits, capacity);
        postedCredits = Arrays.copyOf(postedCredits, capacity);
        pendingDebits = Arrays.copyOf(pendingDebits, capacity);
        pendingCredits = Arrays.copyOf(pendingCredits, capacity);
        versions = Arrays.copyOf(versions, capacity);
    }

    @Override
    public int size() {
        return size;
    }

    /** Account {@code index} as a value of its own, built on each call. */
    @Override
    public Account get(int index) {
        Objects.checkIndex(index, size);
        Balances balances =
                new Balances(postedDebits[index], postedCredits[index], pendingDebits[index], pendingCredits[index]);
        return new Account(specs[index], status(index), createdAtMicros[index], balances, versions[index]);
    }

    public AccountSpec spec(int index) {
        return specs[Objects.checkIndex(index, size)];
    }

    public String id(int index) {
        return spec(index).id();
    }

    public AccountStatus status(int index) {
        return STATUSES[statuses[Objects.checkIndex(index, size)]];
    }

    public long createdAtMicros(int index) {
        return createdAtMicros[Objects.checkIndex(index, size)];
    }

    public long postedDebits(int index) {
        return postedDebits[Objects.checkIndex(index, size)];
    }

    public long postedCredits(int index) {
        return postedCredits[Objects.checkIndex(index, size)];
    }

    public long pendingDebits(int index) {
        return pendingDebits[Objects.checkIndex(index, size)];
    }

    public long pendingCredits(int index) {
        return pendingCredits[Objects.checkIndex(index, size)];
    }

    public long version(int index) {
        return versions[Objects.checkIndex(index, size)];
    }
}
