package dev.pacioli.ledger.engine;

import java.util.Arrays;

/**
 * The undo log as columns, kept from batch to batch: a kind, two references, an account and six
 * numbers per change, so saving an account's values before a change allocates nothing. What the
 * references are depends on the kind ({@link UndoKind}), which is why they are plain objects: one
 * record type per kind would be clearer and cost an object per change, two per transfer. The
 * commonest change, an account's values, stores no reference at all (the account is named by its
 * place in {@code touched}): a reference stored into these long-lived arrays costs the garbage
 * collector's write barrier a memory fence.
 */
final class UndoLog {
    static final int VALUES_PER_ENTRY = 6;
    static final UndoKind[] KINDS = UndoKind.values();
    private static final int ENTRIES_INITIAL = 64;

    int size;
    byte[] kinds = new byte[ENTRIES_INITIAL];
    Object[] subjects = new Object[ENTRIES_INITIAL];
    Object[] previous = new Object[ENTRIES_INITIAL];
    int[] accounts = new int[ENTRIES_INITIAL];
    long[] values = new long[ENTRIES_INITIAL * VALUES_PER_ENTRY];

    /** Appends a change; returns its index, whose account and values the caller fills when the kind has them. */
    int add(UndoKind kind, Object subject, Object previousValue) {
        if (size == kinds.length) {
            int capacity = size * 2;
            kinds = Arrays.copyOf(kinds, capacity);
            subjects = Arrays.copyOf(subjects, capacity);
            previous = Arrays.copyOf(previous, capacity);
            accounts = Arrays.copyOf(accounts, capacity);
            values = Arrays.copyOf(values, capacity * VALUES_PER_ENTRY);
        }
        kinds[size] = (byte) kind.ordinal(); // a position, not a code: the log lives in memory only
        if (subject != null) {
            subjects[size] = subject;
        }
        if (previousValue != null) {
            previous[size] = previousValue;
        }
        return size++;
    }

    void truncate(int newSize) {
        Arrays.fill(subjects, newSize, size, null);
        Arrays.fill(previous, newSize, size, null);
        size = newSize;
    }
}
