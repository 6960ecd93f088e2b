package dev.pacioli.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One batch's entries (see {@link Entry}), read field by field as columns, held in arrays reused from
 * batch to batch: recording an entry writes twelve numbers and allocates nothing once the arrays have
 * grown to a batch's size. The numbers of an entry are one row of one {@code long[]}, not one array
 * per field: the writer then writes one array front to back, as the allocator writes new objects,
 * rather than a dozen at once (measured: a dozen store streams cost more than the objects they
 * replaced).
 *
 * <p>The arrays hold numbers, not references, where they can: storing a reference into an array that
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

    // An entry's numbers are one row of this array, FIELDS longs from index * FIELDS: one array written
    // front to back, as the allocator writes new objects, rather than a dozen arrays written at once.
    private static final int ACCOUNT = 0;
    private static final int SEQUENCE = 1;
    private static final int KIND = 2;
    private static final int DEBIT = 3;
    private static final int CREDIT = 4;
    private static final int POSTED_DEBITS = 5;
    private static final int POSTED_CREDITS = 6;
    private static final int PENDING_DEBITS = 7;
    private static final int PENDING_CREDITS = 8;
    private static final int BALANCE = 9;
    private static final int AVAILABLE = 10;
    private static final int COMMITTED_AT = 11;
    private static final int FIELDS = 12;

    private int size;
    private long[] rows = new long[ENTRIES_INITIAL * FIELDS];

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
        int at = size * FIELDS;
        if (at == rows.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
        }
        long[] row = rows;
        row[at + ACCOUNT] = account;
        row[at + SEQUENCE] = sequence;
        row[at + KIND] = kind.ordinal();
        row[at + DEBIT] = debit;
        row[at + CREDIT] = credit;
        row[at + POSTED_DEBITS] = postedDebitsAfter;
        row[at + POSTED_CREDITS] = postedCreditsAfter;
        row[at + PENDING_DEBITS] = pendingDebitsAfter;
        row[at + PENDING_CREDITS] = pendingCreditsAfter;
        row[at + BALANCE] = balanceAfter;
        row[at + AVAILABLE] = availableAfter;
        row[at + COMMITTED_AT] = committedAt;
        size++;
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

    private long field(int index, int field) {
        return rows[Objects.checkIndex(index, size) * FIELDS + field];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String accountId(int index) {
        return accountIds[(int) field(index, ACCOUNT)];
    }

    public long sequence(int index) {
        return field(index, SEQUENCE);
    }

    /** The subject of the journal record at the entry's sequence. */
    public String transactionId(int index) {
        long record = sequence(index) - journal.sequence(0);
        return journal.subject(Math.toIntExact(record));
    }

    public EntryKind kind(int index) {
        return KINDS[(int) field(index, KIND)];
    }

    public long debit(int index) {
        return field(index, DEBIT);
    }

    public long credit(int index) {
        return field(index, CREDIT);
    }

    public long postedDebitsAfter(int index) {
        return field(index, POSTED_DEBITS);
    }

    public long postedCreditsAfter(int index) {
        return field(index, POSTED_CREDITS);
    }

    public long pendingDebitsAfter(int index) {
        return field(index, PENDING_DEBITS);
    }

    public long pendingCreditsAfter(int index) {
        return field(index, PENDING_CREDITS);
    }

    public long balanceAfter(int index) {
        return field(index, BALANCE);
    }

    public long availableAfter(int index) {
        return field(index, AVAILABLE);
    }

    public long committedAtMicros(int index) {
        return field(index, COMMITTED_AT);
    }

    /** Entry {@code index} as a value of its own. */
    public Entry entry(int index) {
        return new Entry(
                accountId(index),
                sequence(index),
                transactionId(index),
                kind(index),
                debit(index),
                credit(index),
                new Balances(
                        postedDebitsAfter(index),
                        postedCreditsAfter(index),
                        pendingDebitsAfter(index),
                        pendingCreditsAfter(index)),
                balanceAfter(index),
                availableAfter(index),
                committedAtMicros(index));
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
