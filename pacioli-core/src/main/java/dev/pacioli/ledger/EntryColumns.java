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
 * <p>The columns hold numbers, not references, where they can: storing a reference into an array that
 * has lived long enough to be old costs the garbage collector's write barrier a memory fence, several
 * per transfer if every column held one. So account ids are a dictionary: the batch registers each
 * account once ({@link #addAccount}) and its entries name it by index. And an entry's transaction id is
 * not stored at all: it is the subject of the journal record at the entry's sequence, which the batch's
 * {@link JournalColumns} hold (every entry is made by the transaction record at its sequence).
 *
 * <p>Not thread-safe, and owned as {@link JournalColumns} is: the writer appends, a commit thread
 * reads, and a reader that keeps anything beyond the commit copies it out ({@link #entry}).
 */
public final class EntryColumns {
    private static final int ENTRIES_INITIAL = 64;
    private static final EntryKind[] KINDS = EntryKind.values();

    private final JournalColumns journal;
    private int accountCount;
    private String[] accountIds = new String[ENTRIES_INITIAL];

    private int size;
    private int[] accounts = new int[ENTRIES_INITIAL];
    private long[] sequences = new long[ENTRIES_INITIAL];
    private byte[] kinds = new byte[ENTRIES_INITIAL];
    private long[] debits = new long[ENTRIES_INITIAL];
    private long[] credits = new long[ENTRIES_INITIAL];
    private long[] postedDebits = new long[ENTRIES_INITIAL];
    private long[] postedCredits = new long[ENTRIES_INITIAL];
    private long[] pendingDebits = new long[ENTRIES_INITIAL];
    private long[] pendingCredits = new long[ENTRIES_INITIAL];
    private long[] balancesAfter = new long[ENTRIES_INITIAL];
    private long[] availablesAfter = new long[ENTRIES_INITIAL];
    private long[] committedAtMicros = new long[ENTRIES_INITIAL];

    /** Entries of the batch whose records {@code journal} holds: it names their transactions. */
    public EntryColumns(JournalColumns journal) {
        this.journal = journal;
    }

    /** Registers an account the batch's entries may name; returns the index they name it by. */
    public int addAccount(String accountId) {
        if (accountCount == accountIds.length) {
            accountIds = Arrays.copyOf(accountIds, accountCount * 2);
        }
        accountIds[accountCount] = accountId;
        return accountCount++;
    }

    /** Accounts registered with {@link #addAccount}. */
    public int accountCount() {
        return accountCount;
    }

    /**
     * Appends an entry: the change to the account registered as {@code account} made by the journal
     * record at {@code sequence}, and the account's four balance components, balance and available after
     * it.
     */
    public void add(
            int account,
            long sequence,
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
        Objects.checkIndex(account, accountCount);
        if (size == sequences.length) {
            grow();
        }
        int i = size++;
        accounts[i] = account;
        sequences[i] = sequence;
        kinds[i] = (byte) kind.ordinal();
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

    /** Drops every entry from {@code newSize} on, and every account registered from {@code newAccountCount} on. */
    public void truncate(int newSize, int newAccountCount) {
        Assert.that(newSize >= 0 && newSize <= size, "truncating entries to more than there are");
        Assert.that(
                newAccountCount >= 0 && newAccountCount <= accountCount, "truncating accounts to more than there are");
        Arrays.fill(accountIds, newAccountCount, accountCount, null);
        size = newSize;
        accountCount = newAccountCount;
    }

    public void clear() {
        Arrays.fill(accountIds, 0, accountCount, null);
        size = 0;
        accountCount = 0;
    }

    private void grow() {
        int capacity = sequences.length * 2;
        accounts = Arrays.copyOf(accounts, capacity);
        sequences = Arrays.copyOf(sequences, capacity);
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
        return accountIds[accounts[Objects.checkIndex(index, size)]];
    }

    public long sequence(int index) {
        return sequences[Objects.checkIndex(index, size)];
    }

    /** The subject of the journal record at the entry's sequence. */
    public String transactionId(int index) {
        long record = sequence(index) - journal.sequence(0);
        return journal.subject(Math.toIntExact(record));
    }

    public EntryKind kind(int index) {
        return KINDS[kinds[Objects.checkIndex(index, size)]];
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
        return new Entry(
                accountId(index),
                sequences[index],
                transactionId(index),
                kind(index),
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
