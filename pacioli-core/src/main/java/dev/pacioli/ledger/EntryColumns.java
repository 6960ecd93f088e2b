package dev.pacioli.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One batch's entries (see {@link Entry}) as columns: one array per field, reused from batch to batch,
 * so recording an entry writes a dozen array slots and allocates nothing once the arrays have grown to
 * a batch's size.
 *
 * <p>Not thread-safe, and owned as {@link JournalColumns} is: the writer appends, a commit thread
 * reads, and a reader that keeps anything beyond the commit copies it out ({@link #entry}).
 */
public final class EntryColumns {
    private static final int ENTRIES_INITIAL = 64;

    private int size;
    private String[] accountIds = new String[ENTRIES_INITIAL];
    private long[] sequences = new long[ENTRIES_INITIAL];
    private String[] transactionIds = new String[ENTRIES_INITIAL];
    private EntryKind[] kinds = new EntryKind[ENTRIES_INITIAL];
    private long[] debits = new long[ENTRIES_INITIAL];
    private long[] credits = new long[ENTRIES_INITIAL];
    private long[] postedDebits = new long[ENTRIES_INITIAL];
    private long[] postedCredits = new long[ENTRIES_INITIAL];
    private long[] pendingDebits = new long[ENTRIES_INITIAL];
    private long[] pendingCredits = new long[ENTRIES_INITIAL];
    private long[] balancesAfter = new long[ENTRIES_INITIAL];
    private long[] availablesAfter = new long[ENTRIES_INITIAL];
    private long[] committedAtMicros = new long[ENTRIES_INITIAL];

    /**
     * Appends an entry: the account's change at one sequence and its four balance components, balance
     * and available after it.
     */
    public void add(
            String accountId,
            long sequence,
            String transactionId,
            EntryKind kind,
            long debit,
            long credit,
            long postedDebitsAfter,
            long postedCreditsAfter,
            long pendingDebitsAfter,
            long pendingCreditsAfter,
            long balanceAfter,
            long availableAfter,
            long committedAt) {
        if (size == sequences.length) {
            grow();
        }
        int i = size++;
        accountIds[i] = accountId;
        sequences[i] = sequence;
        transactionIds[i] = transactionId;
        kinds[i] = kind;
        debits[i] = debit;
        credits[i] = credit;
        postedDebits[i] = postedDebitsAfter;
        postedCredits[i] = postedCreditsAfter;
        pendingDebits[i] = pendingDebitsAfter;
        pendingCredits[i] = pendingCreditsAfter;
        balancesAfter[i] = balanceAfter;
        availablesAfter[i] = availableAfter;
        committedAtMicros[i] = committedAt;
    }

    /** Drops every entry from {@code newSize} on. */
    public void truncate(int newSize) {
        Assert.that(newSize >= 0 && newSize <= size, "truncating entries to more than there are");
        Arrays.fill(accountIds, newSize, size, null);
        Arrays.fill(transactionIds, newSize, size, null);
        size = newSize;
    }

    public void clear() {
        truncate(0);
    }

    private void grow() {
        int capacity = sequences.length * 2;
        accountIds = Arrays.copyOf(accountIds, capacity);
        sequences = Arrays.copyOf(sequences, capacity);
        transactionIds = Arrays.copyOf(transactionIds, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        debits = Arrays.copyOf(debits, capacity);
        credits = Arrays.copyOf(credits, capacity);
        postedDebits = Arrays.copyOf(postedDebits, capacity);
        postedCredits = Arrays.copyOf(postedCredits, capacity);
        pendingDebits = Arrays.copyOf(pendingDebits, capacity);
        pendingCredits = Arrays.copyOf(pendingCredits, capacity);
        balancesAfter = Arrays.copyOf(balancesAfter, capacity);
        availablesAfter = Arrays.copyOf(availablesAfter, capacity);
        committedAtMicros = Arrays.copyOf(committedAtMicros, capacity);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String accountId(int index) {
        return accountIds[Objects.checkIndex(index, size)];
    }

    public long sequence(int index) {
        return sequences[Objects.checkIndex(index, size)];
    }

    public String transactionId(int index) {
        return transactionIds[Objects.checkIndex(index, size)];
    }

    public EntryKind kind(int index) {
        return kinds[Objects.checkIndex(index, size)];
    }

    public long debit(int index) {
        return debits[Objects.checkIndex(index, size)];
    }

    public long credit(int index) {
        return credits[Objects.checkIndex(index, size)];
    }

    public long postedDebitsAfter(int index) {
        return postedDebits[Objects.checkIndex(index, size)];
    }

    public long postedCreditsAfter(int index) {
        return postedCredits[Objects.checkIndex(index, size)];
    }

    public long pendingDebitsAfter(int index) {
        return pendingDebits[Objects.checkIndex(index, size)];
    }

    public long pendingCreditsAfter(int index) {
        return pendingCredits[Objects.checkIndex(index, size)];
    }

    public long balanceAfter(int index) {
        return balancesAfter[Objects.checkIndex(index, size)];
    }

    public long availableAfter(int index) {
        return availablesAfter[Objects.checkIndex(index, size)];
    }

    public long committedAtMicros(int index) {
        return committedAtMicros[Objects.checkIndex(index, size)];
    }

    /** Entry {@code index} as a value of its own. */
    public Entry entry(int index) {
        Objects.checkIndex(index, size);
        return new Entry(
                accountIds[index],
                sequences[index],
                transactionIds[index],
                kinds[index],
                debits[index],
                credits[index],
                new Balances(postedDebits[index], postedCredits[index], pendingDebits[index], pendingCredits[index]),
                balancesAfter[index],
                availablesAfter[index],
                committedAtMicros[index]);
    }

    /** Every entry, copied out of the columns. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            entries.add(entry(i));
        }
        return entries;
    }
}
