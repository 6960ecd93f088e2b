package dev.pacioli.ledger.engine;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.Transaction;

/**
 * The transactions one batch may read, by id: an open-addressing hash table (linear probing) in
 * parallel arrays that are kept from batch to batch. A {@code HashMap} allocates a node per entry; a
 * batch of 8,000 transfers puts 8,000, so this table, once grown to a batch's size, puts without
 * allocating.
 *
 * <p>Keys are never removed within a batch: forgetting a transaction ({@link #put} of null, which a
 * rollback does) keeps its id in its slot with no value, and {@link #get} answers null for it, as for
 * an id never put. So slots never move, and {@link #clear} empties exactly the slots a batch used.
 *
 * <p>Each slot also holds a stamp, so one pass over a batch's journal can take each transaction once
 * ({@link #markOnce}) without a set of its own.
 *
 * <p>Writer thread only.
 */
final class TransactionTable {
    private static final int CAPACITY_INITIAL = 1 << 10;
    /** Keys per slot at most, as a fraction: beyond it the table doubles. */
    private static final int LOAD_PERCENT_MAX = 50;

    private String[] ids = new String[CAPACITY_INITIAL];
    private Transaction[] values = new Transaction[CAPACITY_INITIAL];
    private long[] stamps = new long[CAPACITY_INITIAL];
    /** The slots holding an id, in the order they were taken: what {@link #clear} empties. */
    private int[] used = new int[CAPACITY_INITIAL * LOAD_PERCENT_MAX / 100 + 1];

    private int usedCount;
    private int shift = Integer.SIZE - Integer.numberOfTrailingZeros(CAPACITY_INITIAL);

    /** The transaction put under {@code id}, or null. */
    Transaction get(String id) {
        int slot = find(id);
        return ids[slot] == null ? null : values[slot];
    }

    /** Puts {@code transaction} under {@code id} (null: forgets it); returns what was there, or null. */
    Transaction put(String id, Transaction transaction) {
        int slot = find(id);
        if (ids[slot] == null) {
            if (transaction == null) {
                return null;
            }
            slot = take(id, slot);
        }
        Transaction previous = values[slot];
        values[slot] = transaction;
        return previous;
    }

    /**
     * True the first time it is called for {@code id} with this {@code stamp} (which must differ from
     * every stamp before it since the last {@link #clear}); the transaction must be in the table.
     */
    boolean markOnce(String id, long stamp) {
        int slot = find(id);
        Assert.that(ids[slot] != null && values[slot] != null, "marking a transaction that is not in the table");
        if (stamps[slot] == stamp) {
            return false;
        }
        stamps[slot] = stamp;
        return true;
    }

    /** The number of ids that hold a slot, with a value or not. */
    int slotsUsed() {
        return usedCount;
    }

    int capacity() {
        return ids.length;
    }

    /** Empties every slot the batch used; the arrays stay, grown. */
    void clear() {
        for (int i = 0; i < usedCount; i++) {
            int slot = used[i];
            ids[slot] = null;
            values[slot] = null;
            stamps[slot] = 0;
        }
        usedCount = 0;
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    private int find(String id) {
        int mask = ids.length - 1;
        // Fibonacci hashing spreads ids that differ only in their last characters over the table.
        int slot = (id.hashCode() * 0x9E3779B9) >>> shift;
        while (true) {
            String key = ids[slot];
            if (key == null || key.equals(id)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Takes the empty {@code slot} for {@code id}, growing first if the table is full enough; returns its slot. */
    private int take(String id, int slot) {
        if ((usedCount + 1) * 100 > ids.length * LOAD_PERCENT_MAX) {
            grow();
            slot = find(id);
        }
        ids[slot] = id;
        used[usedCount++] = slot;
        return slot;
    }

    private void grow() {
        String[] oldIds = ids;
        Transaction[] oldValues = values;
        long[] oldStamps = stamps;
        int[] oldUsed = used;
        int oldUsedCount = usedCount;
        int capacity = oldIds.length * 2;
        ids = new String[capacity];
        values = new Transaction[capacity];
        stamps = new long[capacity];
        used = new int[capacity * LOAD_PERCENT_MAX / 100 + 1];
        usedCount = 0;
        shift--;
        for (int i = 0; i < oldUsedCount; i++) {
            int oldSlot = oldUsed[i];
            int slot = find(oldIds[oldSlot]);
            ids[slot] = oldIds[oldSlot];
            values[slot] = oldValues[oldSlot];
            stamps[slot] = oldStamps[oldSlot];
            used[usedCount++] = slot;
        }
    }
}
